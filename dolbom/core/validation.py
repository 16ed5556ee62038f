"""Turns pydantic/ninja validation errors into one Korean sentence naming the fields."""

from typing import Any

_TYPE_MESSAGES = {
    "missing": "값이 필요합니다",
    "extra_forbidden": "알 수 없는 항목입니다",
    "date_from_datetime_parsing": "날짜 형식(YYYY-MM-DD)이 아닙니다",
    "date_parsing": "날짜 형식(YYYY-MM-DD)이 아닙니다",
    "date_from_datetime_inexact": "날짜 형식(YYYY-MM-DD)이 아닙니다",
    "datetime_parsing": "날짜·시각 형식이 아닙니다",
    "int_parsing": "정수가 아닙니다",
    "float_parsing": "숫자가 아닙니다",
    "bool_parsing": "참/거짓 값이 아닙니다",
    "string_too_long": "너무 깁니다",
    "string_too_short": "너무 짧습니다",
    "too_long": "항목이 너무 많습니다",
    "greater_than_equal": "값이 너무 작습니다",
    "less_than_equal": "값이 너무 큽니다",
    "greater_than": "값이 너무 작습니다",
    "less_than": "값이 너무 큽니다",
    "json_invalid": "JSON 형식이 올바르지 않습니다",
    "model_attributes_type": "형식이 올바르지 않습니다",
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
        text = _TYPE_MESSAGES.get(error_type)
        if text is None:
            raw = str(error.get("msg", ""))
            text = raw.removeprefix("Value error, ") if error_type == "value_error" else "값이 올바르지 않습니다"
        fields.setdefault(name, text)
    message = "입력값을 확인해 주세요: " + ", ".join(f"{k} — {v}" for k, v in fields.items())
    return message, fields
