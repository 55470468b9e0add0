"""URLs of the payment cycle: roster."""

urlpatterns: list = []
