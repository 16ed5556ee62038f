"""Reads of the counselling domain: queues, callback lists, case histories, caller look-up.

Overdue is derived here from `due_at` at read time; no background job has to run for it to be right.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dolbom.accounts.models import Role, User
from dolbom.core.errors import InvalidInput, NotFound
from dolbom.core.permissions import require_login, scope_prefixes
from dolbom.households.models import Household

from .models import Callback, Case, CaseEvent, Inquiry, Referral, Topic
from .phones import mask_phone, phone_hash
from .services import agent_case, require_agent, require_case_access
from .sla import working_minutes_between


def _scope_q(actor: User, field: str) -> Q | None:
    """A filter keeping rows whose region lies in the actor's scope; None = everywhere.

    The scope's region ids are looked up once (a few hundred at most), so the big tables are filtered on
    their region foreign key without joining the region table.
    """
    from dolbom.regions.models import Region

    prefixes = scope_prefixes(actor)
    if prefixes is None:
        return None
    if not prefixes:
        return Q(pk__in=[])
    ids = list(
        Region.objects.filter(reduce(or_, (Q(code__startswith=p) for p in prefixes))).values_list("pk", flat=True)
    )
    return Q(**{f"{field}_id__in": ids})


def _scoped(qs: QuerySet[Any], actor: User, field: str) -> QuerySet[Any]:
    q = _scope_q(actor, field)
    return qs if q is None else qs.filter(q)


@dataclass
class Timer:
    due_at: datetime | None
    overdue: bool
    minutes_left: int | None  # working minutes; negative never (0 once overdue)

    @property
    def label(self) -> str:
        if self.due_at is None:
            return _("기한 없음")
        if self.overdue:
            return _("기한 초과")
        if self.minutes_left is None:
            return ""
        hours, minutes = divmod(self.minutes_left, 60)
        if hours:
            return _("%(hours)s시간 %(minutes)s분 남음 (근무시간)") % {"hours": hours, "minutes": minutes}
        return _("%(minutes)s분 남음 (근무시간)") % {"minutes": minutes}


def timer_of(due_at: datetime | None, *, at: datetime) -> Timer:
    if due_at is None:
        return Timer(None, False, None)
    overdue = due_at < at
    return Timer(due_at, overdue, 0 if overdue else working_minutes_between(at, due_at))


def _region_filter(qs: QuerySet[Any], region_code: str | None, field: str) -> QuerySet[Any]:
    if not region_code:
        return qs
    code = str(region_code).strip()
    if not code.isdigit() or len(code) not in (2, 5, 10):
        raise InvalidInput(_("지역 코드를 확인해 주세요."), detail={"fields": {"region": _("형식")}})
    prefix = code[:2] if code.endswith("00000000") else code[:5] if code.endswith("00000") else code
    return qs.filter(**{f"{field}__code__startswith": prefix})


def queue_inquiries(
    *,
    actor: User,
    topic: str | None = None,
    region_code: str | None = None,
    mine: bool = False,
    overdue_only: bool = False,
    at: datetime | None = None,
) -> QuerySet[Inquiry]:
    """Questions waiting for staff in the actor's regions, earliest due first."""
    require_agent(actor)
    at = at or timezone.now()
    qs = Inquiry.objects.filter(status__in=Inquiry.WAITING).select_related(
        "case", "case__guardian", "case__region", "assigned_to"
    )
    qs = _scoped(qs, actor, "region")
    if topic:
        if topic not in Topic.values:
            raise InvalidInput(_("알 수 없는 주제입니다."), detail={"fields": {"topic": topic}})
        qs = qs.filter(topic=topic)
    qs = _region_filter(qs, region_code, "region")
    if mine:
        qs = qs.filter(assigned_to=actor)
    if overdue_only:
        qs = qs.filter(due_at__lt=at)
    return qs.order_by("due_at", "pk")


