"""URLs of the payment cycle: payroll."""

urlpatterns: list = []
