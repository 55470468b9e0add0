from django.urls import path

from .views import not_built

app_name = "api"
urlpatterns = [
    path("", not_built, name="index"),
]
