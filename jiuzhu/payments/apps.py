from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "jiuzhu.payments"
    label = "payments"
    verbose_name = "保障对象与发放"
