"""The role matrix: every endpoint tried by every kind of caller, against the table in docs/roles.md."""

import re

import pytest
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from tests.factories import PASSWORD, login
from tests.servers import ROOT

TABLE = ROOT / "docs" / "roles.md"
COLUMNS = ["no token", "guide", "clerk, other window", "clerk, own window", "manager", "admin"]
USERS = {
    "guide": "g1",
    "clerk, other window": "c1",
    "clerk, own window": "c2",
    "manager": "m1",
    "admin": "admin",
}

# What to send to each endpoint: a body that would be accepted from someone allowed.
BODIES = {
    "POST /api/auth/login": {"username": "admin", "password": "admin-pass-123"},
    "POST /api/halls/{hall}/tickets": {"service": "B"},
    "POST /api/halls/{hall}/tickets (priority)": {"service": "B", "priority": "priority"},
    "POST /api/halls/{hall}/users": {"username": "new-user", "password": PASSWORD, "role": "guide"},
    "POST /api/halls/{hall}/windows/{number}/transfer": {"service": "A"},
    "POST /api/tickets/{token}/print": {"kiosk": "k1"},
    "POST /api/halls/{hall}/notices": {"text": "春节期间营业时间调整"},
    "POST /api/halls/{hall}/windows/{number}/rating": {"ticket": 1, "score": "satisfied"},
}


def read_table() -> dict[str, dict[str, str]]:
    text = TABLE.read_text(encoding="utf-8")
    body = text.split("<!-- roles:begin -->")[1].split("<!-- roles:end -->")[0]
    rows = {}
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`").replace("` (", " (")] = dict(zip(COLUMNS, cells[1:], strict=True))
    return rows


def app_endpoints(app) -> set[str]:
    """HTTP endpoints from the OpenAPI schema (what clients are promised), websockets from the routes."""
    found = {f"{method.upper()} {path}" for path, ops in app.openapi()["paths"].items() for method in ops}
    routes = list(app.routes)
    while routes:
        route = routes.pop()
        if isinstance(route, WebSocketRoute):
            found.add(f"WS {route.path}")
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and inner is not app.router:
            routes.extend(inner.routes)
    return found


def test_every_endpoint_is_in_the_table(app):
    documented = {key.split(" (")[0] for key in read_table()}
    assert app_endpoints(app) == documented


@pytest.fixture
def staff(client):
    admin = login(client)
    for username, role, windows in [
        ("g1", "guide", []),
        ("c1", "clerk", [1]),
        ("c2", "clerk", [2]),
        ("m1", "manager", []),
    ]:
        body = {"username": username, "password": PASSWORD, "role": role, "windows": windows}
        assert client.post("/api/halls/main/users", json=body, headers=admin).status_code == 201
    return admin


def answer(client, endpoint: str, headers: dict, ticket_token: str) -> int:
    method, path = endpoint.split(" (")[0].split(" ", 1)
    url = (
        path.replace("{hall}", "main")
        .replace("{number}", "2")
        .replace("{token}", ticket_token)
        .replace("{ticket_id}", "1")
        .replace("{notice_id}", "1")
        .replace("{window}", "2")
    )
    if method == "WS":
        try:
            with client.websocket_connect(url, headers=headers) as ws:
                ws.receive_json()
            return 200
        except WebSocketDisconnect as closed:
            return closed.code
    return client.request(method, url, json=BODIES.get(endpoint), headers=headers).status_code


@pytest.mark.parametrize("column", COLUMNS)
def test_each_caller_gets_what_the_table_says(client, staff, column):
    token = client.post("/api/halls/main/tickets", json={"service": "A"}).json()["token"]
    mine = {} if column == "no token" else login(client, USERS[column])
    wrong = []
    for endpoint, row in read_table().items():
        expected = row[column]
        # Logout ends the token it is sent with: give it one of its own.
        headers = login(client, USERS[column]) if "logout" in endpoint and mine else mine
        if "{number}" in endpoint:  # a current ticket at window 2, so every action has something to act on
            client.post("/api/halls/main/windows/2/resume", headers=staff)
            client.post("/api/halls/main/tickets", json={"service": "A"})
            client.post("/api/halls/main/windows/2/call", headers=staff)
        status = answer(client, endpoint, headers, token)
        refused = status in (401, 403)
        if (expected == "ok" and (refused or status >= 500)) or (
            expected != "ok" and str(status) != expected
        ):
            wrong.append(f"{endpoint}: expected {expected}, got {status}")
    assert wrong == []


def test_staff_of_another_hall_are_refused_where_this_halls_staff_are_allowed(client, staff, db):
    from tests.factories import add_user, make_hall

    make_hall(db, "town", {1: "A", 2: "B"})
    add_user(db, "townboss", "manager", hall="town")
    outsider = login(client, "townboss")
    client.post("/api/halls/main/tickets", json={"service": "A"})
    for action in ("call", "pause"):
        assert client.post(f"/api/halls/main/windows/2/{action}", headers=outsider).status_code == 403
    body = {"service": "A", "priority": "priority"}
    assert client.post("/api/halls/town/tickets", json=body, headers=outsider).status_code == 201


def test_expired_tokens_are_refused(client, staff, db):
    from datetime import timedelta

    from sqlalchemy import update

    from hallq import clock
    from hallq.models import AuthToken

    headers = login(client, "m1")
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    with db.transaction() as session:
        session.execute(update(AuthToken).values(expires_at=clock.now() - timedelta(seconds=1)))
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_a_disabled_account_is_refused_with_the_token_it_already_holds(client, staff, db):
    from sqlalchemy import update

    from hallq.models import User

    headers = login(client, "c1")
    assert client.post("/api/halls/main/windows/1/call", headers=headers).status_code in (200, 204)
    with db.transaction() as session:
        session.execute(update(User).where(User.username == "c1").values(active=False))
    answer = client.post("/api/halls/main/windows/1/call", headers=headers)
    assert answer.status_code == 401 and "disabled" in answer.json()["detail"]
    assert client.get("/api/auth/me", headers=login(client, "m1")).status_code == 200  # others go on


def test_passwords_are_stored_only_as_argon2_hashes(client, staff, db):
    from sqlalchemy import select

    from hallq.models import User

    with db.session() as session:
        hashes = session.scalars(select(User.password_hash)).all()
    assert hashes and all(re.match(r"^\$argon2id\$", h) for h in hashes)
    assert not any(PASSWORD in h or "admin-pass-123" in h for h in hashes)
