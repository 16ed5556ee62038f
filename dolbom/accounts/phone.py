import re

_MOBILE = re.compile(r"^01[016789]\d{7,8}$")


def normalize_phone(value: str) -> str | None:
    """'010-1234-5678', '+82 10 1234 5678' → '01012345678'; None when it is not a Korean mobile number."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("+82"):
        digits = "0" + digits[3:]
    return digits if _MOBILE.match(digits) else None


def format_phone(digits: str) -> str:
    if len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits
