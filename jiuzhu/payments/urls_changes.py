"""URLs of the payment cycle: changes."""

urlpatterns: list = []
