from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
]

# The household page keeps its address and name in the registry's namespace
# (registry:household_detail, /registry/households/<pk>/): config/urls.py puts it there.
household_patterns = [
    path("households/<int:pk>/", views.household, name="household_detail"),
]
