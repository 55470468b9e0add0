from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("user/<int:user_id>/", views.audit_list, name="user"),
    path("household/<int:household_id>/", views.audit_list, name="household"),
]
