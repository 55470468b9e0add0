"""URLs of the payment cycle: recoveries."""

urlpatterns: list = []
