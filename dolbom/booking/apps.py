from typing import Any

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "dolbom.booking"
    label = "booking"
    verbose_name = "예약"

    def on_account_delete(self, user: Any) -> None:
        """Before the household (and with it its bookings) is deleted: free the places it held, so the
        waiting lists of those facility services move on once the deletion commits."""
        from . import clock
        from .models import Booking
        from .services import _advance_after_commit

        active = Booking.objects.filter(household__guardian=user, status__in=Booking.ACTIVE, ends_at__gt=clock.now())
        for facility_service_id in set(active.values_list("facility_service_id", flat=True)):
            _advance_after_commit(facility_service_id)

    def export_citizen_data(self, user: Any) -> dict[str, Any]:
        """The citizen's bookings and waiting-list entries, for 개인정보 열람·이동 (households export hook)."""
        from .selectors import bookings_of, waitlist_of

        return {
            "care_bookings": [
                {
                    "id": b.pk,
                    "service": b.facility_service.service.name,
                    "facility": b.facility_service.facility.name,
                    "starts_at": b.starts_at.isoformat(),
                    "ends_at": b.ends_at.isoformat(),
                    "status": b.status,
                    "fee": b.fee,
                    "children": [bc.child.name for bc in b.booking_children.all()],
                }
                for b in bookings_of(user=user)
            ],
            "care_waitlist": [
                {
                    "id": w["id"],
                    "service": w["service"],
                    "facility": w["facility"],
                    "status": w["status"],
                    "position": w["position"],
                }
                for w in waitlist_of(user=user)
            ],
        }
