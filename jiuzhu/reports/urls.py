from django.urls import path

from . import views, views_more

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("seal/", views.seal, name="seal"),
    path("purchases/", views_more.purchases, name="purchases"),
    path("self-report/", views_more.self_report_view, name="self_report"),
    path("<slug:code>/", views.form_view, name="form"),
    path("<slug:code>/export/", views.form_export, name="export"),
    path("<slug:code>/trace/", views.trace_view, name="trace"),
    path("<slug:code>/trace/export/", views.trace_export, name="trace_export"),
]
