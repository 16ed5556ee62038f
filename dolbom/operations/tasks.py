from celery import shared_task


@shared_task(name="operations.summaries_refresh")
def summaries_refresh_task() -> int:
    """Periodic: bring the dashboards' daily summaries up to date, looking back far enough to see late commits and
    changes made outside the services (dashboards also refresh before reading; this is the safety net)."""
    from .summaries import summaries_refresh

    return summaries_refresh(thorough=True)
