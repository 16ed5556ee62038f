from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "scope_region", "facility", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "email", "phone", "first_name")
    raw_id_fields = ("scope_region", "facility")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("돌봄", {"fields": ("phone", "role", "scope_region", "facility", "identity_verified_at")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("key_hash",)
