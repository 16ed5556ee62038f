import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dolbom.accounts.services import account_delete, user_signup
from dolbom.core.errors import ApplicationError
from dolbom.households.ages import age_in_months
from dolbom.households.models import Consent
from dolbom.households.selectors import children_of, citizen_data_export, consents_of
from dolbom.households.services import (
    child_delete,
    child_register,
    consent_grant,
    consent_withdraw,
    household_for,
    household_update,
    today,
)

from .access import citizen_page
from .forms import ChildForm, DeleteAccountForm, HomeForm, SignupForm
from .stages import LIFE_STAGES


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"stages": LIFE_STAGES})


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_signup(
                login_id=form.cleaned_data["login_id"],
                password=form.cleaned_data["password"],
                name=form.cleaned_data["name"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="dolbom.accounts.backends.LoginIdBackend")
            messages.success(
                request, _("가입을 환영합니다. 아이를 미리 등록해 두면 신청할 때마다 다시 적지 않아도 됩니다.")
            )
            return redirect("portal:mypage")
    return render(request, "portal/signup.html", {"form": form}, status=422 if form.errors else 200)


@citizen_page
def mypage(request: HttpRequest) -> HttpResponse:
    user = request.user
    household = household_for(user=user)  # type: ignore[arg-type]
    now = today()
    children = [
        {"child": c, "age_months": age_in_months(c.birth_date, now) if c.birth_date else None}
        for c in children_of(user=user)  # type: ignore[arg-type]
    ]
    active = {(c.purpose, c.recipient) for c in consents_of(user=user) if c.is_active}  # type: ignore[arg-type]
    consent_rows = [
        {"value": value, "label": label, "granted": (value, "돌봄") in active}
        for value, label in Consent.Purpose.choices
    ]
    context = {
        "household": household,
        "children": children,
        "child_form": ChildForm(),
        "home_form": HomeForm(
            initial={
                "home_region": household.home_region.full_name if household.home_region else "",
                "benefit_alerts": household.benefit_alerts,
            }
        ),
        "consent_rows": consent_rows,
        "consent_history": consents_of(user=user)[:20],  # type: ignore[arg-type]
    }
    return render(request, "portal/mypage.html", context)


@citizen_page
def child_add(request: HttpRequest) -> HttpResponse:
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = child_register(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s 아동을 등록했습니다.") % {"name": child.name})
            return redirect("portal:mypage")
    return render(request, "portal/child_form.html", {"form": form}, status=422 if form.errors else 200)


@citizen_page
def child_remove(request: HttpRequest, child_id: int) -> HttpResponse:
    child = children_of(user=request.user).filter(pk=child_id).first()  # type: ignore[arg-type]
    if child is None:
        return render(
            request, "error.html", {"status": 404, "message": _("등록된 아동을 찾을 수 없습니다.")}, status=404
        )
    if request.method == "POST":
        child_delete(actor=request.user, child_id=child_id)  # type: ignore[arg-type]
        messages.success(request, _("%(name)s 아동 정보를 삭제했습니다.") % {"name": child.name})
        return redirect("portal:mypage")
    return render(request, "portal/confirm_delete_child.html", {"child": child})


@citizen_page
@require_POST
def home_update(request: HttpRequest) -> HttpResponse:
    form = HomeForm(request.POST)
    if form.is_valid():
        try:
            household_update(
                actor=request.user,  # type: ignore[arg-type]
                home_region_code=form.cleaned_data["home_region"],
                benefit_alerts=form.cleaned_data["benefit_alerts"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("사는 곳과 알림 설정을 저장했습니다."))
    else:
        messages.error(request, _("사는 곳을 입력해 주세요."))
    return redirect("portal:mypage")


@citizen_page
@require_POST
def consent_update(request: HttpRequest) -> HttpResponse:
    purpose = request.POST.get("purpose", "")
    if purpose not in Consent.Purpose.values:
        messages.error(request, _("알 수 없는 동의 항목입니다."))
    elif request.POST.get("granted") == "1":
        consent_grant(actor=request.user, purpose=purpose)  # type: ignore[arg-type]
        messages.success(request, _("동의했습니다. 언제든 철회할 수 있습니다."))
    else:
        consent_withdraw(actor=request.user, purpose=purpose)  # type: ignore[arg-type]
        messages.success(request, _("동의를 철회했습니다."))
    return redirect("portal:mypage")


@citizen_page
def data_export(request: HttpRequest) -> HttpResponse:
    data = citizen_data_export(user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="dolbom-my-data.json"'
    return response


@citizen_page
def account_remove(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retained = account_delete(actor=request.user, password=form.cleaned_data["password"])  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_error("password", exc.message)
        else:
            logout(request)
            return render(request, "portal/account_deleted.html", {"retained": retained})
    return render(request, "portal/account_delete.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def identity_verify(request: HttpRequest) -> HttpResponse:
    """본인인증: phone → code → verified. Only the time and a hash of the provider's CI are kept."""
    from dolbom.accounts.services import identity_verification_confirm, identity_verification_start

    from .forms import VerifyConfirmForm, VerifyStartForm

    start_form = VerifyStartForm(initial={"phone": request.user.phone or ""})  # type: ignore[union-attr]
    confirm_form = None
    if request.method == "POST" and "code" in request.POST:
        confirm_form = VerifyConfirmForm(request.POST)
        if confirm_form.is_valid():
            try:
                identity_verification_confirm(
                    user=request.user,  # type: ignore[arg-type]
                    transaction_id=confirm_form.cleaned_data["transaction_id"],
                    code=confirm_form.cleaned_data["code"],
                )
            except ApplicationError as exc:
                confirm_form.add_error("code", exc.message)
            else:
                messages.success(request, _("본인인증을 마쳤습니다."))
                return redirect("portal:mypage")
    elif request.method == "POST":
        start_form = VerifyStartForm(request.POST)
        if start_form.is_valid():
            try:
                verification = identity_verification_start(
                    user=request.user,  # type: ignore[arg-type]
                    phone=start_form.cleaned_data["phone"],
                )
            except ApplicationError as exc:
                start_form.add_error("phone", exc.message)
            else:
                confirm_form = VerifyConfirmForm(initial={"transaction_id": verification.transaction_id})
    status = 422 if (start_form.errors or (confirm_form and confirm_form.errors)) else 200
    return render(
        request, "portal/verify.html", {"start_form": start_form, "confirm_form": confirm_form}, status=status
    )


# Where each role lands after signing in, and the sections of its workspace (filled in as they are built).
STAFF_SECTIONS: dict[str, list[tuple[str | Promise, str]]] = {
    "provider": [(gettext_lazy("예약 관리"), "/backoffice/bookings/"), (gettext_lazy("돌봄지도"), "/map/")],
    "caregiver": [(gettext_lazy("방문돌봄"), "/backoffice/visits/")],
    "coordinator": [
        (gettext_lazy("상담 대기열"), "/counsel/"),
        (gettext_lazy("지원사업 확인"), "/benefits/check/"),
        (gettext_lazy("돌봄지도"), "/map/"),
    ],
    "city_official": [(gettext_lazy("지원사업 카탈로그"), "/console/benefits/"), (gettext_lazy("돌봄지도"), "/map/")],
    "province_official": [
        (gettext_lazy("지원사업 카탈로그"), "/console/benefits/"),
        (gettext_lazy("돌봄지도"), "/map/"),
    ],
    "admin": [(gettext_lazy("관리자 화면"), "/admin/"), (gettext_lazy("지원사업 카탈로그"), "/console/benefits/")],
}


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """After login: citizens go to their page, staff to a workspace home for their role and scope."""
    user = request.user
    if user.is_citizen:  # type: ignore[union-attr]
        return redirect("portal:mypage")
    sections = STAFF_SECTIONS.get(user.role, [])  # type: ignore[union-attr]
    return render(request, "portal/staff_home.html", {"sections": sections})
