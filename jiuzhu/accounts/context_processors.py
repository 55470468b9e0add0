from django.conf import settings

from .roles import Perm


def site(request):
    user = getattr(request, "user", None)
    can = {}
    if user is not None and user.is_authenticated and hasattr(user, "can"):
        can = {p.value: user.can(p) for p in Perm}
    return {"JIUZHU_DEMO": settings.JIUZHU_DEMO, "can": can}
