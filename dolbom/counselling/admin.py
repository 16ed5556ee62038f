from typing import Any

from django.contrib import admin

from .knowledge import search_text_for
from .models import Article, Callback, CallLog, Case, CaseEvent, Inquiry, Referral, SlaPolicy


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("question", "topic", "audience", "published")
    list_filter = ("topic", "audience", "published")
    search_fields = ("question", "tags")

    def save_model(self, request: Any, obj: Article, form: Any, change: bool) -> None:
        obj.search_text = search_text_for(obj)
        super().save_model(request, obj, form, change)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("topic", "region", "first_reply_minutes", "callback_minutes", "active")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Case records change only through the services (audited); the admin shows them."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "guardian", "caller_name", "region", "status", "updated_at")
    list_filter = ("status",)
    exclude = ("phone", "phone_hash")


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ("pk", "case", "topic", "status", "due_at")
    list_filter = ("status", "topic")


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = ("pk", "case", "topic", "status", "due_at")


@admin.register(CallLog)
class CallLogAdmin(ReadOnlyAdmin):
    list_display = ("pk", "case", "topic", "outcome", "started_at")
    exclude = ("notes",)


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("pk", "case", "agency_name", "status", "created_at")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "case", "kind", "actor_label", "on_behalf", "summary")
