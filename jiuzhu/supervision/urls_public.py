"""The public complaint form and its tracking page (no login), under /gongkai/jubao/."""

from django.urls import path

from . import views_public as views

app_name = "jubao"
urlpatterns = [
    path("", views.complaint_form, name="form"),
    path("track/", views.complaint_track, name="track"),
]
