from django.urls import path

from . import operations_views as v

app_name = "console"

urlpatterns = [
    path("", v.console_home, name="home"),
    path("participation/", v.participation, name="participation"),
    path("participation/<str:kind>/add/", v.participation_add, name="participation_add"),
    path("participation/<str:kind>/<int:row_id>/dates/", v.participation_dates, name="participation_dates"),
    path("participation/<str:kind>/<int:row_id>/remove/", v.participation_remove, name="participation_remove"),
    path("parameters/", v.parameters, name="parameters"),
    path("parameters/<int:change_id>/decide/", v.parameter_decide, name="parameter_decide"),
    path("audit/", v.audit, name="audit"),
    path("dashboards/", v.dashboards, name="dashboards"),
    path("dashboards/export.<str:fmt>", v.dashboards_export, name="dashboards_export"),
    path("supply/", v.supply, name="supply"),
    path("monitoring/", v.monitoring, name="monitoring"),
]
