"""The rules: one class per programme where the rule is particular, a few table-driven classes where many
programmes share a shape (an age-range service, a per-child cash allowance, a per-pregnancy grant).

Every rule reads its figures through `Ctx.p(name)`, which picks the value in force on the date asked and
remembers whether that value is verified. Every decision appends a Korean sentence to the reasons, so the
reasons are the trace of the conditions checked.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from .dates import add_months, months_between
from .idolbom import TIER_SHARE_PARAMS, hour_and_year_shares, tier_for_income
from .model import (
    CAPITAL_AREA_SIDO,
    ELIGIBLE,
    INELIGIBLE,
    NO_AMOUNT,
    UNKNOWN,
    Amount,
    Answer,
    Child,
    ChildResult,
    Household,
    Status,
    birth_orders,
)
from .parameters import NotInForce, Parameter

#: a date the answer may change on, a label ("" for a child's age mark, labelled only if something changes),
#: the child it concerns and, for an age mark, the age in months
Mark = tuple[date, str, int | None, int | None]


def won(value: int | float | None) -> str:
    return "금액 미정" if value is None else f"{int(value):,}원"


def amount_text(amount: Amount) -> str:
    if amount.value is None:
        return "금액 없음"
    per = {"month": "월 ", "hour": "시간당 ", "pregnancy": "임신 1회당 ", "once": "1회 "}.get(amount.per or "", "")
    return f"{per}{won(amount.value)}{' 까지' if amount.up_to else ''}"


_ORDINALS = ["첫째", "둘째", "셋째", "넷째", "다섯째", "여섯째", "일곱째", "여덟째", "아홉째", "열째"]


def ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"{n}번째"


_LABELS: dict[tuple[int, date, bool, int | None], str] = {}


def child_label(index: int, child: Child) -> str:
    key = (index, child.birth_date, child.expected, child.birth_order)
    label = _LABELS.get(key)
    if label is None:
        if len(_LABELS) > 50_000:
            _LABELS.clear()
        label = _LABELS[key] = _child_label(index, child)
    return label


def _child_label(index: int, child: Child) -> str:
    if child.expected:
        return f"출산 예정 아이({ordinal(child.birth_order)})" if child.birth_order else "출산 예정 아이"
    return f"자녀 {index + 1}({child.birth_date.isoformat()}생)"


class Ctx:
    """The parameters of one programme as of one date, and whether every figure used is verified."""

    __slots__ = ("explain", "on", "params", "verified")

    def __init__(self, params: dict[str, Parameter], on: date, explain: bool = True):
        self.params = params
        self.on = on
        self.verified = True
        #: False when only the outcome matters (looking ahead for changes): reasons may be left out
        self.explain = explain

    def peek(self, name: str) -> Any:
        """The value in force, without counting it as used (for a figure that may not apply)."""
        return self.params[name].at(self.on)

    def p(self, name: str) -> Any:
        param = self.params[name]
        i = param._index(self.on)
        if not param.value_verified[i]:
            self.verified = False
        return param.values[i]


class Rule:
    """A programme's rule. Subclasses implement `decide` and, where ages matter, `marks`."""

    kind = "rule"

    def __init__(self, key: str, params: dict[str, Parameter], config: dict[str, Any] | None = None):
        self.key = key
        self.params = params
        self.config = config or {}
        self._parameter_dates = frozenset(d for p in params.values() for d in p.dates)
        self._sorted_parameter_dates = tuple(sorted(self._parameter_dates))

    def evaluate(self, hh: Household, *, explain: bool = True) -> Answer:
        ctx = Ctx(self.params, hh.as_of, explain)
        try:
            answer = self.decide(hh, ctx)
        except NotInForce as exc:
            return Answer(
                key=self.key,
                status=UNKNOWN,
                amount=NO_AMOUNT,
                reasons=[
                    f"{hh.as_of.isoformat()} 기준의 규정이 등록되어 있지 않습니다 "
                    f"({exc.parameter.description}: {exc.parameter.dates[0].isoformat()}부터 등록)."
                ],
                verified=False,
            )
        answer.verified = answer.verified and ctx.verified
        return answer

    def decide(self, hh: Household, ctx: Ctx) -> Answer:
        raise NotImplementedError

    def marks(self, hh: Household) -> list[Mark]:
        """Dates after `hh.as_of` on which the answer may change (besides parameter changes)."""
        return []

    def parameter_dates(self) -> frozenset[date]:
        return self._parameter_dates

    def sorted_parameter_dates(self) -> tuple[date, ...]:
        return self._sorted_parameter_dates

    # helpers
    def answer(self, status: Status, amount: Amount, reasons: list[str], **kw: Any) -> Answer:
        return Answer(key=self.key, status=status, amount=amount, reasons=reasons, **kw)

    def no_children_told(self) -> Answer:
        return self.answer(
            UNKNOWN,
            NO_AMOUNT,
            ["자녀(생년월일) 또는 임신(출산 예정일) 정보가 없어 판단할 수 없습니다."],
            missing=["children"],
        )


