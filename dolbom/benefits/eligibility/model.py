"""Plain data in and out of the rules engine. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Status = Literal["eligible", "ineligible", "unknown"]
ELIGIBLE: Status = "eligible"
INELIGIBLE: Status = "ineligible"
UNKNOWN: Status = "unknown"

#: 수도권 시도 codes (서울, 인천, 경기); everything else is 비수도권 for the 2026 아동수당 top-up.
CAPITAL_AREA_SIDO = frozenset({"11", "28", "41"})


@dataclass(frozen=True)
class Child:
    birth_date: date
    birth_order: int | None = None
    attends_daycare: bool | None = None
    disability: bool | None = None
    #: True for a child the engine imagines born on the due date when it looks past the due date.
    expected: bool = False


@dataclass(frozen=True)
class Pregnancy:
    due_date: date
    fetuses: int = 1


@dataclass(frozen=True)
class Parent:
    birth_date: date | None = None
    employed: bool | None = None


@dataclass(frozen=True)
class Household:
    """The household profile of the benefit check. `None` means "not told", which is never read as "no".

    `children=None` and `pregnancy=None` together mean nothing was said about children; once either is given,
    the other is read as "none" and the reasons say so.
    """

    as_of: date
    region_codes: frozenset[str] = frozenset()
    sido_code: str = ""
    residence_months: int | None = None
    income_pct_of_median: float | None = None
    household_size: int | None = None
    single_parent: bool | None = None
    multicultural: bool | None = None
    disability_in_household: bool | None = None
    low_income_status: str | None = None
    parents: tuple[Parent, ...] | None = None
    pregnancy: Pregnancy | None = None
    children: tuple[Child, ...] | None = None

    @property
    def children_told(self) -> bool:
        return self.children is not None or self.pregnancy is not None

    def born_children(self) -> tuple[Child, ...]:
        return self.children or ()

    def at(self, on: date) -> Household:
        """The same household on a later date: a pregnancy past its due date has become its children.

        Built by copying the instance dictionary: `dataclasses.replace` costs several times more, and the
        engine asks for the household on a dozen later dates per check.
        """
        new = object.__new__(Household)
        fields = new.__dict__
        fields.update(self.__dict__)
        fields["as_of"] = on
        if self.pregnancy is not None and on >= self.pregnancy.due_date:
            global _last_birth
            last = _last_birth  # the children after the birth are the same on every later date: made once
            if last[0] is not self:
                born = self.born_children()
                order = _next_birth_order(list(born))
                twins = tuple(
                    Child(birth_date=self.pregnancy.due_date, birth_order=order + i, expected=True)
                    for i in range(self.pregnancy.fetuses)
                )
                last = _last_birth = (self, born + twins)
            fields["pregnancy"] = None
            fields["children"] = last[1]
        return new


#: the household whose pregnancy `Household.at` last turned into children, and those children (one entry, replaced
#: as a whole so that readers in other threads see a consistent pair)
_last_birth: tuple[Household | None, tuple[Child, ...]] = (None, ())


def _next_birth_order(children: list[Child]) -> int:
    known = [c.birth_order for c in children if c.birth_order]
    return max([*known, len(children)]) + 1


def birth_orders(children: tuple[Child, ...]) -> list[tuple[int, bool]]:
    """Each child's birth order and whether it was told (True) or inferred from birth dates (False)."""
    ranked = sorted(range(len(children)), key=lambda i: (children[i].birth_date, i))
    inferred = {idx: rank + 1 for rank, idx in enumerate(ranked)}
    return [(c.birth_order, True) if c.birth_order else (inferred[i], False) for i, c in enumerate(children)]


@dataclass(frozen=True, slots=True)
class Amount:
    value: int | None
    unit: str = "KRW"
    per: str | None = None  # "month" | "once" | "hour" | "pregnancy" | None
    up_to: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "per": self.per, "up_to": self.up_to}


NO_AMOUNT = Amount(value=None, unit="KRW", per=None)


@dataclass(slots=True)
class ChildResult:
    index: int
    birth_date: date
    status: Status
    amount: Amount
    raw_reasons: list[str]
    label: str
    missing: list[str]
    expected: bool = False

    @property
    def reasons(self) -> list[str]:
        return [f"{self.label}: {r}" for r in self.raw_reasons]

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "birth_date": self.birth_date.isoformat(),
            "expected": self.expected,
            "status": self.status,
            "amount": self.amount.as_dict(),
            "reasons": self.reasons,
            "missing": self.missing,
        }


@dataclass(frozen=True, slots=True)
class Change:
    on: date
    description: str
    status: Status
    amount: Amount
    child_index: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.on.isoformat(),
            "description": self.description,
            "status": self.status,
            "amount": self.amount.as_dict(),
            "child_index": self.child_index,
        }


