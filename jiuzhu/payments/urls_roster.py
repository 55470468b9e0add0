"""URLs of the payment cycle: roster."""

from django.urls import path

from . import views_roster

urlpatterns: list = [
    path("roster/", views_roster.roster, name="roster"),
    path("roster/export/", views_roster.roster_export, name="roster_export"),
    path(
        "roster/village/<int:village_id>/print/",
        views_roster.roster_village_print,
        name="roster_village_print",
    ),
    path("household/<int:household_id>/", views_roster.household, name="household"),
]
