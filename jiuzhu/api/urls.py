"""/api/: version 1 of the JSON API (jiuzhu.api.api), authenticated by API keys, no session."""

from django.urls import include, path

from .api import url_patterns

app_name = "api"
urlpatterns = [
    path("v1/", include((url_patterns(), "v1"))),
]
