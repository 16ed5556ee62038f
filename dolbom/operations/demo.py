"""Demo activity: from 1 January of last year to yesterday, facility bookings with attendance and ratings, and
home visits with caregivers and ratings, so that the officials' dashboards show meaningful figures.

Facility care runs at the demo provider's real Seoul 어린이집 and at a few demonstration facilities (marked
"(시연)") in the 경기 시·군 that take part in the 경기 services; home visits run in 17 경기 시·군. Volumes are a
fraction of a province's (the dashboards scale; see bench/dashboards.py for a province-sized year).

Idempotent: nothing is generated when the demo activity exists. Rows are written with plain multi-row INSERTs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from dolbom.accounts.models import Role, User
from dolbom.booking.models import Booking, BookingChild, CareService, FacilityService, Occupancy, Slot
from dolbom.core.errors import NotFound
from dolbom.directory.models import Facility
from dolbom.households.models import Child, Household
from dolbom.matching.models import Caregiver, VisitAssignment, VisitRating, VisitRequest
from dolbom.regions.models import Region

from .models import BookingRating

DEMO_NOTE = "시연 활동 기록"
DEMO_SOURCE = "demo-operations"

#: 경기 시·군 of the demo: home visits in 17, 언제나 어린이집 in 4 (of the 10), 초등 시설형 in the 3 the reports name.
VISIT_SGG = [
    "41110", "41130", "41150", "41170", "41190", "41210", "41270", "41280", "41360",
    "41390", "41410", "41460", "41480", "41500", "41570", "41590", "41610",
]  # fmt: skip
ALWAYS_SGG = ["41110", "41190", "41360", "41570"]
SCHOOL_SGG = ["41110", "41590", "41360"]

#: Hour weights: the morning (07–09) and evening (17–19) peaks the 경기 reports describe.
HOUR_WEIGHT = {7: 8, 8: 9, 9: 4, 10: 2, 11: 2, 12: 2, 13: 2, 14: 2, 15: 3, 16: 4, 17: 8, 18: 9, 19: 6, 20: 3, 21: 2}


def _insert(model: type[models.Model], objs: list[Any], batch: int = 5000) -> None:
    """Plain multi-row INSERT through executemany: bulk_create's per-value preparation dominates a year of rows.
    Timestamps not set on an object get "now"; datetimes are written the way Django stores them."""
    from django.db import connection

    if not objs:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sqlite = connection.vendor == "sqlite"

    def prep(f: Any, v: Any) -> Any:
        if v is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
            v = now
        if isinstance(f, models.JSONField):
            return f.get_db_prep_save(v, connection)
        if sqlite and isinstance(v, datetime):
            return str(v.astimezone(UTC).replace(tzinfo=None))
        if sqlite and isinstance(v, date):
            return v.isoformat()
        return v

    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 — names from the model, values bound
    with connection.cursor() as cursor:
        for i in range(0, len(objs), batch):
            cursor.executemany(sql, [[prep(f, getattr(o, f.attname)) for f in fields] for o in objs[i : i + batch]])


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _hours_of(service_code: str, day: date) -> range:
    if service_code == "gg-school-emergency":
        return range(18, 22) if day.weekday() < 5 else range(9, 22)
    return range(7, 22)


class Generator:
    def __init__(self, *, start: date, end: date, seed: int = 2026, scale: float = 1.0):
        self.start, self.end = start, end
        self.rng = random.Random(seed)
        self.scale = scale
        self.children_by_sgg: dict[str, list[tuple[int, int, int]]] = {}  # sgg → [(child, household, guardian)]
        self.busy: set[tuple[int, datetime]] = set()

    def days(self) -> Iterator[date]:
        d = self.start
        while d <= self.end:
            yield d
            d += timedelta(days=1)

    # ---------------------------------------------------------- families

    def families(self, regions: dict[str, Region], per_sgg: int) -> None:
        users = [
            User(username=f"demo-family-{code}-{i:04d}", role=Role.CITIZEN, first_name="시연가족", password="!")  # noqa: S106 — unusable
            for code in regions
            for i in range(per_sgg)
        ]
        User.objects.bulk_create(users, batch_size=1000)
        users = list(User.objects.filter(username__startswith="demo-family-").order_by("pk"))
        households = [Household(guardian=u, home_region=regions[u.username.split("-")[2]]) for u in users]
        Household.objects.bulk_create(households, batch_size=1000)
        households = list(
            Household.objects.filter(guardian__username__startswith="demo-family-").select_related("guardian")
        )
        today = timezone.localdate()
        kids = []
        for h in households:
            for n in range(1 if self.rng.random() < 0.7 else 2):
                age_days = self.rng.randint(200, 11 * 365)
                kids.append(Child(household=h, name=f"아이{n + 1}", birth_date=today - timedelta(days=age_days)))
        Child.objects.bulk_create(kids, batch_size=1000)
        for c in Child.objects.filter(household__in=households).select_related("household__guardian", "household"):
            code = c.household.guardian.username.split("-")[2]
            self.children_by_sgg.setdefault(code, []).append((c.pk, c.household_id, c.household.guardian_id))

    # ---------------------------------------------------------- facility care

    def facility_activity(self, offers: list[tuple[FacilityService, str, float]]) -> dict[str, int]:
        """offers: (facility service, families' 시군 code, bookings per day)."""
        slots: list[Slot] = []
        for fs, _, _ in offers:
            for day in self.days():
                for h in _hours_of(fs.service.code, day):
                    s = _local(day, h)
                    slots.append(
                        Slot(
                            facility_service=fs,
                            starts_at=s,
                            ends_at=s + timedelta(hours=1),
                            capacity=fs.default_capacity,
                        )
                    )
        for slot in slots:
            slot.created_at = slot.updated_at = slot.starts_at - timedelta(days=14)
        _insert(Slot, slots)
        lo, hi = _local(self.start, 0), _local(self.end + timedelta(days=1), 0)
        slot_ids = {
            (fs_id, st): (pk, cap)
            for pk, fs_id, st, cap in Slot.objects.filter(
                facility_service__in=[o[0] for o in offers], starts_at__gte=lo, starts_at__lt=hi
            ).values_list("pk", "facility_service_id", "starts_at", "capacity")
        }
        used: dict[int, int] = {}
        bookings: list[Booking] = []
        plan: list[tuple[list[int], list[int]]] = []  # (children, slot pks) per booking
        S = Booking.Status
        for fs, sgg, per_day in offers:
            families = self.children_by_sgg.get(sgg) or []
            if not families:
                continue
            service = fs.service
            for day in self.days():
                hours = list(_hours_of(service.code, day))
                weights = [HOUR_WEIGHT.get(h, 1) for h in hours]
                n = self._poisson(per_day * self.scale * (1.3 if day.weekday() >= 5 else 1.0))
                for _ in range(n):
                    start_h = self.rng.choices(hours, weights)[0]
                    length = self.rng.choice([1, 2, 2, 3, 3, 4])
                    span = [h for h in range(start_h, start_h + length) if h in hours]
                    child, household, guardian = self.rng.choice(families)
                    kids = [child]
                    sibling = next((c for c in families if c[1] == household and c[0] != child), None)
                    if sibling and self.rng.random() < 0.5:
                        kids.append(sibling[0])
                    keys = [(fs.pk, _local(day, h)) for h in span]
                    if any(k not in slot_ids for k in keys):
                        continue
                    pks = [slot_ids[k][0] for k in keys]
                    if any(used.get(pk, 0) + len(kids) > slot_ids[k][1] for pk, k in zip(pks, keys, strict=True)):
                        continue
                    if any((c, k[1]) in self.busy for c in kids for k in keys):
                        continue
                    r = self.rng.random()
                    if service.requires_approval and r < 0.04:
                        status = S.DECLINED
                    elif r < 0.14:
                        status = S.CANCELLED
                    elif r < 0.19:
                        status = S.NO_SHOW
                    else:
                        status = S.ATTENDED
                    starts = _local(day, span[0])
                    made = starts - timedelta(hours=self.rng.choice([2, 5, 20, 26, 50, 75, 170]))
                    decided = made + timedelta(minutes=self.rng.randint(5, 600)) if service.requires_approval else None
                    bookings.append(
                        Booking(
                            household_id=household,
                            facility_service=fs,
                            status=status,
                            starts_at=starts,
                            ends_at=starts + timedelta(hours=len(span)),
                            fee=service.hourly_fee * len(span) * len(kids),
                            created_by_id=guardian,
                            created_at=made,
                            updated_at=starts,
                            decided_at=decided if status != S.CANCELLED or decided else None,
                            cancelled_at=made + timedelta(hours=1) if status == S.CANCELLED else None,
                            note=DEMO_NOTE,
                        )
                    )
                    plan.append((kids, pks))
                    if status not in (S.CANCELLED, S.DECLINED):
                        for pk in pks:
                            used[pk] = used.get(pk, 0) + len(kids)
                        for c in kids:
                            for k in keys:
                                self.busy.add((c, k[1]))
        _insert(Booking, bookings)
        saved = list(Booking.objects.filter(note=DEMO_NOTE).order_by("pk").values_list("pk", "status", "starts_at"))
        saved = saved[-len(bookings) :] if bookings else []
        children_rows, occupancy, ratings = [], [], []
        slot_start = {pk: st for (_, st), (pk, _) in slot_ids.items()}
        for (pk, saved_status, starts), (kids, pks), b in zip(saved, plan, bookings, strict=True):
            active = saved_status not in (S.CANCELLED, S.DECLINED)
            for c in kids:
                children_rows.append(BookingChild(booking_id=pk, child_id=c))
                for spk in pks:
                    occupancy.append(
                        Occupancy(booking_id=pk, slot_id=spk, child_id=c, starts_at=slot_start[spk], active=active)
                    )
            if saved_status == S.ATTENDED and self.rng.random() < 0.45:
                stars = self.rng.choices([5, 4, 3, 2, 1], [70, 20, 6, 3, 1])[0]
                ratings.append(
                    BookingRating(
                        booking_id=pk,
                        facility_id=b.facility_service.facility_id,
                        stars=stars,
                        created_at=starts + timedelta(hours=6),
                        updated_at=starts + timedelta(hours=6),
                    )
                )
        _insert(BookingChild, children_rows)
        _insert(Occupancy, occupancy)
        _insert(BookingRating, ratings)
        return {"slots": len(slots), "bookings": len(bookings), "occupancy": len(occupancy), "ratings": len(ratings)}

    def _poisson(self, mean: float) -> int:
        # Knuth; means here are small
        import math

        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    # ---------------------------------------------------------- home visits

    def visits(self, regions: dict[str, Region], per_day: float) -> dict[str, int]:
        caregivers: dict[str, list[int]] = {}
        new = []
        for region in regions.values():
            for i in range(4):
                new.append(
                    Caregiver(
                        display_name=f"시연돌보미 {region.name} {i + 1}",
                        home_region=region,
                        home_lat=region.lat or 37.3,
                        home_lng=region.lng or 127.0,
                        background_check_expires=timezone.localdate() + timedelta(days=self.rng.randint(-20, 500)),
                    )
                )
        Caregiver.objects.bulk_create(new)
        for pk, code in Caregiver.objects.filter(display_name__startswith="시연돌보미").values_list(
            "pk", "home_region__code"
        ):
            caregivers.setdefault(code[:5], []).append(pk)
        S = VisitRequest.Status
        services = [VisitRequest.Service.URGENT, VisitRequest.Service.HOURLY, VisitRequest.Service.ILLNESS]
        requests: list[VisitRequest] = []
        plan: list[tuple[list[int], int, int]] = []
        codes = list(regions)
        for day in self.days():
            n = self._poisson(per_day * self.scale)
            for _ in range(n):
                code = self.rng.choice(codes)
                families = self.children_by_sgg.get(code) or []
                if not families:
                    continue
                child, household, _ = self.rng.choice(families)
                start_h = self.rng.choices(list(HOUR_WEIGHT), list(HOUR_WEIGHT.values()))[0]
                length = self.rng.choice([2, 3, 4, 4, 5, 8])
                starts = _local(day, start_h)
                r = self.rng.random()
                status = S.DONE if r < 0.86 else S.CANCELLED if r < 0.94 else S.EXPIRED
                made = starts - timedelta(hours=self.rng.choice([3, 6, 12, 24, 48, 72]))
                region = regions[code]
                requests.append(
                    VisitRequest(
                        household_id=household,
                        service=self.rng.choices(services, [6, 3, 1])[0],
                        region=region,
                        address=f"{region.full_name} (시연)",
                        lat=region.lat or 37.3,
                        lng=region.lng or 127.0,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=length),
                        status=status,
                        note=DEMO_NOTE,
                        created_at=made,
                        updated_at=starts,
                    )
                )
                plan.append(([child], household, self.rng.choice(caregivers[code])))
        _insert(VisitRequest, requests)
        saved = list(VisitRequest.objects.filter(note=DEMO_NOTE).order_by("pk").values_list("pk", flat=True))
        saved = saved[-len(requests) :] if requests else []
        through = VisitRequest.children.through
        links, assignments, ratings = [], [], []
        for pk, req, (kids, household, caregiver) in zip(saved, requests, plan, strict=True):
            for c in kids:
                links.append(through(visitrequest_id=pk, child_id=c))
            if req.status == S.DONE:
                accepted = req.created_at + timedelta(minutes=self.rng.randint(10, 240))
                assignments.append(
                    VisitAssignment(
                        request_id=pk,
                        caregiver_id=caregiver,
                        status=VisitAssignment.Status.COMPLETED,
                        starts_at=req.starts_at,
                        ends_at=req.ends_at,
                        created_at=accepted,
                        updated_at=req.ends_at,
                        method="시연",
                    )
                )
                if self.rng.random() < 0.6:
                    ratings.append(
                        VisitRating(
                            request_id=pk,
                            caregiver_id=caregiver,
                            household_id=household,
                            stars=self.rng.choices([5, 4, 3, 2, 1], [68, 22, 6, 3, 1])[0],
                            created_at=req.ends_at,
                            updated_at=req.ends_at,
                        )
                    )
        _insert(through, links)
        _insert(VisitAssignment, assignments)
        _insert(VisitRating, ratings)
        return {"visits": len(requests), "visit_ratings": len(ratings)}


