import pytest

from dolbom.core.errors import AuthenticationRequired, PermissionDenied
from dolbom.core.permissions import facility_in_scope, region_in_scope, require_facility_access, require_role


def test_provider_reaches_only_their_facility(provider_x, facility_x, facility_y):
    assert facility_in_scope(provider_x, facility_x)
    with pytest.raises(PermissionDenied):
        require_facility_access(provider_x, facility_y)


def test_regional_scopes(coordinator_suwon, province_gyeonggi, facility_x, facility_y):
    assert region_in_scope(coordinator_suwon, "4111100000")
    assert not region_in_scope(coordinator_suwon, "4113100000")  # 성남시
    assert region_in_scope(province_gyeonggi, "4113100000")
    assert not region_in_scope(province_gyeonggi, "1168000000")
    assert facility_in_scope(coordinator_suwon, facility_x)
    assert not facility_in_scope(coordinator_suwon, facility_y)


def test_roles_are_checked(citizen, coordinator_suwon):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(AuthenticationRequired):
        require_role(AnonymousUser(), "coordinator")
    with pytest.raises(PermissionDenied):
        require_role(citizen, "coordinator")
    require_role(coordinator_suwon, "coordinator")
