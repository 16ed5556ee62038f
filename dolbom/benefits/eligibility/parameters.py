"""Dated parameters, OpenFisca-style: each figure keeps its description, legal reference, unit, source and a
`verified` flag, with its values keyed by the date they take effect.

    amount_under_12m:
      description: 부모급여 월 지급액 (생후 0~11개월)
      reference: 아동수당법 (부모급여)
      unit: KRW/month
      source: 보건복지부 부모급여 안내
      verified: true
      values:
        2023-01-01: 700000
        2024-01-01: 1000000

A value may also be a mapping `{value: ..., verified: false}` when one period is less certain than the rest.
A value of `null` means the rule is not in force from that date.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_DIR = Path(__file__).parent / "parameters"
REQUIRED_KEYS = ("description", "reference", "unit", "source", "verified", "values")


class ParameterError(ValueError):
    pass


class NotInForce(LookupError):
    """Asked for a date before the first value of a parameter: the rule is not known for that date."""

    def __init__(self, parameter: Parameter, on: date):
        self.parameter = parameter
        self.on = on
        super().__init__(f"{parameter.name}: no value before {parameter.dates[0]} (asked {on})")


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    reference: str
    unit: str
    source: str
    verified: bool
    dates: tuple[date, ...]
    values: tuple[Any, ...]
    value_verified: tuple[bool, ...]

    def _index(self, on: date) -> int:
        i = bisect.bisect_right(self.dates, on) - 1
        if i < 0:
            raise NotInForce(self, on)
        return i

    def at(self, on: date) -> Any:
        return self.values[self._index(on)]

    def verified_at(self, on: date) -> bool:
        return self.value_verified[self._index(on)]

    def effective_from(self, on: date) -> date:
        return self.dates[self._index(on)]

    def dates_after(self, on: date) -> list[date]:
        return [d for d in self.dates if d > on]

    def describe(self, on: date) -> dict[str, Any]:
        try:
            value, verified, since = self.at(on), self.verified_at(on), self.effective_from(on)
        except NotInForce:
            value, verified, since = None, self.verified, None
        return {
            "name": self.name,
            "description": self.description,
            "value": value,
            "unit": self.unit,
            "since": since.isoformat() if since else None,
            "reference": self.reference,
            "source": self.source,
            "verified": verified,
        }


def _parse_parameter(name: str, raw: Any, origin: str) -> Parameter:
    if not isinstance(raw, dict):
        raise ParameterError(f"{origin}: {name} must be a mapping")
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise ParameterError(f"{origin}: {name} lacks {', '.join(missing)}")
    values = raw["values"]
    if not isinstance(values, dict) or not values:
        raise ParameterError(f"{origin}: {name}.values must be a non-empty mapping of dates")
    items = []
    for key, value in values.items():
        if not isinstance(key, date):
            raise ParameterError(f"{origin}: {name}.values key {key!r} is not a date (YYYY-MM-DD)")
        verified = bool(raw["verified"])
        if isinstance(value, dict):
            verified = bool(value.get("verified", verified))
            value = value.get("value")
        items.append((key, value, verified))
    items.sort(key=lambda t: t[0])
    return Parameter(
        name=name,
        description=str(raw["description"]),
        reference=str(raw["reference"]),
        unit=str(raw["unit"]),
        source=str(raw["source"]),
        verified=bool(raw["verified"]),
        dates=tuple(t[0] for t in items),
        values=tuple(t[1] for t in items),
        value_verified=tuple(t[2] for t in items),
    )


def load_parameter_file(path: Path) -> dict[str, Parameter]:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ParameterError(f"{path.name}: top level must be a mapping")
    return {name: _parse_parameter(name, body, path.name) for name, body in raw.items()}


def load_parameters(directory: Path = PARAMETERS_DIR) -> dict[str, dict[str, Parameter]]:
    """Every parameter file, keyed by file stem (the programme key), then by parameter name."""
    return {path.stem: load_parameter_file(path) for path in sorted(directory.glob("*.yaml"))}


def with_dated_values(
    parameters: dict[str, dict[str, Parameter]], overlay: dict[str, dict[str, dict[date, Any]]]
) -> dict[str, dict[str, Parameter]]:
    """The parameters with extra dated values laid over them, `{programme: {name: {date: value}}}`.

    An overlay date equal to a file date replaces that value; every earlier date keeps its value. Values added
    this way count as verified (an official recorded them with a reason). Unknown names are ignored.
    """
    if not overlay:
        return parameters
    out = {key: dict(group) for key, group in parameters.items()}
    for key, names in overlay.items():
        group = out.get(key)
        if group is None:
            continue
        for name, extra in names.items():
            p = group.get(name)
            if p is None or not extra:
                continue
            merged = {d: (v, ok) for d, v, ok in zip(p.dates, p.values, p.value_verified, strict=True)}
            merged.update({d: (v, True) for d, v in extra.items()})
            dates = tuple(sorted(merged))
            group[name] = Parameter(
                name=p.name,
                description=p.description,
                reference=p.reference,
                unit=p.unit,
                source=p.source,
                verified=p.verified,
                dates=dates,
                values=tuple(merged[d][0] for d in dates),
                value_verified=tuple(merged[d][1] for d in dates),
            )
    return out
