from django.urls import path

from . import views, views_appraisals, views_kin, views_print

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:step>/", views.act, name="act"),
    path(
        "<int:pk>/print/investigation/",
        views_print.print_investigation,
        name="print_investigation",
    ),
    path("<int:pk>/print/refusal/", views_print.print_refusal, name="print_refusal"),
    path("notice/<int:village_id>/print/", views_print.print_notice, name="print_notice"),
    path("kin/", views_kin.kin_list, name="kin_list"),
    path("appraisals/", views_appraisals.appraisal_list, name="appraisals"),
    path(
        "appraisals/<int:village_id>/<int:year>/<int:month>/print/",
        views_appraisals.print_appraisals,
        name="print_appraisals",
    ),
]
