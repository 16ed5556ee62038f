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


# ---------------------------------------------------------------- page_requires_role


def _page_request(user, path="/somewhere/?x=1"):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _page(*roles, **options):
    from django.http import HttpResponse

    from dolbom.core.permissions import page_requires_role

    @page_requires_role(*roles, **options)
    def view(request, pk):
        return HttpResponse(f"ok {pk}")

    return view


@pytest.mark.django_db
def test_page_sends_anonymous_visitors_to_login_and_back():
    from django.urls import reverse

    response = _page("coordinator")(_page_request(None), pk=1)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?")
    assert "next=/somewhere/%3Fx%3D1" in response["Location"]


def test_page_refuses_another_role_with_the_403_page(citizen, coordinator_suwon, provider_x):
    view = _page("coordinator")
    refused = view(_page_request(citizen), pk=1)
    assert refused.status_code == 403
    assert "돌봄코디네이터만 볼 수 있는 페이지입니다." in refused.content.decode()
    assert b"ok 1" not in refused.content
    assert view(_page_request(provider_x), pk=1).status_code == 403
    allowed = view(_page_request(coordinator_suwon), pk=7)
    assert allowed.status_code == 200 and allowed.content == b"ok 7"


def test_page_lets_administrators_in_unless_the_page_needs_the_role_itself(citizen):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin")
    assert _page("coordinator")(_page_request(admin), pk=1).status_code == 200
    own_records = _page("citizen", admin=False)
    refused = own_records(_page_request(admin), pk=1)
    assert refused.status_code == 403
    assert "보호자 계정에서만 쓸 수 있는 페이지입니다." in refused.content.decode()
    assert own_records(_page_request(citizen), pk=1).status_code == 200


def test_page_refusal_message_can_be_given(citizen):
    refused = _page("provider", "coordinator", message="직원만 볼 수 있습니다.")(_page_request(citizen), pk=1)
    assert refused.status_code == 403 and "직원만 볼 수 있습니다." in refused.content.decode()


def test_page_needs_a_role():
    from dolbom.core.permissions import page_requires_role

    with pytest.raises(ValueError):
        page_requires_role()
