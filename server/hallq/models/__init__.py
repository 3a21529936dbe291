"""Every table, imported once so SQLModel.metadata knows them all."""

from hallq.models.board import DutyManager, Notice
from hallq.models.event import Event
from hallq.models.hall import Hall, Service, Window, WindowService, WindowStatus
from hallq.models.rating import Complaint, Rating, Score
from hallq.models.ticket import (
    RANK_FRONT,
    RANK_NORMAL,
    RANK_PRIORITY,
    DailyCounter,
    Priority,
    PriorityReason,
    Ticket,
    TicketStatus,
)
from hallq.models.user import AuthToken, Role, User, UserWindow

__all__ = [
    "AuthToken",
    "Complaint",
    "DailyCounter",
    "DutyManager",
    "Event",
    "Hall",
    "Notice",
    "Priority",
    "PriorityReason",
    "RANK_FRONT",
    "RANK_NORMAL",
    "RANK_PRIORITY",
    "Rating",
    "Role",
    "Score",
    "Service",
    "Ticket",
    "TicketStatus",
    "User",
    "UserWindow",
    "Window",
    "WindowService",
    "WindowStatus",
]
