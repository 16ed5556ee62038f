"""Case-history lines recorded as a message and its parts, so that each reader sees them in their own language.

A line keeps a Korean msgid (marked with gettext_noop, so the catalogues carry it), the parts shown as written
(a name, the family's own words), choice codes shown as their label, and moments shown as dates. The Korean text
is also stored in `CaseEvent.summary` (what staff search, and the fallback for lines recorded before this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext


def _choices() -> dict[str, Any]:
    from dolbom.booking.models import Booking
    from dolbom.matching.models import VisitRequest

    from .models import CallLog, Referral, Topic

    return {
        "topic": Topic,
        "outcome": CallLog.Outcome,
        "referral_status": Referral.Status,
        "booking_status": Booking.Status,
        "visit_service": VisitRequest.Service,
    }


@dataclass(frozen=True)
class Line:
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (choices, code)
    times: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (ISO moment, date format msgid)
    parts: dict[str, Line] = field(default_factory=dict)  # key → a message of its own ("" when it renders empty)

    @staticmethod
    def moment(at: datetime, fmt: str) -> tuple[str, str]:
        return (at.isoformat(), fmt)

    def as_data(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "params": self.params,
            "labels": {k: list(v) for k, v in self.labels.items()},
            "times": {k: list(v) for k, v in self.times.items()},
            "parts": {k: v.as_data() for k, v in self.parts.items()},
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Line:
        return cls(
            text=data["text"],
            params=dict(data.get("params") or {}),
            labels={k: (v[0], v[1]) for k, v in (data.get("labels") or {}).items()},
            times={k: (v[0], v[1]) for k, v in (data.get("times") or {}).items()},
            parts={k: cls.from_data(v) for k, v in (data.get("parts") or {}).items()},
        )

    def render(self) -> str:
        """The line in the active language."""
        values: dict[str, Any] = dict(self.params)
        choices = _choices()
        for key, (kind, code) in self.labels.items():
            values[key] = str(choices[kind](code).label)
        for key, (iso, fmt) in self.times.items():
            at = parse_datetime(iso)
            values[key] = date_format(timezone.localtime(at), gettext(fmt)) if at is not None else iso
        for key, part in self.parts.items():
            values[key] = part.render()
        return gettext(self.text) % values if self.text else ""


def rendered(data: Any, fallback: str) -> str:
    """A stored event's line in the active language; the stored text when it has no line or cannot be read."""
    line = data.get("line") if isinstance(data, dict) else None
    if not isinstance(line, dict):
        return fallback
    try:
        return Line.from_data(line).render()
    except (KeyError, ValueError, TypeError, IndexError):
        return fallback