def _all_values(param: Parameter, since: date | None = None) -> list[Any]:
    """The values in force from `since` on (all values when `since` is None), without gaps (None)."""
    start = 0
    if since is not None:
        try:
            start = param._index(since)
        except NotInForce:
            start = 0
    return [v for v in param.values[start:] if v is not None]


#: the household `_child_marks` last looked ahead for and its children after the due date (replaced as a pair)
_last_future: tuple[Household | None, tuple[Child, ...]] = (None, ())


def _child_marks(hh: Household, months: Iterable[int]) -> list[Mark]:
    """Age marks for every child, born or expected (an expected child is born on the due date)."""
    marks: list[Mark] = []
    children = list(hh.born_children())
    if hh.pregnancy is not None:
        global _last_future
        last = _last_future  # every rule asks for the same household's future: made once per household
        if last[0] is not hh:
            last = _last_future = (hh, hh.at(hh.pregnancy.due_date).born_children())
        children = list(last[1])
        marks.append((hh.pregnancy.due_date, "출산 예정일", len(hh.born_children()), None))
    month_list = set(months)
    as_of = hh.as_of
    for index, child in enumerate(children):
        for m in month_list:
            on = add_months(child.birth_date, m)
            if on > as_of:
                marks.append((on, "", index, m))
    return marks


class Ahead:
    """A per-child programme's answer on a later date when only the outcome matters: status, amount and the
    per-child results (what the engine compares and describes when it lists the changes ahead)."""

    __slots__ = ("amount", "per_child", "status")

    def __init__(self, status: Status, amount: Amount, per_child: list[ChildResult]):
        self.status = status
        self.amount = amount
        self.per_child = per_child

    def signature(self) -> tuple[Any, ...]:
        return (self.status, self.amount.value, self.amount.per)


