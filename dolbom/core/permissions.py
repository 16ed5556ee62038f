"""Permission helpers every API endpoint and page uses.

A staff account acts only inside its scope: provider staff in their facility, coordinators and city
officials in their 시군구, province officials in their 시도. Administrators act everywhere. Citizens act
only on what they own.
"""

from typing import Any

from .errors import AuthenticationRequired, PermissionDenied

ADMIN = "admin"


def require_login(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise AuthenticationRequired()


def require_role(user: Any, *roles: str) -> None:
    require_login(user)
    if user.role == ADMIN or user.is_superuser:
        return
    if user.role not in roles:
        raise PermissionDenied(detail={"required_roles": list(roles)})


def scope_prefixes(user: Any) -> list[str] | None:
    """Region-code prefixes the user may act in; None means everywhere (administrators)."""
    if user.role == ADMIN or user.is_superuser:
        return None
    region = getattr(user, "scope_region", None)
    if region is None:
        return []
    from dolbom.regions.selectors import region_scope_prefixes

    return region_scope_prefixes(region=region)


def region_in_scope(user: Any, region_code: str | None) -> bool:
    prefixes = scope_prefixes(user)
    if prefixes is None:
        return True
    return bool(region_code) and any(str(region_code).startswith(p) for p in prefixes)


def require_region_access(user: Any, region_code: str | None) -> None:
    require_login(user)
    if not region_in_scope(user, region_code):
        raise PermissionDenied("담당 지역 밖의 정보입니다.", code="out_of_scope")


def facility_in_scope(user: Any, facility: Any) -> bool:
    if user.role == ADMIN or user.is_superuser:
        return True
    if user.role == "provider":
        return user.facility_id is not None and user.facility_id == facility.pk
    if user.role in {"coordinator", "city_official", "province_official"}:
        region = getattr(facility, "region", None)
        return region_in_scope(user, region.code if region else None)
    return False


def require_facility_access(user: Any, facility: Any) -> None:
    require_login(user)
    if not facility_in_scope(user, facility):
        raise PermissionDenied("소속 시설의 정보만 볼 수 있습니다.", code="out_of_scope")


def require_owner(user: Any, owner_id: int | None) -> None:
    """Citizens reach only their own records. Callers raise NotFound instead where existence must not leak."""
    require_login(user)
    if owner_id != user.pk:
        raise PermissionDenied()
