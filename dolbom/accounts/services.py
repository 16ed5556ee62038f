from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dolbom.core.audit import audit_log
from dolbom.core.errors import AuthenticationRequired, Conflict, InvalidInput, NotFound
from dolbom.core.notifications import notification_enqueue

from .identity import identity_provider
from .models import ApiToken, IdentityVerification, Role, User
from .phone import normalize_phone


def _login_identity(login_id: str) -> tuple[str | None, str | None]:
    """Split a sign-up id into (email, phone); exactly one is set."""
    login_id = (login_id or "").strip()
    phone = normalize_phone(login_id)
    if phone:
        return None, phone
    try:
        validate_email(login_id)
    except ValidationError:
        raise InvalidInput(
            _("휴대전화 번호(010-1234-5678) 또는 이메일 주소를 입력해 주세요."),
            detail={"fields": {"login_id": _("형식 오류")}},
        ) from None
    return login_id.lower(), None


@transaction.atomic
def user_signup(*, login_id: str, password: str, name: str) -> User:
    """A citizen signs up with a mobile number or an e-mail address."""
    email, phone = _login_identity(login_id)
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise InvalidInput(_("이름을 50자 이내로 입력해 주세요."), detail={"fields": {"name": _("필수")}})
    username = email or phone or ""
    if (
        User.objects.filter(username=username).exists()
        or (email and User.objects.filter(email__iexact=email).exists())
        or (phone and User.objects.filter(phone=phone).exists())
    ):
        raise Conflict(
            _("이미 가입된 아이디입니다. 로그인하거나 비밀번호를 재설정해 주세요."), code="already_registered"
        )
    user = User(username=username, email=email, phone=phone, first_name=name, role=Role.CITIZEN)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), detail={"fields": {"password": _("조건 불충족")}}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent sign-up with the same id
        raise Conflict(_("이미 가입된 아이디입니다."), code="already_registered") from None
    audit_log(actor=user, action="user.signup", obj=user, after={"role": user.role})
    return user


def token_issue(*, request: HttpRequest, username: str, password: str) -> tuple[ApiToken, str]:
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise AuthenticationRequired(_("아이디 또는 비밀번호가 올바르지 않습니다."), code="invalid_credentials")
    assert isinstance(user, User)
    token, key = ApiToken.issue(user=user, name="api")
    audit_log(actor=user, action="token.issue", obj=token)
    return token, key


def identity_verification_start(*, user: User | None, phone: str) -> IdentityVerification:
    normalized = normalize_phone(phone)
    if not normalized:
        raise InvalidInput(_("휴대전화 번호를 확인해 주세요."), detail={"fields": {"phone": _("형식 오류")}})
    started = identity_provider().start(phone=normalized)
    verification = IdentityVerification.objects.create(
        user=user,
        phone=normalized,
        transaction_id=started.transaction_id,
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    notification_enqueue(
        recipient=user,
        channel="sms",
        to_address=normalized,
        kind="identity.code",
        subject="본인인증",
        body=started.message,
        idempotency_key=f"identity:{started.transaction_id}",
    )
    return verification


@transaction.atomic
def identity_verification_confirm(*, user: User, transaction_id: str, code: str) -> User:
    verification = (
        IdentityVerification.objects.select_for_update()
        .filter(transaction_id=transaction_id, user=user, verified_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if verification is None:
        raise NotFound(_("인증 요청이 없거나 만료되었습니다. 다시 요청해 주세요."))
    result = identity_provider().confirm(transaction_id=transaction_id, phone=verification.phone, code=code)
    if not result.ok:
        raise InvalidInput(_("인증번호가 일치하지 않습니다."), detail={"fields": {"code": _("불일치")}})
    verification.verified_at = timezone.now()
    verification.save(update_fields=["verified_at", "updated_at"])
    before: dict[str, Any] = {"identity_verified": user.identity_verified_at is not None}
    user.identity_verified_at = verification.verified_at
    user.identity_ci_hash = result.ci_hash
    user.save(update_fields=["identity_verified_at", "identity_ci_hash"])
    audit_log(actor=user, action="user.identity_verified", obj=user, before=before, after={"identity_verified": True})
    return user


RETAINED_ON_DELETE = [
    gettext_lazy(
        "감사 기록(개인정보 처리 기록): 개인정보 보호법에 따른 안전성 확보 조치로 보관합니다. "
        "이름·연락처는 남지 않습니다."
    ),
    gettext_lazy(
        "이용 및 비용 기록(예약·돌봄 이용 내역): 정산과 보조금 집행 확인을 위해 법령이 정한 기간 동안 아동·보호자를 "
        "알아볼 수 없는 형태로 보관합니다."
    ),
]


@transaction.atomic
def account_delete(*, actor: User, password: str) -> list[str]:
    """A citizen deletes their account: personal data is erased, what the law requires is kept anonymised.

    Returns the explanations of what was kept (in the active language).
    """
    from django.apps import apps

    from dolbom.households.models import Child, Consent, Household

    if not actor.is_authenticated:
        raise AuthenticationRequired()
    if not actor.check_password(password):
        raise InvalidInput(_("비밀번호가 일치하지 않습니다."), detail={"fields": {"password": _("불일치")}})
    if actor.role != Role.CITIZEN:
        raise Conflict(_("직원 계정은 관리자가 정리합니다."), code="staff_account")
    # Other domains anonymise or delete their own records first (bookings keep an anonymous row).
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "on_account_delete", None)
        if hook:
            hook(actor)
    children = Child.objects.filter(household__guardian=actor).count()
    Household.objects.filter(guardian=actor).delete()
    Consent.objects.filter(user=actor).delete()
    actor.api_tokens.all().delete()
    audit_log(actor=actor, action="user.delete", obj=actor, before={"children": children}, after={"deleted": True})
    actor.username = f"deleted-{actor.pk}"
    actor.email = None
    actor.phone = None
    actor.first_name = ""
    actor.last_name = ""
    actor.identity_ci_hash = ""
    actor.identity_verified_at = None
    actor.is_active = False
    actor.set_unusable_password()
    actor.save()
    return [str(text) for text in RETAINED_ON_DELETE]
