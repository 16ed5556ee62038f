from django.contrib import admin

from .models import Region, RegionAlias, RegionPopulation


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "level", "code_system", "is_active")
    list_filter = ("level", "code_system", "is_active", "sido_code")
    search_fields = ("code", "full_name")
    raw_id_fields = ("parent", "successor")


@admin.register(RegionAlias)
class RegionAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "region__full_name")
    raw_id_fields = ("region",)


@admin.register(RegionPopulation)
class RegionPopulationAdmin(admin.ModelAdmin):
    list_display = ("region", "as_of", "total", "age_0", "age_1", "age_2", "age_3", "age_4", "age_5")
    list_filter = ("as_of",)
    search_fields = ("region__code", "region__full_name")
    raw_id_fields = ("region",)
