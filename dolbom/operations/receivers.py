"""Deleted records change the figures of their day but leave no audit entry of their own (a household erasing
its data deletes its bookings and visit requests by cascade): mark their days for the next summary refresh."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete


def _on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    from dolbom.booking.models import Booking
    from dolbom.matching.models import VisitRequest

    from .summaries import summaries_mark_dirty

    moment = getattr(instance, "starts_at", None)
    if moment is None:
        # rows that carry no time of their own: find it from their booking or request, if it is still there
        booking_id = getattr(instance, "booking_id", None)
        request_id = getattr(instance, "request_id", None) or getattr(instance, "visitrequest_id", None)
        if booking_id is not None:
            moment = Booking.objects.filter(pk=booking_id).values_list("starts_at", flat=True).first()
        elif request_id is not None:
            moment = VisitRequest.objects.filter(pk=request_id).values_list("starts_at", flat=True).first()
    summaries_mark_dirty(moments=[moment])


def connect() -> None:
    from dolbom.booking.models import Booking, BookingChild, Occupancy, Slot
    from dolbom.matching.models import VisitAssignment, VisitRating, VisitRequest

    from .models import BookingRating

    for model in (Booking, BookingChild, Occupancy, Slot, VisitRequest, VisitAssignment, VisitRating, BookingRating):
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"operations-summary-{model.__name__}")
    post_delete.connect(
        _on_delete, sender=VisitRequest.children.through, dispatch_uid="operations-summary-visit-children"
    )
