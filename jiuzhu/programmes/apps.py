from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "jiuzhu.programmes"
    label = "programmes"
    verbose_name = "救助项目与标准"
