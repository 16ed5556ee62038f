"""Names of a facility's services as the pages and the API show them, in the request's language.

The importers keep the Korean names of the source files (`importers.formats.SERVICE_LABELS`, also used by the
HSDS export); what a family reads goes through gettext here.
"""

from django.utils.translation import gettext_lazy as _

SERVICE_NAMES = {
    "night": _("야간연장"),
    "24h": _("24시간"),
    "holiday": _("휴일보육"),
    "disability_inclusive": _("장애아통합"),
    "disability_special": _("장애아전문"),
    "hourly": _("시간제보육"),
    "after_school": _("방과후"),
    "infant_only": _("영아전담"),
    "school_bus": _("통학차량"),
    "saturday": _("토요일 운영"),
    "temporary_care": _("일시돌봄"),
    "session": _("시간제 이용"),
}


def service_label(code: str) -> str:
    """'saturday' → '토요일 운영' (Korean) or 'Open on Saturdays' (English); an unknown code as it is."""
    name = SERVICE_NAMES.get(code)
    return str(name) if name is not None else code