class PerChildRule(Rule):
    """A programme paid per child: one result per child, the programme's amount is their sum."""

    #: what to say when no child is born yet but one is expected
    expecting_note = "출산 후 받을 수 있습니다."
    #: whether `decide_child` reads the birth order (sorting children costs time on every evaluation)
    needs_birth_order = False

    def __init__(self, key: str, params: dict[str, Parameter], config: dict[str, Any] | None = None):
        super().__init__(key, params, config)
        #: per-child results while the engine looks ahead for one household (`look_ahead`), per thread
        self._local = threading.local()
        #: the sorted age marks in months (`child_months`) by the date asked
        self._bands: dict[date, list[int]] = {}

    @contextmanager
    def look_ahead(self, hh: Household, answer: Answer | None = None) -> Iterator[None]:
        """Within this block, `ahead` (the engine looking ahead for `hh` on later dates) reuses per-child results:
        between two of the age marks of `child_months` and within one period of the figures, a child's status and
        amount cannot change (that is what the marks promise). `answer`, the answer for `hh` itself, seeds them."""
        memo: dict[tuple[int, int, int, bool, int], ChildResult] = {}
        bands = self._bands.get(hh.as_of)
        if bands is None:
            if len(self._bands) > 4096:
                self._bands.clear()
            bands = self._bands[hh.as_of] = sorted(set(self.child_months(hh.as_of)))
        if answer is not None and answer.per_child:
            children = hh.born_children()
            orders = birth_orders(children) if self.needs_birth_order else None
            period = bisect_right(self._sorted_parameter_dates, hh.as_of)
            for r in answer.per_child:
                order, told = orders[r.index] if orders is not None else (0, False)
                months = months_between(children[r.index].birth_date, hh.as_of)
                memo[(r.index, bisect_right(bands, months), order, told, period)] = r
        self._local.memo = memo
        self._local.bands = bands
        try:
            yield
        finally:
            self._local.memo = None

    def ahead(self, hh: Household, ctx: Ctx) -> Ahead:
        """Inside `look_ahead`: the status, amount and per-child results on a later date, as `evaluate(hh,
        explain=False)` decides them, without the reasons and missing inputs nobody reads when looking ahead.
        `ctx` is one context reused for every date (explain=False)."""
        if not hh.children_told:
            return Ahead(UNKNOWN, NO_AMOUNT, [])
        children = hh.born_children()
        if not children:
            return Ahead(INELIGIBLE, NO_AMOUNT, [])
        on = ctx.on = hh.as_of
        orders = birth_orders(children) if self.needs_birth_order else None
        memo = self._local.memo
        bands = self._local.bands
        period = bisect_right(self._sorted_parameter_dates, on)
        results = []
        try:
            for i, c in enumerate(children):
                order, told = orders[i] if orders is not None else (0, False)
                key = (i, bisect_right(bands, months_between(c.birth_date, on)), order, told, period)
                # a child's status and amount depend only on its age band (between two age marks), its birth
                # order and the figures in force: decided once per (child, band, order, period)
                hit = memo.get(key)
                if hit is None:
                    hit = memo[key] = self.decide_child(i, c, order, told, hh, ctx)
                results.append(hit)
        except NotInForce:
            return Ahead(UNKNOWN, NO_AMOUNT, [])
        # the status and amount exactly as `_aggregate` sums them
        eligible = [r for r in results if r.status == ELIGIBLE]
        if eligible:
            per = eligible[0].amount.per
            total: int | None = 0
            up_to = False
            for r in eligible:
                a = r.amount
                if a.per != per or a.value is None or total is None:
                    total = None
                else:
                    total += a.value
                up_to = up_to or a.up_to
            if total is None:
                return Ahead(ELIGIBLE, Amount(value=None, per=None), results)
            return Ahead(ELIGIBLE, Amount(value=total, per=per, up_to=up_to), results)
        if any(r.status == UNKNOWN for r in results):
            return Ahead(UNKNOWN, NO_AMOUNT, results)
        return Ahead(INELIGIBLE, NO_AMOUNT, results)

    def decide(self, hh: Household, ctx: Ctx) -> Answer:
        if not hh.children_told:
            return self.no_children_told()
        children = hh.born_children()
        if not children:
            reasons = ["출생한 자녀가 없습니다."]
            if hh.pregnancy is not None:
                reasons.append(f"출산 예정일({hh.pregnancy.due_date.isoformat()}) 이후 {self.expecting_note}")
            return self.answer(INELIGIBLE, NO_AMOUNT, reasons)
        if self.needs_birth_order:
            orders = birth_orders(children)
            results = [self.decide_child(i, c, *orders[i], hh, ctx) for i, c in enumerate(children)]
        else:
            results = [self.decide_child(i, c, 0, False, hh, ctx) for i, c in enumerate(children)]
        return self._aggregate(results, ctx)

    def decide_child(
        self, index: int, child: Child, order: int, order_told: bool, hh: Household, ctx: Ctx
    ) -> ChildResult:
        """One child's result. It must depend on the date only through the child's age in completed months and
        the figures in force (the look-ahead reuses it for another date with the same age and figures), and on
        the household only through what does not change with the date (e.g. its region)."""
        raise NotImplementedError

    def child_months(self, since: date | None = None) -> list[int]:
        return []

    def marks(self, hh: Household) -> list[Mark]:
        return _child_marks(hh, self.child_months(hh.as_of))

    def child(
        self,
        index: int,
        child: Child,
        status: Status,
        amount: Amount,
        reasons: list[str],
        missing: list[str] = (),  # type: ignore[assignment]
    ) -> ChildResult:
        return ChildResult(
            index=index,
            birth_date=child.birth_date,
            status=status,
            amount=amount,
            raw_reasons=reasons,
            label=child_label(index, child),
            missing=list(missing),
            expected=child.expected,
        )

    def _aggregate(self, results: list[ChildResult], ctx: Ctx) -> Answer:
        eligible = [r for r in results if r.status == ELIGIBLE]
        unknown = [r for r in results if r.status == UNKNOWN]
        reasons = [reason for r in results for reason in r.reasons] if ctx.explain else []
        missing = [m for r in results for m in r.missing]
        if eligible:
            status: Status = ELIGIBLE
            pers = {r.amount.per for r in eligible}
            values = [r.amount.value for r in eligible]
            if len(pers) == 1 and all(v is not None for v in values):
                amount = Amount(
                    value=sum(v for v in values if v is not None),
                    per=pers.pop(),
                    up_to=any(r.amount.up_to for r in eligible),
                )
            else:
                amount = Amount(value=None, per=None)
            if len(eligible) > 1 and amount.value is not None:
                reasons.append(f"자녀 {len(eligible)}명 합계 {amount_text(amount)}.")
        elif unknown:
            status, amount = UNKNOWN, NO_AMOUNT
        else:
            status, amount = INELIGIBLE, NO_AMOUNT
        return self.answer(
            status, amount, reasons, missing=missing if status != ELIGIBLE or unknown else [], per_child=results
        )


# ---------------------------------------------------------------------------------------------------------------
# National programmes
# ---------------------------------------------------------------------------------------------------------------


