from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "jiuzhu.disclosure"
    label = "disclosure"
    verbose_name = "公开公示"
