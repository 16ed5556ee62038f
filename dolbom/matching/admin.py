from django.contrib import admin

from dolbom.matching.models import (
    AvailabilityException,
    Caregiver,
    Qualification,
    ServiceProvider,
    VisitAssignment,
    VisitRating,
    VisitRequest,
    WeeklyAvailability,
)


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


class WeeklyInline(admin.TabularInline):
    model = WeeklyAvailability
    extra = 0


class ExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(Caregiver)
class CaregiverAdmin(admin.ModelAdmin):
    list_display = ["display_name", "home_region", "background_check_expires", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["display_name"]
    filter_horizontal = ["regions_served"]
    raw_id_fields = ["user", "home_region"]
    inlines = [QualificationInline, WeeklyInline, ExceptionInline]


@admin.register(VisitRequest)
class VisitRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "service", "region", "starts_at", "ends_at", "status"]
    list_filter = ["service", "status"]
    raw_id_fields = ["household", "region"]
    filter_horizontal = ["children"]


@admin.register(VisitAssignment)
class VisitAssignmentAdmin(admin.ModelAdmin):
    list_display = ["id", "request", "caregiver", "status", "starts_at", "distance_km"]
    list_filter = ["status"]
    raw_id_fields = ["request", "caregiver"]


admin.site.register(VisitRating)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "phone"]
    search_fields = ["name"]
    raw_id_fields = ["facility"]