class ParentBenefit(PerChildRule):
    """부모급여: 0–11 months and 12–23 months, a monthly amount by age band."""

    def child_months(self, since: date | None = None) -> list[int]:
        return [12, 24]

    def decide_child(self, index, child, order, order_told, hh, ctx):
        m = months_between(child.birth_date, hh.as_of)
        if m < 12:
            value = ctx.p("amount_under_12m")
            reasons = [f"생후 {m}개월로 0~11개월 구간입니다: 월 {won(value)}."]
        elif m < 24:
            value = ctx.p("amount_12_to_23m")
            reasons = [f"생후 {m}개월로 12~23개월 구간입니다: 월 {won(value)}."]
        else:
            return self.child(index, child, INELIGIBLE, NO_AMOUNT, [f"생후 {m}개월로 24개월 이상이라 대상이 아닙니다."])
        if value is None:
            return self.child(index, child, INELIGIBLE, NO_AMOUNT, ["이 날짜에는 시행되지 않습니다."])
        if child.attends_daycare:
            ctx.verified = False
            reasons.append("어린이집을 이용하면 보육료 바우처로 받고 차액을 현금으로 받습니다(차감액은 확인 필요).")
        return self.child(index, child, ELIGIBLE, Amount(value=value, per="month"), reasons)


class ChildAllowance(PerChildRule):
    """아동수당: every child under the age limit in force, no income test; 2026 top-up outside the capital area."""

    def child_months(self, since: date | None = None) -> list[int]:
        return _all_values(self.params["age_limit_months"], since)

    def decide_child(self, index, child, order, order_told, hh, ctx):
        m = months_between(child.birth_date, hh.as_of)
        limit = ctx.p("age_limit_months")
        if m >= limit:
            return self.child(
                index,
                child,
                INELIGIBLE,
                NO_AMOUNT,
                [f"생후 {m}개월로 지급 연령(만 {limit // 12}세 미만, {limit}개월 미만)을 넘었습니다."],
            )
        value = ctx.p("amount")
        reasons = [f"생후 {m}개월로 만 {limit // 12}세 미만(소득 기준 없음): 월 {won(value)}."]
        top_up = ctx.peek("non_capital_top_up")
        if top_up:
            if not hh.sido_code:
                reasons.append("거주 지역을 몰라 비수도권 추가 지원은 계산하지 않았습니다.")
            elif hh.sido_code not in CAPITAL_AREA_SIDO:
                value += ctx.p("non_capital_top_up")
                up_to = ctx.peek("depopulation_area_total_up_to")
                more = f"(합계 월 최대 {won(up_to)}까지, 지역별 금액 확인 필요)" if up_to else "(확인 필요)"
                reasons.append(
                    f"비수도권 거주로 월 {won(top_up)} 추가(금액 확인 필요). 인구감소지역은 더 많을 수 있습니다{more}."
                )
            else:
                reasons.append("수도권(서울·인천·경기) 거주로 지역 추가 지원은 없습니다.")
        return self.child(index, child, ELIGIBLE, Amount(value=value, per="month"), reasons)


class FirstMeetingVoucher(PerChildRule):
    """첫만남이용권: a one-off voucher per newborn, larger from the second child; apply within a year of birth."""

    expecting_note = "출생 후 1년 안에 신청할 수 있습니다."
    needs_birth_order = True

    def child_months(self, since: date | None = None) -> list[int]:
        return _all_values(self.params["apply_within_months"], since)

    def decide_child(self, index, child, order, order_told, hh, ctx):
        m = months_between(child.birth_date, hh.as_of)
        window = ctx.p("apply_within_months")
        if m >= window:
            return self.child(
                index, child, INELIGIBLE, NO_AMOUNT, [f"출생 후 {window}개월 안에 신청하는 지원으로 기간이 지났습니다."]
            )
        value = ctx.p("amount_first") if order == 1 else ctx.p("amount_second_or_later")
        told = "" if order_told else " (출생순위를 입력하지 않아 입력한 자녀의 생년월일 순서로 보았습니다)"
        reasons = [
            f"{ordinal(order)} 아이{told}: {won(value)} (국민행복카드 포인트). 출생 후 {window}개월 안에 신청하세요."
        ]
        return self.child(index, child, ELIGIBLE, Amount(value=value, per="once"), reasons)


class PregnancyMedical(Rule):
    """임신·출산 진료비 지원 (국민행복카드): per pregnancy, per fetus for a multiple pregnancy."""

    def marks(self, hh):
        return [(hh.pregnancy.due_date, "출산 예정일", None, None)] if hh.pregnancy else []

    def decide(self, hh, ctx):
        if hh.pregnancy is None:
            if not hh.children_told:
                return self.answer(
                    UNKNOWN, NO_AMOUNT, ["임신 여부(출산 예정일)를 입력하면 판단할 수 있습니다."], missing=["pregnancy"]
                )
            reasons = ["임신 중일 때 신청하는 지원입니다(임신 정보 없음)."]
            young = [c for c in hh.born_children() if months_between(c.birth_date, hh.as_of) < 24]
            if young:
                reasons.append("이미 받은 바우처는 출산 후 2년까지 쓸 수 있습니다.")
            return self.answer(INELIGIBLE, NO_AMOUNT, reasons)
        fetuses = hh.pregnancy.fetuses
        if fetuses > 1:
            per_fetus = ctx.p("amount_per_fetus_multiple")
            value = per_fetus * fetuses
            reasons = [f"다태아 임신(태아 {fetuses}명): 태아 1명당 {won(per_fetus)}, 합계 {won(value)}."]
        else:
            value = ctx.p("amount_single")
            reasons = [f"임신 1회당 {won(value)}."]
        reasons.append(
            "건강보험 가입자(피부양자 포함)가 대상이며, 분만취약지 거주 시 "
            f"{won(ctx.p('remote_area_extra'))}이 추가됩니다. 출산 후 2년까지 사용할 수 있습니다."
        )
        return self.answer(ELIGIBLE, Amount(value=value, per="pregnancy"), reasons)


