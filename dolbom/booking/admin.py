"""Officials edit care services, their rules and participating municipalities here: data, not code."""

from django.contrib import admin

from .models import Booking, CareService, FacilityService, ServiceParticipation, Slot, SlotException, WaitlistEntry


class ParticipationInline(admin.TabularInline):
    model = ServiceParticipation
    extra = 1


@admin.register(CareService)
class CareServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "delivery", "age_min_months", "age_max_months", "hourly_fee", "requires_approval", "active")
    list_filter = ("delivery", "active", "requires_approval")
    search_fields = ("name", "code")
    inlines = [ParticipationInline]


class SlotExceptionInline(admin.TabularInline):
    model = SlotException
    extra = 0


@admin.register(FacilityService)
class FacilityServiceAdmin(admin.ModelAdmin):
    list_display = ("facility", "service", "default_capacity", "active")
    list_filter = ("service", "active")
    raw_id_fields = ("facility",)
    inlines = [SlotExceptionInline]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("facility_service", "starts_at", "capacity", "closed")
    list_filter = ("facility_service__service",)
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: every change of a booking goes through a service (rules, locks, audit)."""

    list_display = ("pk", "facility_service", "starts_at", "ends_at", "status", "fee")
    list_filter = ("status", "facility_service__service")
    date_hierarchy = "starts_at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("pk", "facility_service", "status", "offer_expires_at", "created_at")
    list_filter = ("status",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
