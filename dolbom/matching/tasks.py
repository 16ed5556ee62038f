import datetime as dt

from celery import shared_task


@shared_task(name="matching.batch_rerun")
def matching_batch_rerun_task(day: str, region_prefix: str = "") -> int:
    """Re-run the day's batch proposals (after supply changed: availability edited, an offer declined, a
    caregiver added). Safe to run any time: earlier proposals stay unless something better appears."""
    from .services import matching_batch_run

    return matching_batch_run(day=dt.date.fromisoformat(day), actor=None, region_prefix=region_prefix).filled


@shared_task(name="matching.expire_unfilled")
def matching_expire_unfilled_task() -> int:
    """Close requests nobody could take once their start has passed (the family is told)."""
    from .services import visit_requests_expire_due

    return visit_requests_expire_due()