def _income_missing(rule: Rule, what: str) -> Answer:
    return rule.answer(
        UNKNOWN,
        NO_AMOUNT,
        [f"{what} 소득 기준(기준중위소득 대비 %)이 있어 소득 구간을 입력해야 판단할 수 있습니다."],
        missing=["income_pct_of_median"],
    )


class PostnatalCare(Rule):
    """산모·신생아 건강관리 지원: a subsidised postnatal helper for households at or under an income limit."""

    def marks(self, hh):
        marks: list[Mark] = []
        if hh.pregnancy:
            marks.append((hh.pregnancy.due_date, "출산 예정일", None, None))
            marks.append(
                (
                    add_months(hh.pregnancy.due_date, self.params["newborn_within_months"].values[-1]),
                    "출산 후 신청 기간 종료",
                    None,
                    None,
                )
            )
        for i, c in enumerate(hh.born_children()):
            on = add_months(c.birth_date, self.params["newborn_within_months"].values[-1])
            if on > hh.as_of:
                marks.append((on, f"{child_label(i, c)} 신청 기간 종료", i, None))
        return marks

    def decide(self, hh, ctx):
        if not hh.children_told:
            return self.no_children_told()
        window = ctx.p("newborn_within_months")
        newborn = [c for c in hh.born_children() if months_between(c.birth_date, hh.as_of) < window]
        if hh.pregnancy is None and not newborn:
            return self.answer(
                INELIGIBLE, NO_AMOUNT, [f"임신 중이거나 갓 출산한(생후 {window}개월 미만) 가구가 대상입니다."]
            )
        limit = ctx.p("income_limit_pct")
        if hh.income_pct_of_median is None:
            return _income_missing(self, f"기준중위소득 {limit}% 이하라는")
        if hh.income_pct_of_median > limit:
            return self.answer(
                INELIGIBLE,
                NO_AMOUNT,
                [
                    f"소득이 기준중위소득 {hh.income_pct_of_median:g}%로 기준({limit}% 이하)을 넘습니다.",
                    "시·군·구가 기준을 넓힌 경우가 있으니 보건소에 확인하세요.",
                ],
            )
        days = ctx.p("service_days")
        reasons = [
            f"소득이 기준중위소득 {hh.income_pct_of_median:g}%로 기준({limit}% 이하) 안입니다.",
            f"건강관리사 방문 서비스 {days} (출생순위·태아 수·소득 구간에 따라 다름).",
        ]
        if hh.pregnancy:
            reasons.append("출산 예정일 40일 전부터 신청할 수 있습니다.")
        return self.answer(ELIGIBLE, NO_AMOUNT, reasons)


class ChildCareService(Rule):
    """아이돌봄서비스 정부지원: children 3 months to 12 years, income at or under the limit of the year."""

    def marks(self, hh):
        p = self.params
        return _child_marks(
            hh, [*_all_values(p["min_age_months"], hh.as_of), *_all_values(p["max_age_months"], hh.as_of)]
        )

    def decide(self, hh, ctx):
        if not hh.children_told:
            return self.no_children_told()
        lo, hi = ctx.p("min_age_months"), ctx.p("max_age_months")
        ages = [months_between(c.birth_date, hh.as_of) for c in hh.born_children()]
        in_range = [m for m in ages if lo <= m < hi]
        if not in_range:
            reasons = [f"생후 {lo}개월 이상 만 12세 이하 아동이 있는 가구가 대상인데 해당 자녀가 없습니다."]
            return self.answer(INELIGIBLE, NO_AMOUNT, reasons)
        rate, cap = ctx.p("hourly_rate"), ctx.p("yearly_hours_cap")
        limit = ctx.p("income_limit_pct")
        if hh.income_pct_of_median is None:
            answer = _income_missing(self, f"정부지원은 기준중위소득 {limit}% 이하라는")
            answer.reasons.append(f"소득과 관계없이 전액 본인부담(시간당 {won(rate)})으로는 이용할 수 있습니다.")
            return answer
        if hh.income_pct_of_median > limit:
            return self.answer(
                INELIGIBLE,
                NO_AMOUNT,
                [
                    f"소득이 기준중위소득 {hh.income_pct_of_median:g}%로 정부지원 기준({limit}% 이하)을 넘습니다.",
                    f"전액 본인부담(마형, 시간당 {won(rate)})으로는 이용할 수 있습니다.",
                ],
            )
        bounds = (ctx.p("tier_ga_max_pct"), ctx.p("tier_na_max_pct"), ctx.p("tier_da_max_pct"), limit)
        tier = tier_for_income(hh.income_pct_of_median, bounds)
        share_pct = ctx.p(TIER_SHARE_PARAMS[tier])
        hour, family, year = hour_and_year_shares(rate, share_pct, cap)
        reasons = [
            f"대상 연령 자녀가 있고 소득이 기준중위소득 {hh.income_pct_of_median:g}%로 기준({limit}% 이하) 안입니다."
        ]
        if ctx.explain:
            reasons += [
                f"소득유형 {tier}(추정): 시간당 이용요금 {won(rate)} 중 "
                f"정부지원 {share_pct:g}% {won(hour)}, 본인부담 {won(family)}"
                "(유형·비율은 소득 판정 후 확정, 확인 필요).",
                f"정부지원은 연간 {cap:,}시간까지로 한 해 최대 {won(year)}입니다. "
                f"야간(22~06시)·휴일은 {ctx.peek('night_holiday_surcharge_pct')}% 할증되며 지원 비율은 같습니다.",
            ]
        return self.answer(ELIGIBLE, Amount(value=hour, per="hour"), reasons)


