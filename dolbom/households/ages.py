from datetime import date


def age_in_months(birth_date: date, on: date) -> int:
    """Completed months of age (만 나이 in months): born 2026-05-15 → 0 on 2026-06-14, 1 on 2026-06-15."""
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    if on.day < birth_date.day:
        months -= 1
    return months
