from django.urls import path

from . import (
    views,
    views_appraisals,
    views_find,
    views_kin,
    views_print,
    views_print_approval,
    views_print_notices,
)

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.register, name="register"),
    path("new/find/", views_find.register_find, name="register_find"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:step>/", views.act, name="act"),
    path(
        "<int:pk>/print/investigation/",
        views_print.print_investigation,
        name="print_investigation",
    ),
    path("<int:pk>/print/refusal/", views_print.print_refusal, name="print_refusal"),
    path(
        "<int:pk>/print/incomplete/",
        views_print_notices.print_incomplete_notice,
        name="print_incomplete_notice",
    ),
    path(
        "<int:pk>/print/acceptance/",
        views_print_notices.print_acceptance,
        name="print_acceptance",
    ),
    path("<int:pk>/print/approval/", views_print_approval.print_approval, name="print_approval"),
    path(
        "<int:pk>/print/confirmation/",
        views_print_notices.print_confirmation,
        name="print_confirmation",
    ),
    path("notice/<int:village_id>/print/", views_print.print_notice, name="print_notice"),
    path("kin/", views_kin.kin_list, name="kin_list"),
    path("appraisals/", views_appraisals.appraisal_list, name="appraisals"),
    path(
        "appraisals/<int:village_id>/<int:year>/<int:month>/print/",
        views_appraisals.print_appraisals,
        name="print_appraisals",
    ),
]
