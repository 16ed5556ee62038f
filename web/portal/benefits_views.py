"""Citizen pages of the benefit catalogue: browse by life-cycle stage and situation, search, a programme page,
and the step-by-step check with a printable summary."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dolbom.benefits.eligibility.catalogue import MAIN_STAGES, PROVIDER_LEVELS, SITUATIONS, STAGES, SUPPORT_TYPES
from dolbom.benefits.selectors import (
    programme_get,
    programme_list,
    programme_parameters,
    programme_rank,
)
from dolbom.benefits.services import _resolve_region, benefit_check
from dolbom.core.errors import ApplicationError, NotFound
from dolbom.core.ratelimit import rate_limit_anonymous

from .benefits_forms import CHILD_ROWS, BenefitCheckForm, form_field_for

PAGE_SIZE = 30

MISSING_LABELS = {
    "income_pct_of_median": gettext_lazy("소득 구간(기준중위소득 대비 %)"),
    "children": gettext_lazy("자녀 생년월일"),
    "pregnancy": gettext_lazy("임신 여부와 출산 예정일"),
    "parents": gettext_lazy("보호자의 재직(고용보험 가입) 여부"),
    "parents[].employed": gettext_lazy("보호자의 재직 여부"),
    "single_parent": gettext_lazy("한부모 가구 여부"),
    "multicultural": gettext_lazy("다문화 가구 여부"),
    "disability_in_household": gettext_lazy("장애가 있는 가족 여부"),
}


def missing_label(name: str) -> str:
    if name in MISSING_LABELS:
        return str(MISSING_LABELS[name])
    if name.startswith("children[") and name.endswith(".attends_daycare"):
        index = int(name[len("children[") : name.index("]")])
        return _("자녀 %(n)s의 어린이집·유치원 이용 여부") % {"n": index + 1}
    if name.startswith("parents[") and name.endswith(".employed"):
        index = int(name[len("parents[") : name.index("]")])
        return _("보호자 %(n)s의 재직 여부") % {"n": index + 1}
    return name


def _labels() -> dict[str, Any]:
    return {
        "stage_labels": STAGES,
        "situation_labels": SITUATIONS,
        "level_labels": PROVIDER_LEVELS,
        "support_labels": SUPPORT_TYPES,
    }


def programme_index(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage") or ""
    situation = request.GET.get("situation") or ""
    q = (request.GET.get("q") or "").strip()[:100]
    region_q = (request.GET.get("region") or "").strip()[:60]
    errors = []
    if stage and stage not in STAGES:
        errors.append(_("알 수 없는 생애주기입니다."))
        stage = ""
    if situation and situation not in SITUATIONS:
        errors.append(_("알 수 없는 가구 상황입니다."))
        situation = ""
    region = None
    if region_q:
        try:
            region = _resolve_region(region_q)
        except ApplicationError as exc:
            errors.append(exc.message)
    found = programme_rank(
        list(programme_list(stage=stage or None, situation=situation or None, region=region, q=q or None)), q=q
    )
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    shown = found[start : start + PAGE_SIZE]
    for p in shown:
        p.stage_names = [STAGES.get(s, s) for s in p.stages]  # type: ignore[attr-defined]
    context = {
        "programmes": shown,
        "count": len(found),
        "page": page,
        "has_next": start + PAGE_SIZE < len(found),
        "stage": stage,
        "situation": situation,
        "q": q,
        "region_q": region_q,
        "region": region,
        "errors": errors,
        "stages": [(k, STAGES[k]) for k in MAIN_STAGES],
        "situations": list(SITUATIONS.items()),
        **_labels(),
    }
    return render(request, "benefits/index.html", context, status=422 if errors else 200)


def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    try:
        programme = programme_get(ident=programme_id)
    except NotFound as exc:
        return render(request, "error.html", {"status": 404, "message": exc.message}, status=404)
    context = {
        "p": programme,
        "parameters": programme_parameters(programme=programme, on=timezone.localdate()),
        "regions": list(programme.regions.all()),
        "stage_names": [STAGES.get(s, s) for s in programme.stages],
        **_labels(),
    }
    return render(request, "benefits/detail.html", context)


# ---------------------------------------------------------------------------------------------------------------
# The check


def _household_initial(request: HttpRequest) -> dict[str, Any]:
    """A signed-in citizen starts from the household already registered."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_citizen", False):
        return {}
    from dolbom.households.models import Household

    household = Household.objects.filter(guardian_id=user.pk).select_related("home_region").first()
    if household is None:
        return {}
    initial: dict[str, Any] = {}
    if household.home_region is not None:
        initial["region"] = household.home_region.full_name
    today = timezone.localdate()
    born = [c for c in household.children.all() if c.birth_date]
    expected = [c for c in household.children.all() if c.due_date and c.due_date >= today]
    for i, child in enumerate(sorted(born, key=lambda c: c.birth_date or today)[:CHILD_ROWS], start=1):
        initial[f"child_{i}_birth"] = child.birth_date
    if expected:
        due = min(c.due_date for c in expected if c.due_date)
        initial.update(pregnant=True, due_date=due, fetuses=str(sum(1 for c in expected if c.due_date == due)))
    return initial


def _group(result: dict[str, Any]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    information: list[dict[str, Any]] = []
    timeline = []
    for row in result["results"]:
        row["missing_labels"] = [missing_label(m) for m in row["missing"]]
        if row["key"].startswith("bokjiro-"):
            information.append(row)
            continue
        groups[row["main_stage"]].append(row)
        for change in row["changes"]:
            timeline.append({**change, "date": date.fromisoformat(change["date"]), "name": row["name"]})
    timeline.sort(key=lambda c: c["date"])
    ordered = [
        {
            "key": s,
            "label": STAGES[s],
            "eligible": [r for r in groups[s] if r["status"] == "eligible"],
            "unknown": [r for r in groups[s] if r["status"] == "unknown"],
            "ineligible": [r for r in groups[s] if r["status"] == "ineligible"],
        }
        for s in ("pregnancy", "infant", "school", "worklife", "youth")
        if groups.get(s)
    ]
    missing = sorted(
        {label for row in result["results"] if not row["key"].startswith("bokjiro-") for label in row["missing_labels"]}
    )
    rules = [r for r in result["results"] if not r["key"].startswith("bokjiro-")]
    counts = {s: sum(1 for r in rules if r["status"] == s) for s in ("eligible", "unknown", "ineligible")}
    return {
        "groups": ordered,
        "information": information,
        "timeline": timeline[:40],
        "missing_all": missing,
        "counts": counts,
    }


def benefit_check_page(request: HttpRequest) -> HttpResponse:
    result = None
    status = 200
    if request.method == "POST":
        form = BenefitCheckForm(request.POST)
        if form.is_valid():
            try:
                rate_limit_anonymous(request, scope="benefits_check")
                result = benefit_check(data=form.check_input())
            except ApplicationError as exc:
                fields = (exc.detail or {}).get("fields", {})
                placed = False
                for name, text in fields.items():
                    target = form_field_for(name)
                    if target and target in form.fields:
                        form.add_error(target, text)
                        placed = True
                if not placed or not fields:
                    form.add_error(None, exc.message)
                if exc.detail.get("candidates"):
                    form.add_error("region", _("후보: ") + ", ".join(str(c) for c in exc.detail["candidates"][:8]))
                status = 429 if exc.status == 429 else 422
        else:
            status = 422
    else:
        form = BenefitCheckForm(initial=_household_initial(request))
    context: dict[str, Any] = {"form": form, "result": result, **_labels()}
    if result is not None:
        context.update(_group(result))
    return render(request, "benefits/check.html", context, status=status)
