"""Every page of the site, with the role that sees it and a real object to show.

`build_world()` loads the demo (the same data a newcomer sees) and adds the few records the demo has no
example of (a booking and an unconfirmed hold of the demo family, a waiting and a finished home visit, a
follow-up task, a proposed parameter change), so every detail page can be opened. `PAGES` maps each URL name
of the registry to (role, path); `EXCLUDED` names the URLs that are not pages, with the reason.
test_accessibility.py fails when a URL name is in neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

# URL names that do not render a page of their own, with the reason.
EXCLUDED: dict[str, str] = {
    "set_language": "POST-only form target; redirects back (the language switch is in every page's footer)",
    "portal:logout": "POST-only; redirects to the home page",
    "portal:export": "JSON file download (the family's data), not a page",
    "portal:home_update": "POST-only form target of the my-page home region form; redirects",
    "portal:consent_update": "POST-only form target of the my-page consent form; redirects",
    "care:calendar": "iCalendar (.ics) file download, not a page",
    "care:waitlist_action": "POST-only form target on the my-bookings page; redirects",
    "console:dashboards_export": "CSV/XLSX file download (checked by the official's journey), not a page",
    "console:participation_add": "POST-only form target of the participation page; redirects",
    "console:participation_dates": "POST-only form target of the participation page; redirects",
    "console:parameter_decide": "POST-only form target of the parameters page; redirects",
    "backoffice_bookings:action": "POST-only form target of the bookings page; redirects",
    "backoffice_facility:incident_create": "POST-only form target of the facility page; redirects",
    "backoffice_visits:caregiver_action": "POST-only form target of the caregiver's visits page; redirects",
    "backoffice_visits:coordinator_followup": "POST-only form target of the coordinator's page; redirects",
    "counsel:my_inquiry_close": "POST-only form target of the inquiry page; redirects",
    **{
        f"counsel:{name}": "POST-only form target of the agent's case page; redirects"
        for name in (
            "call_add",
            "callback_schedule",
            "referral_add",
            "act_benefits",
            "act_booking",
            "act_facilities",
            "act_home_visit",
            "case_close",
            "case_assign",
            "inquiry_assign",
            "inquiry_reply",
            "callback_take",
            "callback_complete",
            "referral_status",
        )
    },
}


@dataclass
class World:
    ids: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.ids[name]
        except KeyError as exc:  # pragma: no cover - a missing id is a bug in build_world
            raise AttributeError(name) from exc


# URL name → (role or None for anonymous, path builder). A name may have extra variants in EXTRA_PAGES.
PAGES: dict[str, tuple[str | None, Callable[[World], str]]] = {
    "portal:home": (None, lambda w: "/"),
    "portal:signup": (None, lambda w: "/accounts/signup/"),
    "portal:login": (None, lambda w: "/accounts/login/"),
    "portal:password_reset": (None, lambda w: "/accounts/password-reset/"),
    "portal:password_reset_done": (None, lambda w: "/accounts/password-reset/sent/"),
    "portal:password_reset_confirm": (None, lambda w: "/accounts/reset/MQ/set-password/"),
    "portal:map": (None, lambda w: "/map/"),
    "portal:facility": (None, lambda w: f"/facilities/{w.facility}/"),
    "portal:start": ("citizen", lambda w: "/start/"),
    "portal:mypage": ("citizen", lambda w: "/my/"),
    "portal:child_add": ("citizen", lambda w: "/my/children/add/"),
    "portal:child_delete": ("citizen", lambda w: f"/my/children/{w.child}/delete/"),
    "portal:verify": ("citizen", lambda w: "/my/verify/"),
    "portal:account_delete": ("citizen", lambda w: "/my/delete/"),
    "benefits:index": (None, lambda w: "/benefits/"),
    "benefits:check": (None, lambda w: "/benefits/check/"),
    "benefits:detail": (None, lambda w: f"/benefits/{w.programme}/"),
    "care:index": (None, lambda w: "/care/"),
    "care:nearest": (None, lambda w: f"/care/nearest/?service=gg-always-daycare&date={w.tomorrow}&hour=18&hours=2"),
    "care:book": ("citizen", lambda w: f"/care/book/{w.facility_service}/"),
    "care:hold": ("citizen", lambda w: f"/care/holds/{w.hold}/"),
    "care:my": ("citizen", lambda w: "/care/my/"),
    "care:cancel": ("citizen", lambda w: f"/care/bookings/{w.booking}/cancel/"),
    "visits:my": ("citizen", lambda w: "/visits/"),
    "visits:new": ("citizen", lambda w: "/visits/new/"),
    "visits:cancel": ("citizen", lambda w: f"/visits/{w.visit_open}/cancel/"),
    "visits:rate": ("citizen", lambda w: f"/visits/{w.visit_done}/rate/"),
    "visits:report": ("citizen", lambda w: f"/visits/{w.visit_done}/report/"),
    "counsel:ask": (None, lambda w: "/ask/"),
    "counsel:faq": (None, lambda w: "/faq/"),
    "counsel:my_inquiries": ("citizen", lambda w: "/my/inquiries/"),
    "counsel:my_inquiry": ("citizen", lambda w: f"/my/inquiries/{w.inquiry}/"),
    "counsel:workspace": ("coordinator", lambda w: "/counsel/"),
    "counsel:call_new": ("coordinator", lambda w: "/counsel/calls/new/"),
    "counsel:knowledge": ("coordinator", lambda w: "/counsel/knowledge/"),
    "counsel:case": ("coordinator", lambda w: f"/counsel/cases/{w.case}/"),
    "backoffice_bookings:home": ("provider", lambda w: "/backoffice/bookings/"),
    "backoffice_bookings:capacity": ("provider", lambda w: f"/backoffice/bookings/capacity/{w.facility_service}/"),
    "backoffice_facility:home": ("provider", lambda w: "/backoffice/facility/"),
    "backoffice_visits:caregiver_home": ("caregiver", lambda w: "/backoffice/visits/"),
    "backoffice_visits:caregiver_availability": ("caregiver", lambda w: "/backoffice/visits/availability/"),
    "backoffice_visits:coordinator_home": ("coordinator", lambda w: "/backoffice/visits/coordinate/"),
    "backoffice_visits:coordinator_request": (
        "coordinator",
        lambda w: f"/backoffice/visits/coordinate/{w.visit_open}/",
    ),
    "console:home": ("province", lambda w: "/console/"),
    "console:audit": ("province", lambda w: "/console/audit/"),
    "console:dashboards": ("province", lambda w: "/console/dashboards/"),
    "console:monitoring": ("province", lambda w: "/console/monitoring/"),
    "console:supply": ("province", lambda w: "/console/supply/"),
    "console:parameters": ("province", lambda w: "/console/parameters/"),
    "console:participation": ("province", lambda w: "/console/participation/"),
    "console:participation_remove": (
        "province",
        lambda w: f"/console/participation/service/{w.participation}/remove/",
    ),
    "console_benefits:catalogue": ("province", lambda w: "/console/benefits/"),
}

# Pages that are not in the URL registry by name, or a second look at one that is (another role, an error).
EXTRA_PAGES: dict[str, tuple[str | None, Callable[[World], str]]] = {
    "error:404": (None, lambda w: "/no-such-page/"),
    "error:403": ("citizen", lambda w: "/console/"),
    "portal:start (staff)": ("coordinator", lambda w: "/start/"),
    "console:home (city)": ("city", lambda w: "/console/"),
    "console:dashboards (city)": ("city", lambda w: "/console/dashboards/"),
    "benefits:check (signed in)": ("citizen", lambda w: "/benefits/check/"),
}


def build_world() -> World:
    """Load the demo and add one example of each record a detail page needs. Call with database access."""
    from django.core.management import call_command

    from dolbom.accounts.models import User
    from dolbom.benefits.models import Programme
    from dolbom.booking import services as booking
    from dolbom.booking.models import FacilityService, ServiceParticipation, Slot
    from dolbom.counselling.models import Case, Inquiry
    from dolbom.households.models import Child, Household
    from dolbom.matching import services as matching
    from dolbom.matching.models import VisitRequest

    call_command("load_demo", stdout=_Null())
    users = {u.username: u for u in User.objects.all()}
    citizen = users["citizen"]
    household = Household.objects.get(guardian=citizen)
    children = list(Child.objects.filter(household=household, birth_date__isnull=False).order_by("-birth_date"))
    provider = users["provider"]
    fs = FacilityService.objects.filter(facility=provider.facility, service__code="gg-always-daycare").first()
    fs = fs or FacilityService.objects.filter(facility=provider.facility).first()
    assert fs is not None
    ids: dict[str, Any] = {"facility": provider.facility_id, "facility_service": fs.pk}
    ids["tomorrow"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    # A booking three days ahead (cancellable) and a hold not yet confirmed, for a child the service takes.
    day = timezone.localdate() + dt.timedelta(days=3)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    slots = list(Slot.objects.filter(facility_service=fs, starts_at__gte=start).order_by("starts_at")[:4])
    age_ok = [c for c in children if _months(c.birth_date, day) >= fs.service.age_min_months]
    kid = [c for c in age_ok if _months(c.birth_date, day) <= fs.service.age_max_months][:1]
    hold = booking.hold_create(actor=citizen, slot_ids=[slots[0].pk], child_ids=[kid[0].pk])
    ids["booking"] = booking.hold_confirm(actor=citizen, hold_id=hold.pk).pk
    ids["hold"] = booking.hold_create(actor=citizen, slot_ids=[slots[2].pk], child_ids=[kid[0].pk]).pk
    ids["child"] = children[0].pk
    ids["kid"] = kid[0].pk  # a child the facility's service takes
    ids["participation"] = ServiceParticipation.objects.order_by("pk").values_list("pk", flat=True).first()
    ids["programme"] = Programme.objects.order_by("pk").values_list("pk", flat=True).first()
    ids["inquiry"] = Inquiry.objects.filter(author=citizen).values_list("pk", flat=True).first()
    ids["case"] = Case.objects.filter(region__code__startswith="4111").order_by("pk").values_list("pk", flat=True)[0]

    # A waiting home-visit request of the demo family (tomorrow evening) and a finished one with a follow-up.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(18)))
    region = household.home_region
    req = matching.visit_request_create(
        household=household,
        children=children[:1],
        service=VisitRequest.Service.HOURLY,
        region=region,
        address="수원시 장안구 정자동",
        lat=37.30,
        lng=127.01,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        consent_share=True,
        actor=citizen,
    )
    ids["visit_open"] = req.pk
    done = VisitRequest.objects.filter(status=VisitRequest.Status.DONE, region__code__startswith="4111").first()
    assert done is not None
    VisitRequest.objects.filter(pk=done.pk).update(household=household)
    done.ratings.all().delete() if hasattr(done, "ratings") else None
    ids["visit_done"] = done.pk
    return World(ids)


def _months(birth: dt.date, on: dt.date) -> int:
    return (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)


class _Null:
    def write(self, *args: Any, **kwargs: Any) -> None:
        pass

    def flush(self) -> None:
        pass
