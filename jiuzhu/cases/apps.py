from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jiuzhu.cases"
    label = "cases"
    verbose_name = "申请审核确认"
