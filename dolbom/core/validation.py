"""Turns pydantic/ninja validation errors into one sentence (Korean, or the request's language) naming the fields."""

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

_TYPE_MESSAGES = {
    "missing": _("값이 필요합니다"),
    "extra_forbidden": _("알 수 없는 항목입니다"),
    "date_from_datetime_parsing": _("날짜 형식(YYYY-MM-DD)이 아닙니다"),
    "date_parsing": _("날짜 형식(YYYY-MM-DD)이 아닙니다"),
    "date_from_datetime_inexact": _("날짜 형식(YYYY-MM-DD)이 아닙니다"),
    "datetime_parsing": _("날짜·시각 형식이 아닙니다"),
    "int_parsing": _("정수가 아닙니다"),
    "float_parsing": _("숫자가 아닙니다"),
    "bool_parsing": _("참/거짓 값이 아닙니다"),
    "string_too_long": _("너무 깁니다"),
    "string_too_short": _("너무 짧습니다"),
    "too_long": _("항목이 너무 많습니다"),
    "greater_than_equal": _("값이 너무 작습니다"),
    "less_than_equal": _("값이 너무 큽니다"),
    "greater_than": _("값이 너무 작습니다"),
    "less_than": _("값이 너무 큽니다"),
    "json_invalid": _("JSON 형식이 올바르지 않습니다"),
    "model_attributes_type": _("형식이 올바르지 않습니다"),
}


def _field_name(loc: tuple | list) -> str:
    # ninja prefixes the location with the parameter source ("body", "query", "payload" ...).
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "data")]
    return ".".join(parts) or "body"


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    fields: dict[str, str] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        error_type = error.get("type", "")
        lazy = _TYPE_MESSAGES.get(error_type)
        if lazy is not None:
            text = str(lazy)
        elif error_type == "value_error":
            raw = str(error.get("msg", "")).removeprefix("Value error, ")
            text = gettext_now(raw) if raw else raw  # a schema validator's Korean message, if it is in the catalogue
        else:
            text = gettext_now("값이 올바르지 않습니다")
        fields.setdefault(name, text)
    listing = ", ".join(f"{k} — {v}" for k, v in fields.items())
    message = gettext_now("입력값을 확인해 주세요: %(fields)s") % {"fields": listing}
    return message, fields