def _demo_facilities(
    regions: dict[str, Region], service: CareService, codes: list[str], per: int, rng: random.Random, capacity: int
) -> list[tuple[FacilityService, str, float]]:
    offers = []
    for code in codes:
        region = regions[code]
        for i in range(per):
            facility, _ = Facility.objects.get_or_create(
                source_format=DEMO_SOURCE,
                source_key=f"{service.code}-{code}-{i}",
                defaults={
                    "name": f"{region.name} {service.name} {i + 1}호 (시연)",
                    "region": region,
                    "status": Facility.Status.NORMAL,
                    "lat": (region.lat or 37.3) + rng.uniform(-0.02, 0.02),
                    "lng": (region.lng or 127.0) + rng.uniform(-0.02, 0.02),
                    "address": f"{region.full_name} (시연 시설)",
                    "capacity": rng.choice([20, 30, 40]),
                    "enrolment": rng.choice([15, 22, 28]),
                    "source_name": "시연용 자료 (실제 시설 아님)",
                },
            )
            fs, _ = FacilityService.objects.get_or_create(
                facility=facility, service=service, defaults={"default_capacity": capacity}
            )
            offers.append((fs, code, 2.0 if service.code == "gg-always-daycare" else 1.0))
    return offers


def generate(*, start: date, end: date, seed: int = 2026, scale: float = 1.0) -> dict[str, int]:
    """Generate the activity for [start, end]; needs the real regions and the booking demo's services."""
    rng = random.Random(seed)
    sgg = {r.code[:5]: r for r in Region.objects.filter(code__in=[c + "00000" for c in VISIT_SGG], is_active=True)}
    gen = Generator(start=start, end=end, seed=seed, scale=scale)
    gen.families(sgg, per_sgg=max(10, int(60 * scale)))
    services = {s.code: s for s in CareService.objects.filter(code__in=["gg-always-daycare", "gg-school-emergency"])}
    offers: list[tuple[FacilityService, str, float]] = []
    if "gg-always-daycare" in services:
        offers += _demo_facilities(sgg, services["gg-always-daycare"], [c for c in ALWAYS_SGG if c in sgg], 1, rng, 4)
    if "gg-school-emergency" in services:
        offers += _demo_facilities(sgg, services["gg-school-emergency"], [c for c in SCHOOL_SGG if c in sgg], 1, rng, 6)
    # the demo provider's real facility: its families live in 수원 for the demo
    provider = User.objects.filter(username="provider", role=Role.PROVIDER).first()
    if provider is not None and provider.facility_id is not None and "41110" in sgg:
        for fs in FacilityService.objects.filter(facility_id=provider.facility_id).select_related("service"):
            offers.append((fs, "41110", 1.5))
    counts = gen.facility_activity(offers)
    counts.update(gen.visits(sgg, per_day=8.0))
    counts["facilities"] = len(offers)
    return counts