class HomeCareAllowance(PerChildRule):
    """가정양육수당: children 24–86 months cared for at home (not at 어린이집 or 유치원)."""

    def child_months(self, since: date | None = None) -> list[int]:
        return [*_all_values(self.params["min_age_months"], since), *_all_values(self.params["max_age_months"], since)]

    def decide_child(self, index, child, order, order_told, hh, ctx):
        m = months_between(child.birth_date, hh.as_of)
        lo, hi = ctx.p("min_age_months"), ctx.p("max_age_months")
        if m < lo:
            return self.child(
                index,
                child,
                INELIGIBLE,
                NO_AMOUNT,
                [f"생후 {m}개월로 {lo}개월 미만입니다(이 나이에는 부모급여를 받습니다)."],
            )
        if m >= hi:
            return self.child(index, child, INELIGIBLE, NO_AMOUNT, [f"생후 {m}개월로 {hi - 1}개월을 넘었습니다."])
        if child.attends_daycare is None:
            return self.child(
                index,
                child,
                UNKNOWN,
                NO_AMOUNT,
                [f"생후 {m}개월: 어린이집·유치원 이용 여부를 알아야 판단할 수 있습니다."],
                [f"children[{index}].attends_daycare"],
            )
        if child.attends_daycare:
            return self.child(
                index,
                child,
                INELIGIBLE,
                NO_AMOUNT,
                ["어린이집·유치원을 이용하면 보육료·유아학비를 받고 양육수당은 받지 않습니다."],
            )
        value = ctx.p("amount")
        return self.child(
            index, child, ELIGIBLE, Amount(value=value, per="month"), [f"생후 {m}개월, 가정에서 양육: 월 {won(value)}."]
        )


class ChildcareFee(PerChildRule):
    """영유아 보육료: free childcare for children 0–5 at 어린이집, paid to the centre as a voucher."""

    def child_months(self, since: date | None = None) -> list[int]:
        return _all_values(self.params["max_age_months"], since)

    def decide_child(self, index, child, order, order_told, hh, ctx):
        m = months_between(child.birth_date, hh.as_of)
        hi = ctx.p("max_age_months")
        if m >= hi:
            return self.child(index, child, INELIGIBLE, NO_AMOUNT, [f"생후 {m}개월로 만 5세를 넘었습니다."])
        if child.attends_daycare is None:
            return self.child(
                index,
                child,
                UNKNOWN,
                NO_AMOUNT,
                ["어린이집 이용 여부를 알아야 판단할 수 있습니다."],
                [f"children[{index}].attends_daycare"],
            )
        if not child.attends_daycare:
            return self.child(
                index,
                child,
                INELIGIBLE,
                NO_AMOUNT,
                ["어린이집을 이용하지 않습니다(가정 양육은 부모급여·가정양육수당 대상)."],
            )
        ctx.verified = False
        return self.child(
            index,
            child,
            ELIGIBLE,
            Amount(value=None, per="month"),
            ["어린이집 이용: 연령반별 보육료를 바우처로 지원합니다(금액은 연령반별로 확인 필요)."],
        )


