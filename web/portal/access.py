"""Pages built on a family's own household (its children, bookings, home visits, inquiries): citizens only.

Administrators are refused here (admin=False): they have no household of their own to show.
"""

from dolbom.accounts.models import Role
from dolbom.core.permissions import page_requires_role

citizen_page = page_requires_role(Role.CITIZEN, admin=False)
