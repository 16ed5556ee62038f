"""Who may call what: one entry per API operation and per page.

The matrix test (test_authz_matrix.py) reads this table, checks that it names every endpoint that exists
(a new endpoint without an entry fails), and checks every role against every entry. Ownership and scope
refusals on real objects (citizen B asking for citizen A's child, a provider reaching another facility, a
coordinator outside their region) are proved beside each app's code, in its own tests.
"""

PUBLIC = "public"  # anyone, including anonymous visitors
LOGIN = "login"  # any signed-in account; what it may see is limited to its own records or scope

CITIZEN = "citizen"
PROVIDER = "provider"
CAREGIVER = "caregiver"
COORDINATOR = "coordinator"
CITY = "city_official"
PROVINCE = "province_official"
ADMIN = "admin"

# Administrators are named explicitly: pages about a citizen's own household are not theirs to use.
OFFICIALS = frozenset({CITY, PROVINCE, ADMIN})
STAFF = frozenset({PROVIDER, CAREGIVER, COORDINATOR, CITY, PROVINCE, ADMIN})

# (method, OpenAPI path) → PUBLIC, LOGIN or a set of roles.
API_POLICY: dict[tuple[str, str], object] = {
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("GET", "/api/v1/auth/me"): LOGIN,
    ("POST", "/api/v1/benefits/check"): PUBLIC,
    ("GET", "/api/v1/benefits/programs"): PUBLIC,
    ("GET", "/api/v1/benefits/programs/{ident}"): PUBLIC,
    ("GET", "/api/v1/regions"): PUBLIC,
    ("GET", "/api/v1/regions/resolve"): PUBLIC,
    ("GET", "/api/v1/regions/boundaries"): PUBLIC,
    ("GET", "/api/v1/regions/{code}"): PUBLIC,
    ("GET", "/api/v1/households/children"): LOGIN,
    ("POST", "/api/v1/households/children"): LOGIN,
    ("GET", "/api/v1/households/children/{child_id}"): LOGIN,
    ("DELETE", "/api/v1/households/children/{child_id}"): LOGIN,
    ("GET", "/api/v1/households/consents"): LOGIN,
    ("POST", "/api/v1/households/consents"): LOGIN,
    ("GET", "/api/v1/households/export"): LOGIN,
    ("GET", "/api/v1/facilities"): PUBLIC,
    ("GET", "/api/v1/facilities/geojson"): PUBLIC,
    ("GET", "/api/v1/facilities/{facility_id}"): PUBLIC,
    ("PATCH", "/api/v1/facilities/{facility_id}"): {PROVIDER, ADMIN},
}

