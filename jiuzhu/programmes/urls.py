from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("delegation/", views.delegation_add, name="delegation_add"),
    path("settings/", views.setting_add, name="setting_add"),
    path("add-ons/", views.add_on_add, name="add_on_add"),
    path("tiers/", views.tier_add, name="tier_add"),
    path("care-rates/", views.care_rate_add, name="care_rate_add"),
    path("dibao-mode/", views.dibao_mode_set, name="dibao_mode_set"),
    path("dibao-tiers/", views.dibao_tier_add, name="dibao_tier_add"),
]
