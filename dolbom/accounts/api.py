from django.http import HttpRequest
from ninja import Router

from dolbom.core.api_auth import AUTH_REQUIRED, actor_of
from dolbom.core.ratelimit import rate_limit_anonymous

from .schemas import MeOut, TokenIn, TokenOut
from .services import token_issue

router = Router(tags=["계정"])


@router.post("/token", response=TokenOut, auth=None, summary="API 토큰 발급")
def issue_token(request: HttpRequest, payload: TokenIn) -> dict:
    rate_limit_anonymous(request, scope="auth_token")
    token, key = token_issue(request=request, username=payload.username, password=payload.password)
    return {"token": key, "token_type": "Bearer", "expires_at": token.expires_at}


@router.get("/me", response=MeOut, auth=AUTH_REQUIRED, summary="내 계정")
def me(request: HttpRequest) -> dict:
    user = actor_of(request)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "scope_region": user.scope_region.full_name if user.scope_region_id else None,
        "facility_id": user.facility_id,
        "identity_verified": user.identity_verified_at is not None,
    }