COUNSEL = "/api/v1/counselling"
AGENTS = frozenset({COORDINATOR, ADMIN})
API_POLICY.update(
    {
        ("POST", f"{COUNSEL}/inquiries"): PUBLIC,  # anonymous visitors may ask with a phone number and consent
        ("GET", f"{COUNSEL}/inquiries"): LOGIN,
        ("GET", f"{COUNSEL}/inquiries/{{inquiry_id}}"): LOGIN,
        ("POST", f"{COUNSEL}/inquiries/{{inquiry_id}}/messages"): LOGIN,
        ("POST", f"{COUNSEL}/inquiries/{{inquiry_id}}/close"): LOGIN,
        ("GET", f"{COUNSEL}/my/history"): LOGIN,
        ("GET", f"{COUNSEL}/knowledge"): PUBLIC,
        ("GET", f"{COUNSEL}/queue"): AGENTS,
        ("POST", f"{COUNSEL}/inquiries/{{inquiry_id}}/assign"): AGENTS,
        ("POST", f"{COUNSEL}/inquiries/{{inquiry_id}}/replies"): AGENTS,
        ("GET", f"{COUNSEL}/callers"): AGENTS,
        ("POST", f"{COUNSEL}/calls"): AGENTS,
        ("GET", f"{COUNSEL}/callbacks"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/callbacks"): AGENTS,
        ("POST", f"{COUNSEL}/callbacks/{{callback_id}}/take"): AGENTS,
        ("POST", f"{COUNSEL}/callbacks/{{callback_id}}/complete"): AGENTS,
        ("GET", f"{COUNSEL}/cases"): AGENTS,
        ("GET", f"{COUNSEL}/cases/{{case_id}}"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/assign"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/close"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/referrals"): AGENTS,
        ("POST", f"{COUNSEL}/referrals/{{referral_id}}/status"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/actions"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/act/booking"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/act/benefits-check"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/act/facility-search"): AGENTS,
        ("POST", f"{COUNSEL}/cases/{{case_id}}/act/home-visit"): AGENTS,
    }
)

# URL name → PUBLIC, LOGIN or a set of roles.
PAGE_POLICY: dict[str, object] = {
    "set_language": PUBLIC,
    "portal:home": PUBLIC,
    "portal:signup": PUBLIC,
    "portal:login": PUBLIC,
    "portal:logout": PUBLIC,
    "portal:password_reset": PUBLIC,
    "portal:password_reset_done": PUBLIC,
    "portal:password_reset_confirm": PUBLIC,
    "portal:map": PUBLIC,
    "portal:facility": PUBLIC,
    "portal:start": LOGIN,
    "portal:mypage": {CITIZEN},
    "portal:child_add": {CITIZEN},
    "portal:child_delete": {CITIZEN},
    "portal:home_update": {CITIZEN},
    "portal:consent_update": {CITIZEN},
    "portal:export": {CITIZEN},
    "portal:verify": LOGIN,
    "portal:account_delete": {CITIZEN},
    "benefits:index": PUBLIC,
    "benefits:check": PUBLIC,
    "benefits:detail": PUBLIC,
    "console_benefits:catalogue": OFFICIALS,
}
PAGE_POLICY.update(
    {
        "counsel:my_inquiries": {CITIZEN},
        "counsel:my_inquiry": {CITIZEN},
        "counsel:my_inquiry_close": {CITIZEN},
        "counsel:ask": PUBLIC,
        "counsel:faq": PUBLIC,
        **{
            f"counsel:{name}": AGENTS
            for name in (
                "workspace",
                "call_new",
                "knowledge",
                "case",
                "call_add",
                "callback_schedule",
                "referral_add",
                "act_benefits",
                "act_booking",
                "act_facilities",
                "act_home_visit",
                "case_close",
                "case_assign",
                "inquiry_assign",
                "inquiry_reply",
                "callback_take",
                "callback_complete",
                "referral_status",
            )
        },
    }
)

CARE = "/api/v1/care"
FACILITY_STAFF = frozenset({PROVIDER, ADMIN})
API_POLICY.update(
    {
        ("GET", f"{CARE}/services"): PUBLIC,
        ("GET", f"{CARE}/slots"): PUBLIC,
        ("GET", f"{CARE}/nearest"): PUBLIC,
        ("POST", f"{CARE}/bookings"): {CITIZEN},
        ("GET", f"{CARE}/bookings"): LOGIN,
        ("GET", f"{CARE}/bookings/{{booking_id}}"): LOGIN,
        ("GET", f"{CARE}/bookings/{{booking_id}}/calendar.ics"): LOGIN,
        ("POST", f"{CARE}/bookings/{{booking_id}}/cancel"): LOGIN,
        ("POST", f"{CARE}/bookings/{{booking_id}}/decision"): FACILITY_STAFF,
        ("POST", f"{CARE}/bookings/{{booking_id}}/attendance"): FACILITY_STAFF,
        ("PATCH", f"{CARE}/slots/{{slot_id}}"): FACILITY_STAFF,
        ("POST", f"{CARE}/holds"): {CITIZEN},
        ("POST", f"{CARE}/holds/{{hold_id}}/confirm"): {CITIZEN},
        ("POST", f"{CARE}/holds/{{hold_id}}/release"): {CITIZEN},
        ("GET", f"{CARE}/waitlist"): LOGIN,
        ("POST", f"{CARE}/waitlist"): {CITIZEN},
        ("POST", f"{CARE}/waitlist/{{entry_id}}/accept"): {CITIZEN},
        ("POST", f"{CARE}/waitlist/{{entry_id}}/cancel"): {CITIZEN},
        ("GET", f"{CARE}/facility-bookings"): {PROVIDER},  # lists their own facility's bookings
    }
)
PAGE_POLICY.update(
    {
        "care:index": PUBLIC,
        "care:nearest": PUBLIC,
        "care:book": {CITIZEN},
        "care:hold": {CITIZEN},
        "care:my": {CITIZEN},
        "care:cancel": {CITIZEN},
        "care:calendar": {CITIZEN},
        "care:waitlist_action": {CITIZEN},
        "backoffice_bookings:home": {PROVIDER},
        "backoffice_bookings:action": {PROVIDER},
        "backoffice_bookings:capacity": {PROVIDER},
    }
)

VISITS = "/api/v1/visits"
VISIT_STAFF = frozenset({COORDINATOR, CITY, ADMIN})
API_POLICY.update(
    {
        ("POST", f"{VISITS}/requests"): {CITIZEN, ADMIN},
        ("GET", f"{VISITS}/requests/{{pk}}"): LOGIN,  # the family its own; regional staff in scope
        ("GET", f"{VISITS}/requests/{{pk}}/candidates"): VISIT_STAFF,
        ("POST", f"{VISITS}/requests/{{pk}}/offer"): VISIT_STAFF,
        ("POST", f"{VISITS}/batch"): VISIT_STAFF,
        ("POST", f"{VISITS}/assignments/{{pk}}/confirm"): VISIT_STAFF | {CAREGIVER},
        ("POST", f"{VISITS}/assignments/{{pk}}/decline"): VISIT_STAFF | {CAREGIVER},
        ("POST", f"{VISITS}/assignments/{{pk}}/arrival"): {CAREGIVER, ADMIN},  # only their own visit
        ("POST", f"{VISITS}/assignments/{{pk}}/end"): {CAREGIVER, ADMIN},
        ("GET", f"{VISITS}/my/offers"): {CAREGIVER, ADMIN},
        ("GET", f"{VISITS}/my/today"): {CAREGIVER, ADMIN},
        ("GET", f"{VISITS}/my/requests"): {CITIZEN, ADMIN},
        ("POST", f"{VISITS}/requests/{{pk}}/cancel"): {CITIZEN, ADMIN},  # only their own request
        ("POST", f"{VISITS}/requests/{{pk}}/rate"): {CITIZEN, ADMIN},
        ("POST", f"{VISITS}/requests/{{pk}}/report"): {CITIZEN, ADMIN},
        ("GET", f"{VISITS}/followups"): {COORDINATOR, ADMIN},  # their region's
        ("POST", f"{VISITS}/followups/{{pk}}/close"): {COORDINATOR, ADMIN},
    }
)
PAGE_POLICY.update(
    {
        **{
            f"console:{name}": OFFICIALS
            for name in (
                "home",
                "audit",
                "dashboards",
                "dashboards_export",
                "monitoring",
                "supply",
                "parameters",
                "parameter_decide",
                "participation",
                "participation_add",
                "participation_dates",
                "participation_remove",
            )
        },
        "backoffice_facility:home": {PROVIDER},
        "backoffice_facility:incident_create": {PROVIDER},
    }
)

PAGE_POLICY.update(
    {
        "visits:my": {CITIZEN},
        "visits:new": {CITIZEN},
        "visits:cancel": {CITIZEN},
        "visits:rate": {CITIZEN},
        "visits:report": {CITIZEN},
        "backoffice_visits:caregiver_home": {CAREGIVER},
        "backoffice_visits:caregiver_action": {CAREGIVER},
        "backoffice_visits:caregiver_availability": {CAREGIVER},
        "backoffice_visits:coordinator_home": {COORDINATOR},
        "backoffice_visits:coordinator_request": {COORDINATOR},
        "backoffice_visits:coordinator_followup": {COORDINATOR},
    }
)
