from django.apps import AppConfig


class CrosscheckConfig(AppConfig):
    name = "jiuzhu.crosscheck"
    verbose_name = "比对核查"
    default_auto_field = "django.db.models.BigAutoField"
