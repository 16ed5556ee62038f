"""Test settings: fast hashing, in-memory fakes for the outside world."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFICATION_SMS_GATEWAY = "dolbom.core.notifications.FakeGateway"
IDENTITY_PROVIDER = "dolbom.accounts.identity.FakeIdentityProvider"
CELERY_TASK_ALWAYS_EAGER = True
FIELD_ENCRYPTION_KEYS = ["dGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY="]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
NOTIFICATIONS_DELIVER_INLINE = True  # deliver right after the commit, in the caller (no background thread)
