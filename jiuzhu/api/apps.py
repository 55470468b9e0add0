from django.apps import AppConfig


class ApiConfig(AppConfig):
    """对外接口: the typed JSON API (django-ninja, OpenAPI 3) for the provincial platform and
    other agencies, authenticated by per-agency API keys with scopes and regions."""

    name = "jiuzhu.api"
    label = "api"
    verbose_name = "对外接口"
