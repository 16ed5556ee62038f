"""An iCalendar (RFC 5545) file for a booking, written by hand: CRLF line ends, folded lines, UTC times."""

from datetime import UTC, datetime

from django.utils.translation import gettext

from .models import Booking


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded with CRLF + space, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(booking: Booking, *, host: str = "dolbom.local") -> str:
    from .selectors import booking_status_label

    fs = booking.facility_service
    children = ", ".join(bc.child.name for bc in booking.booking_children.select_related("child"))
    facility = fs.facility
    cancelled = booking.status in (Booking.Status.CANCELLED, Booking.Status.DECLINED)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Dolbom//Care booking//KO",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{host}",
        f"DTSTAMP:{_utc(booking.updated_at or booking.created_at)}",
        f"DTSTART:{_utc(booking.starts_at)}",
        f"DTEND:{_utc(booking.ends_at)}",
        f"SUMMARY:{_escape(f'{fs.service.name} — {facility.name}')}",
        "DESCRIPTION:"
        + _escape(
            gettext("아이: %(children)s. 이용료 %(fee)s원. 상태: %(status)s")
            % {"children": children, "fee": f"{booking.fee:,}", "status": booking_status_label(booking.status)}
        ),
        f"LOCATION:{_escape(getattr(facility, 'address', '') or facility.name)}",
        "STATUS:CANCELLED"
        if cancelled
        else ("STATUS:TENTATIVE" if booking.status == "pending" else "STATUS:CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    folded: list[str] = []
    for line in lines:
        folded.extend(_fold(line))
    return "\r\n".join(folded) + "\r\n"
