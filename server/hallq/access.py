"""Who may do what. Every rule about roles lives here, so routes only ask."""

from dataclasses import dataclass

from hallq.errors import Forbidden, Unauthorized
from hallq.models import Hall, Role, Window

STAFF = frozenset({Role.admin, Role.manager, Role.clerk, Role.guide})
# Roles that may issue priority tickets and act for a customer at the door.
ISSUERS = frozenset({Role.admin, Role.manager, Role.guide})
SUPERVISORS = frozenset({Role.admin, Role.manager})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a signed-in user, or the public (a kiosk, a phone)."""

    user_id: int | None
    name: str
    role: str | None = None
    hall_id: int | None = None
    window_ids: frozenset[int] = frozenset()

    @classmethod
    def public(cls, name: str = "kiosk") -> "Actor":
        return cls(user_id=None, name=name)

    @classmethod
    def system(cls) -> "Actor":
        """The server itself, acting on a rule (a call that timed out)."""
        return cls(user_id=None, name="system")


def require_signed_in(actor: Actor) -> Actor:
    if actor.user_id is None:
        raise Unauthorized("sign in first")
    return actor


def require_role(actor: Actor, roles: frozenset[str], what: str) -> None:
    require_signed_in(actor)
    if actor.role not in roles:
        raise Forbidden(f"a {actor.role} may not {what}")


def require_hall(actor: Actor, hall: Hall) -> None:
    """Staff of one hall (a township office) cannot act in another; a company admin can."""
    require_signed_in(actor)
    if actor.hall_id is not None and actor.hall_id != hall.id:
        raise Forbidden("this account belongs to another hall")


def require_window(actor: Actor, hall: Hall, window: Window) -> None:
    """Only the window's own clerk, a manager or an admin may act on a window."""
    require_hall(actor, hall)
    if actor.role in SUPERVISORS:
        return
    if actor.role == Role.clerk and window.id in actor.window_ids:
        return
    if actor.role == Role.clerk:
        raise Forbidden(f"you are not bound to window {window.number}", code="not_your_window")
    raise Forbidden(f"a {actor.role} may not act on a window")
