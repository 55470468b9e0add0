"""Who may act on a case: the permission check, the actor's level and the locked read that every
case service starts from (404 outside the actor's jurisdiction). Shared by the case services
(services, extreme_poverty, spot_checks, kin_services) so none imports another for them."""

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import PermissionDenied

from . import selectors
from .models import Application


def require(actor, *perms: Perm) -> None:
    """The actor holds one of `perms`."""
    if actor is None or not any(actor.can(perm) for perm in perms):
        raise PermissionDenied("您没有办理此项业务的权限")


def actor_level(actor) -> str:
    return "county" if actor.region and actor.region.level == "county" else "township"


def locked_application(actor, application_id: int, *perms: Perm) -> Application:
    """The case, row-locked, after checking the actor holds one of `perms`; 404 outside the
    jurisdiction."""
    require(actor, *perms)
    return selectors.application_for_update(user=actor, pk=application_id)
