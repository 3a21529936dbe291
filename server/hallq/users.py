"""Staff accounts: passwords (argon2id hashes only), sign-in tokens, lockout after failures."""

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import bindparam, delete, select
from sqlmodel import Session

from hallq import clock, halls, layout
from hallq.access import Actor, require_hall, require_role
from hallq.config import Settings
from hallq.errors import Conflict, Invalid, TooManyRequests, Unauthorized
from hallq.fastsql import Statement
from hallq.models import AuthToken, Hall, Role, User, UserWindow, Window

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")
MIN_PASSWORD = 8
# Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


class UserPublic(BaseModel):
    username: str
    display_name: str
    role: str
    hall: str | None
    windows: list[int]


class LoginResult(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    username: str
    expires_in: int


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters", code="weak_password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _window_numbers(session: Session, user: User) -> list[int]:
    rows = session.scalars(
        select(Window.number)
        .join(UserWindow, UserWindow.window_id == Window.id)
        .where(UserWindow.user_id == user.id)
    )
    return sorted(rows)


def to_public(session: Session, user: User) -> UserPublic:
    hall = session.get(Hall, user.hall_id) if user.hall_id else None
    return UserPublic(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        hall=hall.slug if hall else None,
        windows=_window_numbers(session, user),
    )


def create_user(
    *,
    session: Session,
    hall: str | None,
    username: str,
    password: str,
    role: Role,
    windows: list[int] | None = None,
    display_name: str = "",
    actor: Actor | None = None,
) -> UserPublic:
    """Add a staff account. `actor` None means the command line (whoever holds the server's shell)."""
    if actor is not None:
        require_role(actor, frozenset({Role.admin}), "add users")
    if not USERNAME.match(username):
        raise Invalid("a username is 2-40 letters, digits, '.', '_' or '-'", code="bad_username")
    check_password_rules(password)
    hall_row = halls.get_hall(session, hall) if hall else None
    if hall_row is not None and actor is not None:
        require_hall(actor, hall_row)
    windows = sorted(set(windows or []))
    if windows and role != Role.clerk:
        raise Invalid("only a clerk is bound to windows", code="windows_for_non_clerk")
    if role != Role.admin and hall_row is None:
        raise Invalid("a manager, clerk or guide belongs to one hall", code="hall_required")
    if session.scalars(select(User).where(User.username == username)).first():
        raise Conflict(f"user {username!r} already exists", code="user_exists")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        hall_id=hall_row.id if hall_row else None,
    )
    session.add(user)
    session.flush()
    if windows:
        place = layout.load_layout(session, hall_row.slug)
        for number in windows:
            session.add(UserWindow(user_id=user.id, window_id=place.window(number).id))
        session.flush()
    return to_public(session, user)


def login(*, session: Session, username: str, password: str, settings: Settings) -> LoginResult:
    user = session.scalars(select(User).where(User.username == username)).first()
    now = clock.now()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        raise Unauthorized("wrong username or password", code="bad_credentials")
    if user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise TooManyRequests(f"too many failed sign-ins; try again in {wait} s", code="locked")
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)
            user.failed_logins = 0
        session.add(user)
        # The failure must be remembered even though the caller answers with an error.
        raise Unauthorized("wrong username or password", code="bad_credentials", keep_changes=True)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    token = secrets.token_urlsafe(32)
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    session.add(AuthToken(token_hash=_token_hash(token), user_id=user.id, expires_at=now + ttl))
    # Expired tokens are swept here rather than by a timer: sign-ins are rare, tokens few.
    session.execute(delete(AuthToken).where(AuthToken.expires_at < now))
    return LoginResult(
        access_token=token,
        role=user.role,
        username=user.username,
        expires_in=int(ttl.total_seconds()),
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Every staff request asks who sent it: two statements, written once (see fastsql.py).
_SIGNED_IN = Statement(
    select(
        User.id,
        User.username,
        User.role,
        User.hall_id,
        User.active,
        (AuthToken.expires_at > bindparam("now")).label("current"),
    )
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(AuthToken.token_hash == bindparam("token_hash"))
)
_WINDOWS_OF = Statement(select(UserWindow.window_id).where(UserWindow.user_id == bindparam("user_id")))


def actor_for_token(*, session: Session, token: str) -> Actor:
    rows = _SIGNED_IN.all(session, {"token_hash": _token_hash(token), "now": clock.now()})
    if not rows or not rows[0][-1]:  # no such token, or it has expired
        raise Unauthorized("sign in again: the session has expired or was ended", code="bad_token")
    user_id, username, role, hall_id, active, _ = rows[0]
    if not active:
        raise Unauthorized("this account is disabled", code="bad_token")
    window_ids = _WINDOWS_OF.all(session, {"user_id": user_id})
    return Actor(
        user_id=user_id,
        name=username,
        role=Role(role),
        hall_id=hall_id,
        window_ids=frozenset(window_id for (window_id,) in window_ids),
    )


def logout(*, session: Session, token: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.token_hash == _token_hash(token)))


def me(*, session: Session, actor: Actor) -> UserPublic:
    return to_public(session, session.get(User, actor.user_id))
