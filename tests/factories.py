"""Small builders for halls, staff and tickets, used by the tests."""

from sqlalchemy import select

from hallq import halls, issuing, users
from hallq.access import Actor
from hallq.db import Database
from hallq.models import Role, User
from tests.conftest import ADMIN_PASSWORD

PASSWORD = "secret-pass-1"


def make_hall(db: Database, slug: str = "town", layout: dict[int, str] | None = None, **hall_fields) -> None:
    """A hall whose windows serve the given service codes, e.g. {1: "A", 2: "AB"}."""
    layout = layout or {1: "A", 2: "B"}
    codes = sorted({c for served in layout.values() for c in served})
    with db.transaction() as session:
        hall = halls.create_hall(session, slug=slug, name=f"{slug} hall", **hall_fields)
        services = {
            c: halls.add_service(session, hall, code=c, name=f"业务{c}", name_en=f"Service {c}")
            for c in codes
        }
        for number, served in layout.items():
            halls.add_window(session, hall, number=number, services=[services[c] for c in served])


def add_user(
    db: Database, username: str, role: str, hall: str | None = "main", windows: list[int] | None = None
):
    with db.transaction() as session:
        users.create_user(
            session=session, hall=hall, username=username, password=PASSWORD, role=Role(role), windows=windows
        )
    return actor(db, username)


def actor(db: Database, username: str) -> Actor:
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        from hallq.models import UserWindow

        window_ids = session.scalars(select(UserWindow.window_id).where(UserWindow.user_id == user.id))
        return Actor(user.id, user.username, user.role, user.hall_id, frozenset(window_ids))


def admin(db: Database) -> Actor:
    return actor(db, "admin")


def issue(db: Database, hall: str = "main", service: str = "A", who: Actor | None = None, **kw):
    with db.transaction() as session:
        return issuing.issue_ticket(
            session=session, hall=hall, service=service, actor=who or Actor.public(), **kw
        )


def run(db: Database, fn, **kwargs):
    """Run a domain write in a transaction and return (result, events recorded)."""
    return db.run_write(fn, **kwargs)


def login(client, username: str = "admin", password: str | None = None) -> dict[str, str]:
    password = password or (ADMIN_PASSWORD if username == "admin" else PASSWORD)
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def set_service(db: Database, code: str, hall: str = "main", **fields) -> None:
    from hallq.models import Hall, Service

    with db.transaction() as session:
        service = session.scalars(
            select(Service)
            .join(Hall, Hall.id == Service.hall_id)
            .where(Hall.slug == hall, Service.code == code)
        ).one()
        for name, value in fields.items():
            setattr(service, name, value)
        session.add(service)


def next_event(ws) -> dict:
    """The hall feed one event at a time: a message may carry several events (a JSON array)."""
    pending = ws.__dict__.setdefault("hallq_pending", [])
    while not pending:
        message = ws.receive_json()
        pending.extend(message if isinstance(message, list) else [message])
    return pending.pop(0)
