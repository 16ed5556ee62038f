"""The engine: which programmes apply to a household's region, each rule's answer on the date asked, the
dated changes ahead for this household, and an estimate of what the household receives this year."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from .catalogue import ProgrammeSpec
from .dates import end_of_year, months_between, next_month_starts
from .model import ELIGIBLE, INELIGIBLE, Amount, Answer, Change, Household, Status
from .parameters import Parameter, load_parameters
from .rules import RULE_CLASSES, Ahead, Ctx, Information, PerChildRule, Rule, amount_text, child_label

HORIZON_DAYS = 366 * 10


@dataclass
class Result:
    spec: ProgrammeSpec
    answer: Answer


def _describe(answer: Answer | Ahead | None) -> str:
    if answer is None:
        return "출생 전"
    if answer.status == ELIGIBLE:
        return amount_text(answer.amount) if answer.amount.value is not None else "이용 가능"
    if answer.status == INELIGIBLE:
        return "대상 아님"
    return "확인 필요"


class Engine:
    def __init__(self, specs: list[ProgrammeSpec], parameters: dict[str, dict[str, Parameter]] | None = None):
        parameters = load_parameters() if parameters is None else parameters
        self.specs = specs
        self.rules: dict[str, Rule] = {}
        for spec in specs:
            cls = RULE_CLASSES.get(spec.rule)
            if cls is None:
                raise ValueError(f"{spec.key}: unknown rule {spec.rule!r}")
            params = parameters.get(spec.key, {})
            self.rules[spec.key] = cls(spec.key, params, spec.config)
        self._info_cache: dict[str, Answer] = {}
        #: information entries relevant to a (stages, situations) pair: few pairs occur, so the choice is cached
        self._relevant_cache: dict[tuple[frozenset[str], frozenset[str]], frozenset[int]] = {}
        #: the programmes a check answers, by (region codes, date, information, stages and situations)
        self._plan_cache: dict[tuple[Any, ...], tuple[ProgrammeSpec, ...]] = {}
        # Indexes so a check touches only the programmes that can apply: national rules, local programmes by
        # region code, information entries by life-cycle stage.
        self._always: list[int] = []
        self._by_code: dict[str, list[int]] = {}
        self._info_all: list[int] = []
        self._info_by_stage: dict[str, list[int]] = {}
        for i, spec in enumerate(specs):
            if spec.regions:
                for span in spec.regions:
                    self._by_code.setdefault(span.code, []).append(i)
            elif spec.rule == "information":
                self._info_all.append(i)
                for stage in spec.stages:
                    self._info_by_stage.setdefault(stage, []).append(i)
            else:
                self._always.append(i)

    def spec(self, key: str) -> ProgrammeSpec:
        return next(s for s in self.specs if s.key == key)

    # ---------------------------------------------------------------------------------------------------------
    def evaluate(
        self, key: str, hh: Household, *, changes: bool = True, later: dict[date, Household] | None = None
    ) -> Answer:
        rule = self.rules[key]
        if isinstance(rule, Information):
            # Information entries do not depend on the household: answer once, share the answer.
            cached = self._info_cache.get(key)
            if cached is None:
                cached = self._info_cache[key] = rule.evaluate(hh)
            return cached
        answer = rule.evaluate(hh)
        if changes:
            answer.changes = self._changes(rule, hh, answer, {} if later is None else later)
        return answer

    def check(
        self,
        hh: Household,
        *,
        changes: bool = True,
        information: str = "relevant",
    ) -> list[Result]:
        """Every programme that applies in the household's region, answered as of `hh.as_of`.

        `information`: "relevant" keeps the information entries whose stages and situations fit the household,
        "all" keeps every one, "none" drops them.
        """
        plan_key = (hh.region_codes, hh.as_of, information, household_tags(hh) if information == "relevant" else None)
        plan = self._plan_cache.get(plan_key)
        if plan is None:
            plan = self._plan(hh, information, plan_key[3])
            if len(self._plan_cache) > 20_000:
                self._plan_cache.clear()
            self._plan_cache[plan_key] = plan
        later: dict[date, Household] = {}  # the household on later dates, shared by every rule
        results = []
        info = self._info_cache
        for spec in plan:
            cached = info.get(spec.key)
            if cached is not None:
                results.append(Result(spec, cached))
            else:
                results.append(Result(spec, self.evaluate(spec.key, hh, changes=changes, later=later)))
        return results

    def _plan(
        self, hh: Household, information: str, tags: tuple[frozenset[str], frozenset[str]] | None
    ) -> tuple[ProgrammeSpec, ...]:
        """The programmes a check answers, in catalogue order: the same for every household of one region, date
        and (for information entries) life-cycle stages and situations, so it is chosen once and cached."""
        picked = set(self._always)
        for code in hh.region_codes:
            for i in self._by_code.get(code, ()):
                if self.specs[i].applies_in(hh.region_codes, hh.as_of):
                    picked.add(i)
        if information == "all":
            picked.update(self._info_all)
        elif information == "relevant":
            assert tags is not None
            stages, situations = tags
            key = tags
            relevant = self._relevant_cache.get(key)
            if relevant is None:
                found: set[int] = set()
                for stage in stages:
                    for i in self._info_by_stage.get(stage, ()):
                        wanted = self.specs[i].situations
                        if not wanted or situations.intersection(wanted):
                            found.add(i)
                relevant = self._relevant_cache[key] = frozenset(found)
            picked.update(relevant)
        return tuple(self.specs[i] for i in sorted(picked))

    # ---------------------------------------------------------------------------------------------------------
    def _changes(self, rule: Rule, hh: Household, answer: Answer, later_cache: dict[date, Household]) -> list[Change]:
        as_of = hh.as_of
        horizon = date.fromordinal(as_of.toordinal() + HORIZON_DAYS)
        marks = [m for m in rule.marks(hh) if as_of < m[0] <= horizon]
        dates = {m[0] for m in marks}
        pdates = rule.sorted_parameter_dates()
        if pdates and pdates[-1] > as_of:
            dates.update(d for d in pdates[bisect_right(pdates, as_of) :] if d <= horizon)
        if not dates:
            return []
        if isinstance(rule, PerChildRule):
            with rule.look_ahead(hh, answer):
                ahead = partial(rule.ahead, ctx=Ctx(rule.params, as_of, explain=False))
                return self._changes_on(ahead, sorted(dates), marks, answer, hh, later_cache, True)
        return self._changes_on(
            partial(rule.evaluate, explain=False), sorted(dates), marks, answer, hh, later_cache, False
        )

    def _changes_on(
        self,
        evaluate: Callable[[Household], Answer | Ahead],
        dates: list[date],
        marks: list[tuple[date, str, int | None, int | None]],
        answer: Answer,
        hh: Household,
        later_cache: dict[date, Household],
        per_child: bool,
    ) -> list[Change]:
        out: list[Change] = []
        prev: Answer | Ahead = answer
        for on in dates:
            later = later_cache.get(on)
            if later is None:
                later = later_cache[on] = hh.at(on)
            now = evaluate(later)
            a, b = now.amount, prev.amount
            if (
                now.status == prev.status
                and a.value == b.value
                and a.per == b.per
                and not ((now.per_child or prev.per_child) and _children_differ(prev, now))
            ):
                prev = now
                continue
            here = [m for m in marks if m[0] == on]
            if per_child and (now.per_child or prev.per_child):
                parts = _child_diffs(prev, now, later)
                if not parts and now.signature() == prev.signature():
                    prev = now
                    continue
                description = "; ".join(parts) if parts else f"{_describe(prev)} → {_describe(now)}"
                if len(now.per_child) > 1 and now.signature() != prev.signature():
                    description += f" (합계 {_describe(now)})"
            else:
                names = [_mark_label(m, later) for m in here] or [f"제도 변경({on.isoformat()} 시행)"]
                description = f"{', '.join(dict.fromkeys(names))}: {_describe(prev)} → {_describe(now)}"
            child_idx = next((m[2] for m in here if m[2] is not None), None)
            out.append(
                Change(on=on, description=description, status=now.status, amount=now.amount, child_index=child_idx)
            )
            prev = now
        return out


def _mark_label(mark: tuple[date, str, int | None, int | None], later: Household) -> str:
    on, label, index, months = mark
    if label or index is None:
        return label or f"제도 변경({on.isoformat()} 시행)"
    children = later.born_children()
    child = children[index] if index < len(children) else None
    return f"{child_label(index, child)} 생후 {months}개월" if child is not None else f"생후 {months}개월"


def _children_differ(a: Answer | Ahead, b: Answer | Ahead) -> bool:
    if len(a.per_child) != len(b.per_child):
        return True
    return any(
        (x.status, x.amount.value) != (y.status, y.amount.value) for x, y in zip(a.per_child, b.per_child, strict=True)
    )


def _child_diffs(prev: Answer | Ahead, now: Answer | Ahead, hh: Household) -> list[str]:
    before = {r.index: r for r in prev.per_child}
    parts = []
    children = hh.born_children()
    for r in now.per_child:
        old = before.get(r.index)
        if old is not None and (old.status, old.amount.value) == (r.status, r.amount.value):
            continue
        if old is None and r.status == INELIGIBLE:
            continue  # a birth that changes nothing for this programme is not news
        child = children[r.index]
        m = months_between(child.birth_date, hh.as_of)
        when = "출생" if m == 0 and child.birth_date == hh.as_of else f"생후 {m}개월"
        old_text = _describe(None) if old is None else _describe_child(old)
        parts.append(f"{child_label(r.index, child)} {when}: {old_text} → {_describe_child(r)}")
    return parts


def _describe_child(r: Any) -> str:
    if r.status == ELIGIBLE:
        return amount_text(r.amount) if r.amount.value is not None else "이용 가능"
    return "대상 아님" if r.status == INELIGIBLE else "확인 필요"


# -------------------------------------------------------------------------------------------------------------
# Relevance of information entries


def household_tags(hh: Household) -> tuple[frozenset[str], frozenset[str]]:
    stages: set[str] = {"worklife"}
    situations: set[str] = set()
    if hh.pregnancy is not None:
        stages.add("pregnancy")
    for c in hh.born_children():
        m = months_between(c.birth_date, hh.as_of)
        if m < 72:
            stages.add("infant")
        elif m < 156:
            stages.add("school")
        else:
            stages.add("teen")
        if c.disability:
            situations.add("disability")
    if not hh.children_told:
        stages |= {"pregnancy", "infant", "school", "youth"}
    count = len(hh.born_children()) + (hh.pregnancy.fetuses if hh.pregnancy else 0)
    if count >= 2:
        situations.add("many_children")
    if hh.single_parent:
        situations.add("single_parent")
    if hh.multicultural:
        situations.add("multicultural")
    if hh.disability_in_household:
        situations.add("disability")
    if hh.low_income_status or (hh.income_pct_of_median is not None and hh.income_pct_of_median <= 50):
        situations.add("low_income")
    return frozenset(stages), frozenset(situations)


# -------------------------------------------------------------------------------------------------------------
# This year's total


def year_total(results: list[Result], as_of: date) -> dict[str, Any]:
    """What the household receives from `as_of` to 31 December: monthly amounts for each month from this one
    (at the amount in force on the asked date, then on the first of each later month), plus one-off and
    per-pregnancy amounts due this year. Hourly prices and in-kind services are not counted."""
    end = end_of_year(as_of)
    points = [as_of, *next_month_starts(as_of, end)]
    total = 0
    by_programme: dict[str, int] = {}
    for result in results:
        answer = result.answer
        if not answer.changes and (answer.status != ELIGIBLE or answer.amount.value is None):
            continue  # nothing received now and nothing changes: most answers (information entries) stop here
        segments = [(as_of, answer.status, answer.amount)] + [(c.on, c.status, c.amount) for c in answer.changes]
        subtotal = 0
        # monthly
        for p in points:
            status, amount = _in_force(segments, p)
            if status == ELIGIBLE and amount.per == "month" and amount.value is not None and not amount.up_to:
                subtotal += amount.value
        # one-off: what is due now, plus increases that fall within the year (a birth adds a voucher)
        last_value = 0
        for on, status, amount in segments:
            if on > end:
                break
            if amount.per in ("once", "pregnancy") and status == ELIGIBLE and amount.value is not None:
                if amount.value > last_value:
                    subtotal += amount.value - last_value
                last_value = amount.value
            elif status != ELIGIBLE:
                last_value = 0
        if subtotal:
            by_programme[result.spec.key] = subtotal
            total += subtotal
    return {
        "value": total,
        "unit": "KRW",
        "from": as_of.isoformat(),
        "to": end.isoformat(),
        "by_programme": by_programme,
    }


def _in_force(segments: list[tuple[date, Status, Amount]], on: date) -> tuple[Status, Amount]:
    status, amount = segments[0][1], segments[0][2]
    for start, s, a in segments:
        if start <= on:
            status, amount = s, a
        else:
            break
    return status, amount
