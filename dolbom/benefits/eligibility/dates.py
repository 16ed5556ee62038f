"""Date arithmetic for ages in completed months (만 나이 in months)."""

from datetime import date, timedelta


def months_between(birth: date, on: date) -> int:
    """Completed months from `birth` to `on`: born 2026-05-15 → 0 on 2026-06-14, 1 on 2026-06-15."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return months


def add_months(birth: date, months: int) -> date:
    """The first day on which a child born on `birth` is `months` completed months old.

    A birthday that does not exist in the target month (31 January + 1 month) is reached on the first day of
    the next month, which agrees with `months_between`.
    """
    total = birth.year * 12 + (birth.month - 1) + months
    year, month0 = divmod(total, 12)
    try:
        return date(year, month0 + 1, birth.day)
    except ValueError:
        nxt = date(year + (month0 + 1) // 12, (month0 + 1) % 12 + 1, 1)
        return nxt


def end_of_year(on: date) -> date:
    return date(on.year, 12, 31)


def next_month_starts(start: date, until: date) -> list[date]:
    """First days of the months after `start`'s month, up to `until`."""
    out: list[date] = []
    y, m = start.year, start.month
    while True:
        m += 1
        if m > 12:
            y, m = y + 1, 1
        d = date(y, m, 1)
        if d > until:
            return out
        out.append(d)


ONE_DAY = timedelta(days=1)