@dataclass(slots=True)
class Answer:
    key: str
    status: Status
    amount: Amount
    reasons: list[str]
    missing: list[str] = field(default_factory=list)
    verified: bool = True
    per_child: list[ChildResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)

    def signature(self) -> tuple[Any, ...]:
        return (self.status, self.amount.value, self.amount.per)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "amount": self.amount.as_dict(),
            "reasons": self.reasons,
            "missing": self.missing,
            "verified": self.verified,
            "per_child": [c.as_dict() for c in self.per_child],
            "changes": [c.as_dict() for c in self.changes],
        }


# -------------------------------------------------------------------------------------------------------------
# Building and checking a household from plain input (the API's and the page's shape)

MAX_CHILDREN = 12
MAX_PARENTS = 4
MAX_FETUSES = 5
MAX_HOUSEHOLD_SIZE = 20
MAX_INCOME_PCT = 1000
MAX_CHILD_AGE_MONTHS = 19 * 12
MAX_PREGNANCY_DAYS = 300


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def household_from_input(
    data: dict[str, Any], *, as_of: date, region_codes: frozenset[str] = frozenset(), sido_code: str = ""
) -> Household:
    """Build the engine's household from the check input (`region_code` already resolved by the caller)."""
    pregnancy = data.get("pregnancy")
    children = data.get("children")
    parents = data.get("parents")
    return Household(
        as_of=as_of,
        region_codes=region_codes,
        sido_code=sido_code,
        residence_months=data.get("residence_months"),
        income_pct_of_median=data.get("income_pct_of_median"),
        household_size=data.get("household_size"),
        single_parent=data.get("single_parent"),
        multicultural=data.get("multicultural"),
        disability_in_household=data.get("disability_in_household"),
        low_income_status=data.get("low_income_status"),
        parents=None
        if parents is None
        else tuple(Parent(birth_date=_as_date(p.get("birth_date")), employed=p.get("employed")) for p in parents),
        pregnancy=None
        if pregnancy is None
        else Pregnancy(due_date=_as_date(pregnancy["due_date"]), fetuses=int(pregnancy.get("fetuses") or 1)),  # type: ignore[arg-type]
        children=None
        if children is None
        else tuple(
            Child(
                birth_date=_as_date(c["birth_date"]),  # type: ignore[arg-type]
                birth_order=c.get("birth_order"),
                attends_daycare=c.get("attends_daycare"),
                disability=c.get("disability"),
            )
            for c in children
        ),
    )


def household_errors(hh: Household) -> dict[str, str]:
    """Impossible or out-of-range input, by field name (Korean messages). Empty when the household is sound."""
    errors: dict[str, str] = {}
    if hh.income_pct_of_median is not None and not 0 <= hh.income_pct_of_median <= MAX_INCOME_PCT:
        errors["income_pct_of_median"] = f"0~{MAX_INCOME_PCT} 사이의 값이어야 합니다"
    if hh.household_size is not None and not 1 <= hh.household_size <= MAX_HOUSEHOLD_SIZE:
        errors["household_size"] = f"1~{MAX_HOUSEHOLD_SIZE}명이어야 합니다"
    if hh.residence_months is not None and not 0 <= hh.residence_months <= 1200:
        errors["residence_months"] = "0~1200개월이어야 합니다"
    if hh.parents is not None:
        if len(hh.parents) > MAX_PARENTS:
            errors["parents"] = f"보호자는 {MAX_PARENTS}명까지 입력할 수 있습니다"
        for i, p in enumerate(hh.parents):
            if p.birth_date is not None and p.birth_date > hh.as_of:
                errors[f"parents[{i}].birth_date"] = "기준일 이후일 수 없습니다"
    if hh.pregnancy is not None:
        if hh.pregnancy.due_date < hh.as_of:
            errors["pregnancy.due_date"] = (
                "출산 예정일이 기준일보다 앞설 수 없습니다. 출생 후에는 생년월일로 입력하세요"
            )
        elif (hh.pregnancy.due_date - hh.as_of).days > MAX_PREGNANCY_DAYS:
            errors["pregnancy.due_date"] = f"기준일부터 {MAX_PREGNANCY_DAYS}일 안의 날짜여야 합니다"
        if not 1 <= hh.pregnancy.fetuses <= MAX_FETUSES:
            errors["pregnancy.fetuses"] = f"태아 수는 1~{MAX_FETUSES}명이어야 합니다"
    if hh.children is not None:
        if len(hh.children) > MAX_CHILDREN:
            errors["children"] = f"자녀는 {MAX_CHILDREN}명까지 입력할 수 있습니다"
        for i, c in enumerate(hh.children[: MAX_CHILDREN + 1]):
            if c.birth_date > hh.as_of:
                errors[f"children[{i}].birth_date"] = "생년월일이 기준일 이후일 수 없습니다"
            elif (hh.as_of.year - c.birth_date.year) * 12 + hh.as_of.month - c.birth_date.month > MAX_CHILD_AGE_MONTHS:
                errors[f"children[{i}].birth_date"] = "만 18세 이하 자녀만 입력할 수 있습니다"
            if c.birth_order is not None and not 1 <= c.birth_order <= 20:
                errors[f"children[{i}].birth_order"] = "1~20 사이여야 합니다"
    return errors
