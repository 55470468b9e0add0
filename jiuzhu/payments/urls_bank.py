"""URLs of the payment cycle: bank."""

urlpatterns: list = []
