from typing import Any

from django.conf import settings
from django.db import DatabaseError, models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every table records when a row was made and last changed."""

    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise DatabaseError("audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DatabaseError("audit log is append-only")


class AuditEntry(models.Model):
    """Append-only record of who did what to which object (a database trigger forbids UPDATE and DELETE)."""

    at = models.DateTimeField(_("시각"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("행위자"), max_length=150, blank=True)
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("행위"), max_length=80, db_index=True)
    object_type = models.CharField(_("대상 유형"), max_length=80, db_index=True)
    object_id = models.CharField(_("대상 ID"), max_length=64, blank=True, db_index=True)
    before = models.JSONField(_("변경 전"), null=True, blank=True)
    after = models.JSONField(_("변경 후"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise DatabaseError("audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DatabaseError("audit log is append-only")


class Notification(BaseModel):
    """Outbox row. Written in the same transaction as the change that causes it; a task delivers it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("이메일")
        SMS = "sms", _("문자")
        KAKAO = "kakao", _("알림톡")
        CONSOLE = "console", _("콘솔")

    class Status(models.TextChoices):
        PENDING = "pending", _("대기")
        SENDING = "sending", _("발송 중")
        SENT = "sent", _("발송됨")
        FAILED = "failed", _("실패")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    to_address = models.CharField(max_length=254)
    kind = models.CharField(max_length=64, db_index=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    payload = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("알림")
        verbose_name_plural = _("알림")

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address} ({self.status})"
