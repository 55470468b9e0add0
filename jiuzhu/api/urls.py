"""/api/: version 1 of the JSON API (jiuzhu.api.api), authenticated by API keys, no session.
An address under /api/ that names no endpoint is a JSON 404 too, not the site's HTML page."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from .api import url_patterns


@csrf_exempt  # no session, no cookie: nothing to forge
def no_such_endpoint(request, rest=""):
    return JsonResponse(
        {"detail": "接口不存在，请查看 /api/v1/openapi.json"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


app_name = "api"
urlpatterns = [
    path("v1/", include((url_patterns(), "v1"))),
    re_path(r"^(?P<rest>.*)$", no_such_endpoint),
]
