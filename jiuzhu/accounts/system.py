"""System actors: the named accounts that command-line, scheduled and demo work act as, so that
every service checks an actor and every audit entry names one (ARCHITECTURE rule 9: no
``actor=None``). A system actor has the system role (roles.PERMISSIONS), sees every region, and
cannot log in: its password is unusable and the login form refuses its role."""

from .models import User
from .roles import Role

SYSTEM_ACTORS = {
    "cli": "系统（命令行）",
    "scheduler": "系统（定时任务）",
    "demo": "系统（演示数据）",
    "worker": "系统（后台任务）",  # fails and releases the jobs whose worker died (core.jobs)
    "public": "系统（公开页面）",  # the public complaint form (supervision.views_public)
}
PREFIX = "system-"


def system_actor(name: str = "cli") -> User:
    """The system actor `name` (one of SYSTEM_ACTORS), created on first use."""
    if name not in SYSTEM_ACTORS:
        raise ValueError(f"unknown system actor: {name}")
    user, created = User.objects.get_or_create(
        username=PREFIX + name,
        defaults={"role": Role.SYSTEM, "full_name": SYSTEM_ACTORS[name], "region": None},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
