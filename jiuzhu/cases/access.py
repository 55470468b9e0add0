"""Who may act on a case: the permission check, the actor's level and the locked read that every
case service starts from (404 outside the actor's jurisdiction). Shared by the case services
(services, extreme_poverty, spot_checks, kin_services) so none imports another for them."""

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm

from . import selectors
from .models import Application

__all__ = ["actor_level", "locked_application", "require"]


def actor_level(actor) -> str:
    return "county" if actor.region and actor.region.level == "county" else "township"


def locked_application(actor, application_id: int, *perms: Perm) -> Application:
    """The case, row-locked, after checking the actor holds one of `perms`; 404 outside the
    jurisdiction."""
    require(actor, *perms)
    return selectors.application_for_update(user=actor, pk=application_id)
