"""Halls, their services (业务类型) and windows (窗口)."""

from enum import StrEnum

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel


class Hall(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=100)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    # "HH:MM-HH:MM" in the hall's local time; None means numbers are issued around the clock.
    opening_hours: str | None = Field(default=None, max_length=11)
    # Last sequence number given to an event of this hall; bumped in the same transaction.
    event_seq: int = 0
    # Bumped with any change to services or windows (a pause included): processes reload their cache.
    layout_version: int = 0


class Service(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hall_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    code: str = Field(max_length=2)  # the ticket prefix letter
    name: str = Field(max_length=60)
    name_en: str = Field(default="", max_length=60)
    number_width: int = Field(default=3, ge=1, le=6)
    daily_cap: int | None = Field(default=None, ge=1)
    # 一次性告知: everything the customer must bring or fill in, shown and printed at once.
    documents: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    documents_en: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    position: int = 0


class WindowStatus(StrEnum):
    open = "open"
    paused = "paused"
    closed = "closed"


class Window(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hall_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    number: int = Field(ge=1)
    name: str = Field(default="", max_length=60)
    status: WindowStatus = Field(default=WindowStatus.open, sa_type=String(10))


class WindowService(SQLModel, table=True):
    """The services a window serves, in the window's own order."""

    window_id: int = Field(foreign_key="window.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    position: int = 0
