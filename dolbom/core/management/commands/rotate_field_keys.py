"""Re-encrypt every encrypted field under the newest key (the first of FIELD_ENCRYPTION_KEYS).

Run after putting a new key first; once it has run, the old key can be removed from the list.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from dolbom.core.crypto import PREFIX, EncryptedTextField, rotate_text


def rotate_all() -> int:
    rotated = 0
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        for field in fields:
            column = connection.ops.quote_name(field.column)
            with transaction.atomic(), connection.cursor() as cursor:
                # Identifiers come from model metadata, quoted by the backend; values are parameters.
                cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} LIKE %s", [PREFIX + "%"])  # noqa: S608  # nosec B608
                for row_pk, token in cursor.fetchall():
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [rotate_text(token), row_pk])  # noqa: S608  # nosec B608
                    rotated += 1
    return rotated


class Command(BaseCommand):
    help = "Re-encrypt sensitive fields with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rotate_all()
        self.stdout.write(f"{count}개 값을 새 키로 다시 암호화했습니다.")
