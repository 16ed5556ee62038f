from django.contrib import admin

from .models import Facility, FacilityChange, FacilitySource, FacilityType, ImportRun


@admin.register(FacilityType)
class FacilityTypeAdmin(admin.ModelAdmin):
    """Types are data: officials add a type or a spelling (alias) here, no code change needed."""

    list_display = ("name", "code", "category", "default_min_age_months", "default_max_age_months", "sort_order")
    list_filter = ("category",)
    search_fields = ("name", "code")


class FacilitySourceInline(admin.TabularInline):
    model = FacilitySource
    extra = 0
    fields = ("format", "key", "name", "file", "date")
    readonly_fields = fields
    can_delete = False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    inlines = (FacilitySourceInline,)
    list_display = ("name", "type", "status", "region", "capacity", "enrolment", "coord_quality", "source_format")
    list_filter = ("status", "type", "coord_quality", "coord_problem", "source_format")
    search_fields = ("name", "address", "source_key")
    raw_id_fields = ("region",)
    readonly_fields = ("source_format", "source_key", "source_file", "source_record", "created_at", "updated_at")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "format", "rows", "created_at", "finished_at")
    readonly_fields = ("file_name", "sha256", "format", "rows", "counts", "problems", "finished_at")


@admin.register(FacilityChange)
class FacilityChangeAdmin(admin.ModelAdmin):
    list_display = ("facility", "import_run", "created_at")
    raw_id_fields = ("facility", "import_run")
    readonly_fields = ("changes",)
