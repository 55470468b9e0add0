"""系统管理: the county administrator's pages for accounts and the holiday calendar."""

from django.urls import path
from django.views.generic import RedirectView

from . import views_admin, views_holidays

app_name = "sysadmin"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="sysadmin:user_list"), name="home"),
    path("users/", views_admin.user_list, name="user_list"),
    path("users/new/", views_admin.user_new, name="user_new"),
    path("users/<int:pk>/", views_admin.user_detail, name="user_detail"),
    path("users/<int:pk>/password/", views_admin.user_password, name="user_password"),
    path(
        "users/<int:pk>/<str:action>/",
        views_admin.user_action,
        name="user_action",
    ),
    path("holidays/", views_holidays.holidays_home, name="holidays"),
    path("holidays/<int:year>/", views_holidays.holidays_year, name="holidays_year"),
    path("holidays/<int:year>/add/", views_holidays.holiday_add, name="holiday_add"),
    path("holidays/<int:year>/remove/", views_holidays.holiday_remove_view, name="holiday_remove"),
    path("holidays/<int:year>/paste/", views_holidays.holiday_paste, name="holiday_paste"),
    path("holidays/<int:year>/confirm/", views_holidays.holiday_confirm, name="holiday_confirm"),
]