def _staff_read_of_a_child() -> None:
    """The demo coordinator opens the demo family's child record (through the audited read), so the audit log
    has a staff read to find: action child.read."""
    from dolbom.households.selectors import child_get

    coordinator = User.objects.filter(username="coordinator", role=Role.COORDINATOR).first()
    child = Child.objects.filter(household__guardian__username="citizen").order_by("pk").first()
    if coordinator is not None and child is not None:
        try:
            child_get(actor=coordinator, child_id=child.pk)
        except NotFound:  # the family lives outside the coordinator's scope: nothing to read
            return


def load(stdout: Any) -> list[str]:
    if Booking.objects.filter(note=DEMO_NOTE).exists() or VisitRequest.objects.filter(note=DEMO_NOTE).exists():
        return ["운영 통계용 시연 활동: 이미 있음"]
    if not Region.objects.filter(code="4111000000").exists():
        return ["운영 통계용 시연 활동: 행정구역이 없어 건너뜀"]
    today = timezone.localdate()
    start = date(today.year - 1, 1, 1)
    counts = generate(start=start, end=today - timedelta(days=1))
    _staff_read_of_a_child()
    from .summaries import summaries_rebuild

    summaries_rebuild()  # the generator writes in bulk, past the services
    return [
        f"운영 통계용 시연 활동 ({start:%Y-%m-%d}~어제): 시설 예약 {counts['bookings']:,}건, "
        f"방문돌봄 {counts['visits']:,}건, 평가 {counts['ratings'] + counts['visit_ratings']:,}건 — "
        "시·도 담당자 콘솔 /console/dashboards/"
    ]
