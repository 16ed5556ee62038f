from django.contrib import admin
from django.urls import include, path

from config.api import api
from dolbom.directory.hsds import hsds_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/hsds/", hsds_api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("care/", include("web.portal.booking_urls")),
    path("benefits/", include("web.portal.benefits_urls")),
    path("console/benefits/", include("web.console.benefits_urls")),
    path("console/", include("web.console.operations_urls")),
    path("backoffice/bookings/", include("web.backoffice.booking_urls")),
    path("backoffice/facility/", include("web.backoffice.operations_urls")),
    path("backoffice/visits/", include("web.backoffice.visit_urls")),
    path("visits/", include("web.portal.visit_urls")),
    path("", include("web.counsel.urls")),
    path("", include("web.portal.urls")),
]

handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
