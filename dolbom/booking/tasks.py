from celery import shared_task

from .models import WaitlistEntry


@shared_task(name="booking.waitlist_advance")
def waitlist_advance_task(facility_service_id: int) -> int:
    from .services import waitlist_advance

    return waitlist_advance(facility_service_id=facility_service_id)


@shared_task(name="booking.waitlist_advance_all")
def waitlist_advance_all_task() -> int:
    """Periodic: move every waiting list whose offer lapsed on to the next family (safe to run any time)."""
    from .services import waitlist_advance

    ids = set(
        WaitlistEntry.objects.filter(status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED])
        .values_list("facility_service_id", flat=True)
        .distinct()
    )
    return sum(waitlist_advance(facility_service_id=pk) for pk in sorted(ids))


@shared_task(name="booking.slots_generate_ahead")
def slots_generate_ahead_task() -> int:
    from .services import slots_generate_ahead

    return slots_generate_ahead()
