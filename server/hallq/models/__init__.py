"""Every table, imported once so SQLModel.metadata knows them all."""

from hallq.models.board import DutyManager, Notice
from hallq.models.event import Event
from hallq.models.hall import Hall, Service, Window, WindowService, WindowStatus
from hallq.models.ticket import (
    RANK_FRONT,
    RANK_NORMAL,
    RANK_PRIORITY,
    DailyCounter,
    Priority,
    Ticket,
    TicketStatus,
)
from hallq.models.user import AuthToken, Role, User, UserWindow

__all__ = [
    "AuthToken",
    "DailyCounter",
    "DutyManager",
    "Event",
    "Hall",
    "Notice",
    "Priority",
    "RANK_FRONT",
    "RANK_NORMAL",
    "RANK_PRIORITY",
    "Role",
    "Service",
    "Ticket",
    "TicketStatus",
    "User",
    "UserWindow",
    "Window",
    "WindowService",
    "WindowStatus",
]