class ParentalLeaveBenefit(Rule):
    """육아휴직급여: an insured employee on parental leave, capped monthly amounts by leave month."""

    def marks(self, hh):
        return _child_marks(hh, _all_values(self.params["child_max_age_months"], hh.as_of))

    def decide(self, hh, ctx):
        if not hh.parents:
            return self.answer(
                UNKNOWN,
                NO_AMOUNT,
                ["부모의 고용보험 가입(재직) 여부를 알아야 판단할 수 있습니다."],
                missing=["parents"],
            )
        if not hh.children_told:
            return self.no_children_told()
        hi = ctx.p("child_max_age_months")
        young = [c for c in hh.born_children() if months_between(c.birth_date, hh.as_of) < hi]
        if not young and hh.pregnancy is None:
            return self.answer(INELIGIBLE, NO_AMOUNT, [f"만 {hi // 12 - 1}세 이하 자녀가 없습니다."])
        employed = [p.employed for p in hh.parents]
        if not any(employed):
            if any(e is None for e in employed):
                return self.answer(
                    UNKNOWN,
                    NO_AMOUNT,
                    ["부모의 재직(고용보험 가입) 여부를 입력하면 판단할 수 있습니다."],
                    missing=[f"parents[{i}].employed" for i, e in enumerate(employed) if e is None],
                )
            return self.answer(INELIGIBLE, NO_AMOUNT, ["고용보험에 가입한 재직 중인 부모가 없습니다."])
        c1, c2, c3 = ctx.p("cap_months_1_3"), ctx.p("cap_months_4_6"), ctx.p("cap_months_7_on")
        reasons = ["재직 중인 부모가 육아휴직을 하면 받을 수 있습니다(고용보험 180일 이상 가입)."]
        if not young:
            reasons.append("출산 후 육아휴직을 시작할 수 있습니다.")
        reasons.append(
            f"1~3개월 통상임금 100%(월 상한 {won(c1)}), 4~6개월 100%(상한 {won(c2)}), 7개월부터 80%(상한 {won(c3)})."
        )
        return self.answer(ELIGIBLE, Amount(value=c1, per="month", up_to=True), reasons)


class DaycarePriority(Rule):
    """어린이집 입소 우선순위 (information): which 1순위 conditions the household meets."""

    def marks(self, hh):
        return _child_marks(hh, [72, 108])

    def decide(self, hh, ctx):
        if not hh.children_told:
            return self.no_children_told()
        kids = hh.born_children()
        ages = [months_between(c.birth_date, hh.as_of) for c in kids]
        if not any(m < 72 for m in ages) and hh.pregnancy is None:
            return self.answer(INELIGIBLE, NO_AMOUNT, ["어린이집에 다닐 나이(만 5세 이하)의 자녀가 없습니다."])
        met: list[str] = []
        unknown: list[str] = []
        flags: list[tuple[bool | None, str, str]] = [
            (hh.single_parent, "한부모 가구", "single_parent"),
            (hh.multicultural, "다문화 가구", "multicultural"),
            (hh.disability_in_household, "장애가 있는 부모 또는 형제자매", "disability_in_household"),
        ]
        for value, label, name in flags:
            if value:
                met.append(label)
            elif value is None:
                unknown.append(name)
        if hh.low_income_status:
            met.append(f"{hh.low_income_status} 가구")
        if len(kids) >= 3:
            met.append("자녀 3명 이상")
        elif sum(1 for m in ages if m < 108) >= 2:
            met.append("만 8세 이하 자녀 2명 이상")
        if hh.parents:
            employed = [p.employed for p in hh.parents]
            if all(employed) and (len(employed) >= 2 or hh.single_parent):
                met.append("맞벌이(또는 취업한 한부모)")
            elif any(e is None for e in employed):
                unknown.append("parents[].employed")
        else:
            unknown.append("parents")
        if met:
            return self.answer(
                ELIGIBLE,
                NO_AMOUNT,
                [
                    f"입소 1순위 조건에 해당합니다: {', '.join(met)}.",
                    "입소 신청 시 증빙서류를 내야 하며, 같은 순위는 신청일 순입니다.",
                ],
            )
        if unknown:
            return self.answer(
                UNKNOWN, NO_AMOUNT, ["입소 1순위 여부를 판단하려면 가구 상황을 더 입력해야 합니다."], missing=unknown
            )
        return self.answer(INELIGIBLE, NO_AMOUNT, ["입소 1순위 조건에 해당하지 않습니다(2순위·일반 순위로 신청)."])


# ---------------------------------------------------------------------------------------------------------------
# Table-driven shapes shared by several (mostly local) programmes
# ---------------------------------------------------------------------------------------------------------------


