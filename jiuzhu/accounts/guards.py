"""The first line of every service (ARCHITECTURE rule 9): the actor holds a permission. No
actor — ``None`` — holds none: command-line and scheduled work act as a system actor
(accounts.system). Apps below accounts (core, regions) compare the permission by its value."""

from jiuzhu.core.errors import PermissionDenied

from .roles import Perm

DEFAULT_MESSAGE = "您没有办理此项业务的权限"


def require(actor, *perms: Perm, message: str = DEFAULT_MESSAGE) -> None:
    """The actor holds one of `perms`, else PermissionDenied(`message`)."""
    if actor is None or not any(actor.can(perm) for perm in perms):
        raise PermissionDenied(message)
