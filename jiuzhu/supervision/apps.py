from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jiuzhu.supervision"
    label = "supervision"
    verbose_name = "监督"
