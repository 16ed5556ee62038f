from django.db import connection

from dolbom.core.crypto import decrypt_text, encrypt_text, rotate_text
from dolbom.households.services import child_register


def test_sensitive_child_fields_are_encrypted_in_the_row(citizen):
    child = child_register(
        actor=citizen,
        name="하늘",
        birth_date=__import__("datetime").date(2024, 1, 5),
        health_notes="천식",
        allergies="땅콩",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT health_notes, allergies FROM households_child WHERE id = %s", [child.pk])
        raw_health, raw_allergies = cursor.fetchone()
    assert "천식" not in raw_health and raw_health.startswith("enc:")
    assert "땅콩" not in raw_allergies
    child.refresh_from_db()
    assert child.health_notes == "천식"


def test_key_rotation_keeps_old_values_readable(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    token = encrypt_text("비밀")
    settings.FIELD_ENCRYPTION_KEYS = ["bmV3LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc=", old_key]
    assert decrypt_text(token) == "비밀"
    rotated = rotate_text(token)
    settings.FIELD_ENCRYPTION_KEYS = ["bmV3LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc="]
    assert decrypt_text(rotated) == "비밀"


def test_rotate_field_keys_command_reencrypts_rows(citizen, settings):
    import datetime

    from django.core.management import call_command

    from dolbom.households.models import Child

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    child = child_register(actor=citizen, name="바다", birth_date=datetime.date(2023, 1, 5), allergies="우유")
    new_key = "bmV3LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc="
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=__import__("io").StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: rows must still decrypt
    assert Child.objects.get(pk=child.pk).allergies == "우유"
