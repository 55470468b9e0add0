from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export/", views.audit_export, name="export"),
    path("user/<int:user_id>/", views.audit_list, name="user"),
    path("household/<int:household_id>/", views.audit_list, name="household"),
    path("verify/", views.audit_verify, name="verify"),
    path("anchors/<int:pk>/print/", views.anchor_print, name="anchor_print"),
]
