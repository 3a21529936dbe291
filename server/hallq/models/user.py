"""Staff accounts and their sign-in tokens."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from hallq.models.types import UTCDateTime


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    clerk = "clerk"
    guide = "guide"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=40)
    display_name: str = Field(default="", max_length=60)
    password_hash: str = Field(max_length=200)
    role: Role = Field(sa_type=String(10))
    # None: every hall (an admin of the whole company); otherwise the one hall this account works in.
    hall_id: int | None = Field(default=None, foreign_key="hall.id")
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class UserWindow(SQLModel, table=True):
    """The windows a clerk is bound to."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    window_id: int = Field(foreign_key="window.id", primary_key=True)


class AuthToken(SQLModel, table=True):
    # Only a hash is stored: a leaked database gives no usable tokens.
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
