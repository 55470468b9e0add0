from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jiuzhu.registry"
    label = "registry"
    verbose_name = "家庭与人员"