def callbacks_due(
    *,
    actor: User,
    topic: str | None = None,
    region_code: str | None = None,
    mine: bool = False,
    at: datetime | None = None,
) -> QuerySet[Callback]:
    """Scheduled callbacks in the actor's regions, ordered by due time."""
    require_agent(actor)
    qs = Callback.objects.filter(status=Callback.Status.SCHEDULED).select_related(
        "case", "case__guardian", "case__region", "assigned_to", "inquiry"
    )
    qs = _scoped(qs, actor, "region")
    if topic:
        if topic not in Topic.values:
            raise InvalidInput(_("알 수 없는 주제입니다."), detail={"fields": {"topic": topic}})
        qs = qs.filter(topic=topic)
    qs = _region_filter(qs, region_code, "region")
    if mine:
        qs = qs.filter(assigned_to=actor)
    return qs.order_by("due_at", "pk")


def queue_counts(*, actor: User, at: datetime | None = None) -> dict[str, dict[str, int]]:
    """Per topic: waiting questions, scheduled callbacks and how many of each are overdue (counted in SQL)."""
    at = at or timezone.now()
    counts = {t: {"inquiries": 0, "callbacks": 0, "overdue": 0} for t in Topic.values}
    overdue = Count("pk", filter=Q(due_at__lt=at))
    for key, qs in (
        ("inquiries", queue_inquiries(actor=actor, at=at)),
        ("callbacks", callbacks_due(actor=actor, at=at)),
    ):
        for row in qs.order_by().values("topic").annotate(n=Count("pk"), late=overdue):
            counts[row["topic"]][key] += row["n"]
            counts[row["topic"]]["overdue"] += row["late"]
    return counts


def agents_for_case(*, actor: User, case: Case) -> list[User]:
    """Coordinators whose scope covers the case: whom it can be assigned to."""
    from dolbom.core.permissions import region_in_scope

    require_agent(actor)
    agents = User.objects.filter(role=Role.COORDINATOR, is_active=True).select_related("scope_region")
    return [a for a in agents.order_by("first_name", "pk") if region_in_scope(a, case.region_code)]


def cases_open(*, actor: User, limit: int = 50) -> QuerySet[Case]:
    require_agent(actor)
    qs = Case.objects.filter(status=Case.Status.OPEN).select_related("guardian", "region", "assigned_to")
    return _scoped(qs, actor, "region").order_by("-updated_at")[:limit]


def case_detail(*, actor: User, case_id: int) -> Case:
    return agent_case(actor=actor, case_id=case_id)


def case_history(*, actor: User, case: Case, family_view: bool = False) -> QuerySet[CaseEvent]:
    """The case's history, newest first. The family sees only lines meant for them."""
    require_case_access(actor, case)
    qs = case.events.select_related("actor")
    if family_view or actor.role == Role.CITIZEN:
        qs = qs.filter(visible_to_family=True)
    return qs


def case_children(*, actor: User, case: Case) -> list[Any]:
    """The family's registered children (names and dates only) for the agent; each staff read is audited."""
    from dolbom.core.audit import audit_log
    from dolbom.households.models import Child

    require_case_access(actor, case)
    if case.guardian_id is None:
        return []
    children = list(Child.objects.filter(household__guardian_id=case.guardian_id))
    if actor.pk != case.guardian_id:
        for child in children:
            audit_log(
                actor=actor, action="child.read", obj=child, acting_for=case.guardian, after={"via": "counselling"}
            )
    return children


def case_of_citizen(*, user: User) -> Case | None:
    require_login(user)
    return Case.objects.select_related("region").filter(guardian=user).first()


def inquiries_of(*, user: User) -> QuerySet[Inquiry]:
    require_login(user)
    if user.role != Role.CITIZEN:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(case__guardian=user).order_by("-created_at")


def inquiry_get(*, actor: User, inquiry_id: int) -> Inquiry:
    """One inquiry with its thread: for its family (others get 404) or an agent in scope (others 403)."""
    require_login(actor)
    inquiry = (
        Inquiry.objects.select_related("case", "case__region", "case__guardian", "assigned_to")
        .prefetch_related("messages", "callbacks")
        .filter(pk=inquiry_id)
        .first()
    )
    if inquiry is None:
        raise NotFound(_("문의를 찾을 수 없습니다."))
    require_case_access(actor, inquiry.case)
    return inquiry


def referrals_of_case(*, actor: User, case: Case) -> QuerySet[Referral]:
    require_case_access(actor, case)
    return case.referrals.select_related("facility").all()


