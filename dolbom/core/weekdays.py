"""Weekday names in the active language, shared by the opening hours and the dashboards."""

from django.utils.translation import pgettext


def weekday_short(isoweekday: int) -> str:
    """1 → '월' (Mon) … 7 → '일' (Sun)."""
    names = (
        pgettext("weekday", "월"),
        pgettext("weekday", "화"),
        pgettext("weekday", "수"),
        pgettext("weekday", "목"),
        pgettext("weekday", "금"),
        pgettext("weekday", "토"),
        pgettext("weekday", "일"),
    )
    return names[isoweekday - 1]