class ChildAgeCash(PerChildRule):
    """A cash amount per child inside an age range (광주 육아수당, 광주 출산축하금). Config: per."""

    def child_months(self, since: date | None = None) -> list[int]:
        return [*_all_values(self.params["min_age_months"], since), *_all_values(self.params["max_age_months"], since)]

    def decide_child(self, index, child, order, order_told, hh, ctx):
        m = months_between(child.birth_date, hh.as_of)
        lo, hi = ctx.p("min_age_months"), ctx.p("max_age_months")
        value = ctx.p("amount")
        if value is None:
            return self.child(index, child, INELIGIBLE, NO_AMOUNT, ["이 날짜에는 시행되지 않습니다."])
        if not lo <= m < hi:
            return self.child(
                index, child, INELIGIBLE, NO_AMOUNT, [f"생후 {m}개월로 대상 연령({lo}~{hi - 1}개월)이 아닙니다."]
            )
        per = self.config.get("per", "month")
        amount = Amount(value=value, per=per)
        return self.child(
            index, child, ELIGIBLE, amount, [f"생후 {m}개월, 대상 연령({lo}~{hi - 1}개월): {amount_text(amount)}."]
        )


class PregnancyGrant(Rule):
    """A grant per pregnancy (익산 임신 건강관리비)."""

    def decide(self, hh, ctx):
        value = ctx.p("amount")
        if hh.pregnancy is None:
            if not hh.children_told:
                return self.answer(
                    UNKNOWN, NO_AMOUNT, ["임신 여부(출산 예정일)를 입력하면 판단할 수 있습니다."], missing=["pregnancy"]
                )
            return self.answer(INELIGIBLE, NO_AMOUNT, ["임신 중인 가구가 대상입니다(임신 정보 없음)."])
        return self.answer(ELIGIBLE, Amount(value=value, per="pregnancy"), [f"임신 중: 임신 1회당 {won(value)}."])

    def marks(self, hh):
        return [(hh.pregnancy.due_date, "출산 예정일", None, None)] if hh.pregnancy else []


class AgeRangeService(Rule):
    """A care service open to children of an age range (and, if configured, to pregnant households).

    Config: `pregnancy: true` when a pregnancy qualifies; `fee` text; `note` text. Params: min/max_age_months.
    """

    def marks(self, hh):
        p = self.params
        return _child_marks(
            hh, [*_all_values(p["min_age_months"], hh.as_of), *_all_values(p["max_age_months"], hh.as_of)]
        )

    def decide(self, hh, ctx):
        if not hh.children_told:
            return self.no_children_told()
        lo, hi = ctx.p("min_age_months"), ctx.p("max_age_months")
        if not ctx.explain:  # looking ahead: only the status matters
            if any(lo <= months_between(c.birth_date, hh.as_of) < hi for c in hh.born_children()) or (
                hh.pregnancy is not None and self.config.get("pregnancy")
            ):
                return self.answer(ELIGIBLE, NO_AMOUNT, [])
            return self.answer(INELIGIBLE, NO_AMOUNT, [])
        note = self.config.get("note")
        fits = [
            (i, c, m)
            for i, c in enumerate(hh.born_children())
            if lo <= (m := months_between(c.birth_date, hh.as_of)) < hi
        ]
        span = f"{_age_text(lo)}~{_age_text(hi - 1)}"
        if fits:
            names = ", ".join(f"{child_label(i, c)} 생후 {m}개월" for i, c, m in fits)
            reasons = [f"이용 대상 연령({span})의 자녀가 있습니다: {names}."]
        elif hh.pregnancy is not None and self.config.get("pregnancy"):
            reasons = ["임신 중인 가구도 이용할 수 있습니다."]
        else:
            return self.answer(INELIGIBLE, NO_AMOUNT, [f"이용 대상 연령({span})의 자녀가 없습니다."])
        if note:
            reasons.append(str(note))
        return self.answer(ELIGIBLE, NO_AMOUNT, reasons)


def _age_text(months: int) -> str:
    if months < 24:
        return f"{months}개월"
    return f"만 {months // 12}세"


class Information(Rule):
    """A programme the check cannot decide from the household profile: it says why and how to apply.

    Config: `status` (default unknown; a helpline open to everyone in its region is `eligible`), `reason`.
    """

    kind = "information"

    def decide(self, hh, ctx):
        status = self.config.get("status", UNKNOWN)
        reason = self.config.get("reason") or "이 지원은 가구 정보만으로 판단할 수 없습니다. 신청 방법을 확인하세요."
        return self.answer(status, NO_AMOUNT, [reason], verified=bool(self.config.get("verified", True)))


RULE_CLASSES: dict[str, Callable[..., Rule]] = {
    "parent_benefit": ParentBenefit,
    "child_allowance": ChildAllowance,
    "first_meeting_voucher": FirstMeetingVoucher,
    "pregnancy_medical": PregnancyMedical,
    "postnatal_care": PostnatalCare,
    "child_care_service": ChildCareService,
    "home_care_allowance": HomeCareAllowance,
    "childcare_fee": ChildcareFee,
    "parental_leave_benefit": ParentalLeaveBenefit,
    "daycare_priority": DaycarePriority,
    "child_age_cash": ChildAgeCash,
    "pregnancy_grant": PregnancyGrant,
    "age_range_service": AgeRangeService,
    "information": Information,
}
