"""상담 pages: the citizen's questions (/my/inquiries/), asking without an account (/ask/), and the agents'
workspace (/counsel/). Views only read forms and call services and selectors."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dolbom.accounts.models import User
from dolbom.core.errors import ApplicationError, InvalidInput, NotFound
from dolbom.core.permissions import page_requires_role
from dolbom.counselling import acting, selectors, services
from dolbom.counselling.knowledge import article_search
from dolbom.counselling.models import Callback, Case, Inquiry, Topic
from dolbom.counselling.phones import mask_phone
from dolbom.households.models import Household
from web.portal.access import citizen_page

from . import forms

View = Callable[..., HttpResponse]


def _error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status)


def page(view: View) -> View:
    """Application errors (scope, not found, bad input) become the error page with their status and message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return _error_page(request, exc)

    return wrapper


def _minutes(value: int | None) -> int:
    return (value or 0) * 60


def _form_error(form: Any) -> InvalidInput:
    fields = {name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()}
    return InvalidInput(
        _("입력값을 확인해 주세요: %(errors)s") % {"errors": ", ".join(fields)}, detail={"fields": fields}
    )


# ---------------------------------------------------------------- citizens


#: The family's own pages: citizens only (administrators have no household of their own).


@citizen_page
@page
def my_inquiries(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = forms.CitizenAskForm(request.POST if request.method == "POST" else None)
    if Household.objects.filter(guardian=user, home_region__isnull=False).exists():
        del form.fields["region_code"]  # the family's home region is used
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_error(form)
            data = form.cleaned_data
            inquiry = services.inquiry_ask(
                actor=user,
                topic=data["topic"],
                question=data["question"],
                reply_by=data["reply_by"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                region_code=data.get("region_code") or None,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("문의를 접수했습니다. 답변이 오면 알려 드립니다."))
            return redirect("counsel:my_inquiry", inquiry_id=inquiry.pk)
    case = selectors.case_of_citizen(user=user)  # type: ignore[arg-type]
    at = timezone.now()
    inquiries = [
        {"inquiry": i, "timer": selectors.timer_of(i.due_at if i.status in Inquiry.WAITING else None, at=at)}
        for i in selectors.inquiries_of(user=user)  # type: ignore[arg-type]
    ]
    context = {
        "form": form,
        "inquiries": inquiries,
        "history": list(selectors.case_history(actor=user, case=case, family_view=True)[:100]) if case else [],
        "referrals": list(selectors.referrals_of_case(actor=user, case=case)) if case else [],
        "callbacks": list(case.callbacks.filter(status=Callback.Status.SCHEDULED)) if case else [],
        "q": request.GET.get("q", ""),
        "articles": article_search(q=request.GET.get("q", ""), staff=False, limit=5) if request.GET.get("q") else [],
    }
    return render(request, "counsel/my_inquiries.html", context, status=status)


@citizen_page
@page
def my_inquiry(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id)  # type: ignore[arg-type]
    form = forms.MessageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_error(form)
            services.inquiry_follow_up(actor=request.user, inquiry_id=inquiry.pk, body=form.cleaned_data["body"])  # type: ignore[arg-type]
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("추가 문의를 남겼습니다."))
            return redirect("counsel:my_inquiry", inquiry_id=inquiry.pk)
    timer = selectors.timer_of(inquiry.due_at if inquiry.status in Inquiry.WAITING else None, at=timezone.now())
    return render(request, "counsel/my_inquiry.html", {"inquiry": inquiry, "form": form, "timer": timer}, status=status)


@citizen_page
@page
@require_POST
def my_inquiry_close(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    services.inquiry_close(actor=request.user, inquiry_id=inquiry_id)  # type: ignore[arg-type]
    messages.success(request, _("문의를 종결했습니다."))
    return redirect("counsel:my_inquiry", inquiry_id=inquiry_id)


def ask(request: HttpRequest) -> HttpResponse:
    """Ask without an account: a phone number and consent are needed. Signed-in citizens go to their page."""
    if request.user.is_authenticated and request.user.is_citizen:  # type: ignore[union-attr]
        return redirect("counsel:my_inquiries")
    form = forms.AnonymousAskForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_error(form)
            data = form.cleaned_data
            inquiry = services.inquiry_ask(
                actor=request.user,
                topic=data["topic"],
                question=data["question"],
                reply_by=data["reply_by"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                phone=data["phone"],
                name=data["name"],
                region_code=data["region_code"],
                consent=data["consent"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            return render(
                request, "counsel/ask_done.html", {"inquiry": inquiry, "phone": mask_phone(inquiry.case.phone)}
            )
    q = request.GET.get("q", "")
    context = {"form": form, "q": q, "articles": article_search(q=q, staff=False, limit=8) if q else []}
    return render(request, "counsel/ask.html", context, status=status)


def faq(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    staff = services._is_agent(request.user)
    return render(request, "counsel/faq.html", {"q": q, "hits": article_search(q=q, staff=staff, limit=30)})


# ---------------------------------------------------------------- agents


def agent_page(view: View) -> View:
    """Agents (and administrators) only; application errors inside become the error page."""
    return page_requires_role(*services.AGENT_ROLES)(page(view))  # type: ignore[no-any-return]


@agent_page
def workspace(request: HttpRequest) -> HttpResponse:
    actor = request.user
    topic = request.GET.get("topic") or None
    region = request.GET.get("region") or None
    mine = request.GET.get("mine") == "1"
    at = timezone.now()
    inquiries = selectors.queue_inquiries(actor=actor, topic=topic, region_code=region, mine=mine, at=at)[:100]  # type: ignore[arg-type]
    callbacks = selectors.callbacks_due(actor=actor, topic=topic, region_code=region, mine=mine, at=at)[:100]  # type: ignore[arg-type]
    counts = selectors.queue_counts(actor=actor, at=at)  # type: ignore[arg-type]
    context = {
        "inquiries": [{"item": i, "timer": selectors.timer_of(i.due_at, at=at)} for i in inquiries],
        "callbacks": [{"item": c, "timer": selectors.timer_of(c.due_at, at=at)} for c in callbacks],
        "counts": [(value, label, counts[value]) for value, label in Topic.choices],
        "topics": Topic.choices,
        "topic": topic or "",
        "region": region or "",
        "mine": mine,
        "cases": selectors.cases_open(actor=actor, limit=30),  # type: ignore[arg-type]
    }
    return render(request, "counsel/workspace.html", context)


def _slot_choices(*, case: Case, household: Household | None, fs_id: str, day: str) -> tuple[list, list, list]:
    """Care services the family may book (their region takes part) and that day's free slots."""
    from datetime import date

    from dolbom.booking.selectors import facility_services_for, slots_for_day
    from dolbom.booking.services import participates

    if household is None or household.home_region is None:
        return [], [], []
    today = timezone.localdate()
    offered = [
        fs
        for fs in facility_services_for()
        if participates(service=fs.service, region_code=household.home_region.code, on=today)
    ]
    slots: list[tuple[int, str]] = []
    chosen = next((fs for fs in offered if str(fs.pk) == fs_id), None)
    if chosen is not None:
        try:
            on = date.fromisoformat(day) if day else today + timedelta(days=1)
        except ValueError:
            on = today + timedelta(days=1)
        now = timezone.now()
        for view in slots_for_day(facility_service=chosen, day=on):
            if view.available > 0 and view.slot.starts_at > now:
                start = timezone.localtime(view.slot.starts_at)
                end = timezone.localtime(view.slot.ends_at)
                slots.append(
                    (
                        view.slot.pk,
                        _("%(start)s~%(end)s (남은 자리 %(n)s)")
                        % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "n": view.available},
                    )
                )
    children = acting.child_choices(household=household)
    return offered[:30], slots, children


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    actor = request.user
    at = timezone.now()
    household = Household.objects.select_related("home_region").filter(guardian_id=case.guardian_id).first()
    fs_id, day = request.GET.get("book_fs", ""), request.GET.get("book_day", "")
    offered, slot_choices, child_choices = _slot_choices(case=case, household=household, fs_id=fs_id, day=day)
    inquiries = [
        {"item": i, "timer": selectors.timer_of(i.due_at if i.status in Inquiry.WAITING else None, at=at)}
        for i in case.inquiries.prefetch_related("messages").order_by("-created_at")
    ]
    callbacks = [
        {"item": c, "timer": selectors.timer_of(c.due_at if c.status == Callback.Status.SCHEDULED else None, at=at)}
        for c in case.callbacks.select_related("assigned_to").order_by("-due_at")
    ]
    q = request.GET.get("q", "")
    return {
        "case": case,
        "phone": mask_phone(case.phone)
        if case.phone
        else (mask_phone(case.guardian.phone or "") if case.guardian else ""),
        "household": household,
        "children": selectors.case_children(actor=actor, case=case),  # type: ignore[arg-type]
        "history": selectors.case_history(actor=actor, case=case)[:300],  # type: ignore[arg-type]
        "inquiries": inquiries,
        "callbacks": callbacks,
        "referrals": case.referrals.select_related("facility").all(),
        "calls": case.calls.select_related("agent")[:50],
        "call_form": forms.CallForm(),
        "callback_form": forms.CallbackScheduleForm(),
        "complete_form": forms.CallbackCompleteForm(),
        "referral_form": forms.ReferralForm(),
        "benefits_form": forms.BenefitsForm(),
        "close_form": forms.CloseForm(),
        "home_visit_form": forms.HomeVisitForm(),
        "agents": selectors.agents_for_case(actor=actor, case=case),  # type: ignore[arg-type]
        "reply_form": forms.ReplyForm(),
        "offered": offered,
        "book_fs": fs_id,
        "book_day": day or (timezone.localdate() + timedelta(days=1)).isoformat(),
        "slot_choices": slot_choices,
        "child_choices": child_choices,
        "referral_next": {"sent": ["accepted", "declined"], "accepted": ["done", "declined"]},
        "q": q,
        "articles": article_search(q=q, staff=True, limit=5) if q else [],
        "benefit_result": request.session.pop(f"counsel-benefits-{case.pk}", None),
        "facility_result": request.session.pop(f"counsel-facilities-{case.pk}", None),
    }


@agent_page
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_detail(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    return render(request, "counsel/case.html", _case_context(request, case))


def _case_action(request: HttpRequest, case_id: int, run: Callable[[], str], *, anchor: str = "") -> HttpResponse:
    """Run one case action; on success back to the case page with a message, on refusal the page with the reason."""
    try:
        message = run()
    except ApplicationError as exc:
        case = Case.objects.filter(pk=case_id).select_related("region", "guardian").first()
        if case is None or exc.status in (401, 403, 404):
            return _error_page(request, exc)
        messages.error(request, exc.message)
        context = _case_context(request, selectors.case_detail(actor=request.user, case_id=case_id))  # type: ignore[arg-type]
        return render(request, "counsel/case.html", context, status=exc.status)
    messages.success(request, message)
    return redirect(reverse("counsel:case", args=[case_id]) + (f"#{anchor}" if anchor else ""))


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise _form_error(form)
    return form.cleaned_data


#: An action posted from the case page: (request, id from the URL, the form's cleaned data) → success message.
Action = Callable[[HttpRequest, int, dict[str, Any]], str]


def case_action(
    form_class: type[Any] | None = None,
    *,
    anchor: str = "",
    case_of: Callable[[HttpRequest, int], int] | None = None,
) -> Callable[[Action], View]:
    """The shape every case-page POST shares: agents only, POST only, validate the form, run the action, then
    back to the case page with its message (or the case page with the refusal; see `_case_action`).

    The URL carries one id: the case's, or with `case_of` another object's (mapped to its case, which may raise
    NotFound → the error page). `anchor` may name `{id}`, the URL's id.
    """

    def decorate(action: Action) -> View:
        @agent_page
        @require_POST
        @wraps(action)
        def view(request: HttpRequest, **kwargs: int) -> HttpResponse:
            (object_id,) = kwargs.values()
            case_id = case_of(request, object_id) if case_of else object_id

            def run() -> str:
                data = _valid(form_class(request.POST)) if form_class is not None else {}
                return action(request, object_id, data)

            return _case_action(request, case_id, run, anchor=anchor.format(id=object_id))

        return view

    return decorate


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


def _inquiry_case(request: HttpRequest, inquiry_id: int) -> int:
    return selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id).case_id  # type: ignore[arg-type]


def _callback_case(request: HttpRequest, callback_id: int) -> int:
    callback = Callback.objects.filter(pk=callback_id).first()
    if callback is None:
        raise NotFound(_("전화 회신을 찾을 수 없습니다."))
    return callback.case_id


def _referral_case(request: HttpRequest, referral_id: int) -> int:
    from dolbom.counselling.models import Referral

    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(_("기관 연계를 찾을 수 없습니다."))
    return referral.case_id


@case_action(forms.CallForm, anchor="history")
def call_add(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    services.call_log(
        actor=request.user,  # type: ignore[arg-type]
        case_id=case_id,
        topic=data["topic"],
        outcome=data["outcome"],
        notes=data["notes"],
        direction=data["direction"],
        duration_seconds=_minutes(data["duration_minutes"]),
        callback_window_start=data["callback_window_start"],
        callback_window_end=data["callback_window_end"],
    )
    return _("통화를 기록했습니다.")


@agent_page
def call_new(request: HttpRequest) -> HttpResponse:
    """A call comes in: find the caller by number or name, open their case, or log a new caller."""
    actor = request.user
    phone, name = request.GET.get("phone", ""), request.GET.get("name", "")
    matches, error, status = [], "", 200
    if phone or name:
        try:
            matches = selectors.caller_lookup(actor=actor, phone=phone, name=name)  # type: ignore[arg-type]
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    form = forms.CallForm(
        request.POST if request.method == "POST" else None, initial={"phone": phone, "caller_name": name}
    )
    if request.method == "POST":
        try:
            data = _valid(form)
            user_id = request.POST.get("caller_user_id")
            call = services.call_log(
                actor=actor,  # type: ignore[arg-type]
                caller_user_id=int(user_id) if user_id and user_id.isdigit() else None,
                phone=data["phone"],
                caller_name=data["caller_name"],
                region_code=data["region_code"] or None,
                topic=data["topic"],
                outcome=data["outcome"],
                notes=data["notes"],
                direction=data["direction"],
                duration_seconds=_minutes(data["duration_minutes"]),
                callback_window_start=data["callback_window_start"],
                callback_window_end=data["callback_window_end"],
            )
        except ApplicationError as exc:
            if exc.status == 403:
                return _error_page(request, exc)
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("통화를 기록했습니다."))
            return redirect("counsel:case", case_id=call.case_id)
    context = {"form": form, "matches": matches, "error": error, "phone": phone, "name": name}
    return render(request, "counsel/call_new.html", context, status=status)


@case_action()
def case_assign(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    raw = request.POST.get("assignee_id", "")
    if not raw.isdigit():
        raise InvalidInput(_("담당 상담원을 고르세요."), detail={"fields": {"assignee_id": _("필수")}})
    case = services.case_assign(actor=request.user, case_id=case_id, assignee_id=int(raw))  # type: ignore[arg-type]
    return _("담당 상담원을 %(name)s(으)로 정했습니다.") % {"name": case.assigned_to.display_name}  # type: ignore[union-attr]


@agent_page
@require_POST
def inquiry_assign(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = services.inquiry_assign(actor=request.user, inquiry_id=inquiry_id)  # type: ignore[arg-type]
    messages.success(request, _("문의 #%(id)s을(를) 맡았습니다.") % {"id": inquiry.pk})
    return redirect("counsel:case", case_id=inquiry.case_id)


@case_action(forms.ReplyForm, anchor="inquiry-{id}", case_of=_inquiry_case)
def inquiry_reply(request: HttpRequest, inquiry_id: int, data: dict[str, Any]) -> str:
    services.inquiry_reply(actor=request.user, inquiry_id=inquiry_id, body=data["body"], close=data["close"])  # type: ignore[arg-type]
    return _("답변을 보냈습니다. 보호자에게 알림이 갑니다.")


@case_action(forms.CallbackScheduleForm)
def callback_schedule(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    services.callback_schedule(actor=request.user, case_id=case_id, **data)  # type: ignore[arg-type]
    return _("전화 회신을 예약했습니다.")


@agent_page
@require_POST
def callback_take(request: HttpRequest, callback_id: int) -> HttpResponse:
    callback = services.callback_take(actor=request.user, callback_id=callback_id)  # type: ignore[arg-type]
    messages.success(request, _("전화 회신을 맡았습니다. 통화 후 결과를 기록해 주세요."))
    return redirect(reverse("counsel:case", args=[callback.case_id]) + f"#callback-{callback.pk}")


@case_action(forms.CallbackCompleteForm, case_of=_callback_case)
def callback_complete(request: HttpRequest, callback_id: int, data: dict[str, Any]) -> str:
    services.callback_complete(
        actor=request.user,  # type: ignore[arg-type]
        callback_id=callback_id,
        status=data["status"],
        outcome=data["outcome"],
        notes=data["notes"],
        duration_seconds=_minutes(data["duration_minutes"]),
    )
    return _("전화 회신 결과를 기록했습니다.")


@case_action(forms.ReferralForm, anchor="referrals")
def referral_add(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    referral = services.referral_create(actor=request.user, case_id=case_id, **data)  # type: ignore[arg-type]
    return _("%(agency)s에 연계를 요청했습니다.") % {"agency": referral.agency_name}


@case_action(forms.ReferralStatusForm, anchor="referrals", case_of=_referral_case)
def referral_status(request: HttpRequest, referral_id: int, data: dict[str, Any]) -> str:
    services.referral_transition(actor=request.user, referral_id=referral_id, to=data["status"], note=data["note"])  # type: ignore[arg-type]
    return _("연계 상태를 바꿨습니다.")


@case_action(forms.BenefitsForm, anchor="act")
def act_benefits(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    summary = acting.act_benefits_check(actor=request.user, case_id=case_id, extra=data)  # type: ignore[arg-type]
    request.session[f"counsel-benefits-{case_id}"] = {"eligible": summary.eligible, "unknown": summary.unknown}
    return _("지원사업을 확인했습니다: 받을 수 있는 지원 %(n)s건.") % {"n": len(summary.eligible)}


@case_action(anchor="act")
def act_booking(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    booking = acting.act_booking_create(
        actor=request.user,  # type: ignore[arg-type]
        case_id=case_id,
        slot_ids=_ids(request, "slot_ids"),
        child_ids=_ids(request, "child_ids"),
    )
    return _("보호자 대신 예약했습니다 (%(status)s, 이용료 %(fee)s원).") % {
        "status": booking.get_status_display(),
        "fee": f"{booking.fee:,}",
    }


@case_action(forms.FacilitySearchForm, anchor="act")
def act_facilities(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    hits = acting.act_facility_search(
        actor=request.user,  # type: ignore[arg-type]
        case_id=case_id,
        child_id=data["child_id"],
        vacancy=data["vacancy"],
    )
    rows = []
    for hit in hits:
        facility = getattr(hit, "facility", hit)
        distance = getattr(hit, "distance_m", None)
        rows.append({"id": facility.pk, "name": facility.name, "distance_m": distance})
    request.session[f"counsel-facilities-{case_id}"] = rows
    return _("시설 %(n)s곳을 찾았습니다.") % {"n": len(rows)}


@case_action(forms.HomeVisitForm, anchor="act")
def act_home_visit(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    """Request a home visit (방문돌봄) for the family through the home-visit service."""
    visit = acting.act_home_visit_request(
        actor=request.user,  # type: ignore[arg-type]
        case_id=case_id,
        child_ids=_ids(request, "child_ids"),
        starts_at=data["starts_at"],
        ends_at=data["starts_at"] + timedelta(hours=data["hours"]),
        service=data["service"],
        needs=data["needs"],
        note=data["note"],
    )
    return _("보호자 대신 방문돌봄을 신청했습니다 (%(status)s).") % {"status": visit.get_status_display()}


@case_action(forms.CloseForm)
def case_close(request: HttpRequest, case_id: int, data: dict[str, Any]) -> str:
    services.case_close(actor=request.user, case_id=case_id, note=data["note"])  # type: ignore[arg-type]
    return _("사례를 종결했습니다.")


@agent_page
def knowledge(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    return render(
        request, "counsel/faq.html", {"q": q, "hits": article_search(q=q, staff=True, limit=30), "staff": True}
    )
