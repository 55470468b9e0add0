from django.apps import AppConfig


class DeskConfig(AppConfig):
    """工作台: the officer's home page (the work queue per role) and the household page, which
    read every app below them (cases, payments, cross-checks) and write nothing."""

    name = "jiuzhu.desk"
    label = "desk"
    verbose_name = "工作台"