@dataclass
class CallerMatch:
    kind: str  # "guardian" or "anonymous"
    label: str
    phone_masked: str
    region_name: str
    case_id: int | None
    user_id: int | None


def caller_lookup(*, actor: User, phone: str = "", name: str = "", limit: int = 20) -> list[CallerMatch]:
    """Find the caller by phone number or name among families and callers in the actor's regions."""
    from dolbom.accounts.phone import normalize_phone

    require_agent(actor)
    phone, name = (phone or "").strip(), (name or "").strip()
    if not phone and not name:
        raise InvalidInput(
            _("전화번호나 이름을 입력해 주세요."), detail={"fields": {"phone": _("필수"), "name": _("필수")}}
        )
    if name and len(name) < 2 and not phone:
        raise InvalidInput(_("이름은 두 글자 이상 입력해 주세요."), detail={"fields": {"name": _("너무 짧음")}})
    number = normalize_phone(phone) if phone else None
    if phone and number is None:
        raise InvalidInput(_("휴대전화 번호를 확인해 주세요."), detail={"fields": {"phone": _("형식")}})
    matches: list[CallerMatch] = []
    households = Household.objects.select_related("guardian", "home_region").filter(
        guardian__role=Role.CITIZEN, guardian__is_active=True
    )
    households = _scoped(households, actor, "home_region")
    if number:
        households = households.filter(guardian__phone=number)
    else:
        households = households.filter(Q(guardian__first_name__icontains=name) | Q(guardian__last_name__icontains=name))
    cases = {c.guardian_id: c.pk for c in Case.objects.filter(guardian__in=[h.guardian_id for h in households[:limit]])}
    for household in households[:limit]:
        guardian = household.guardian
        matches.append(
            CallerMatch(
                kind="guardian",
                label=guardian.display_name,
                phone_masked=mask_phone(guardian.phone or ""),
                region_name=household.home_region.full_name if household.home_region else "",
                case_id=cases.get(guardian.pk),
                user_id=guardian.pk,
            )
        )
    anonymous = _scoped(Case.objects.filter(guardian__isnull=True).select_related("region"), actor, "region")
    if number:
        anonymous = anonymous.filter(phone_hash=phone_hash(number))
    else:
        anonymous = anonymous.filter(caller_name__icontains=name)
    for case in anonymous[:limit]:
        matches.append(
            CallerMatch(
                kind="anonymous",
                label=case.display_name,
                phone_masked=mask_phone(case.phone),
                region_name=case.region.full_name if case.region else "",
                case_id=case.pk,
                user_id=None,
            )
        )
    return matches[:limit]


def citizen_counselling_export(*, user: User) -> dict[str, Any]:
    """The citizen's counselling records for their data export (개인정보 열람): questions, calls, referrals."""
    require_login(user)
    case = Case.objects.filter(guardian=user).first()
    if case is None:
        return {"counselling": None}

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "counselling": {
            "case": {
                "id": case.pk,
                "status": case.status,
                "opened": iso(case.created_at),
                "closed": iso(case.closed_at),
            },
            "inquiries": [
                {
                    "id": i.pk,
                    "topic": i.topic,
                    "question": i.question,
                    "status": i.status,
                    "asked": iso(i.created_at),
                    "messages": [
                        {"from_staff": m.from_staff, "body": m.body, "at": iso(m.created_at)} for m in i.messages.all()
                    ],
                }
                for i in case.inquiries.prefetch_related("messages")
            ],
            "calls": [
                {"at": iso(c.started_at), "topic": c.topic, "outcome": c.outcome, "notes": c.notes}
                for c in case.calls.all()
            ],
            "callbacks": [
                {"due": iso(c.due_at), "status": c.status, "window_start": iso(c.window_start)}
                for c in case.callbacks.all()
            ],
            "referrals": [
                {"agency": r.agency_name, "status": r.status, "consent_at": iso(r.consent_at), "reason": r.reason}
                for r in case.referrals.all()
            ],
            "history": [
                {"at": iso(e.at), "kind": e.kind, "summary": e.display_summary, "on_behalf": e.on_behalf}
                for e in case.events.filter(visible_to_family=True)
            ],
        }
    }
