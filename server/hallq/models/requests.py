"""What clients send. Lengths are bounded so nothing oversized reaches the domain."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hallq.models.rating import Complaint, Score
from hallq.models.ticket import Priority, PriorityReason
from hallq.models.user import Role


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    if isinstance(value, dict):
        for item in value.values():
            _no_nul(item)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data):
        # PostgreSQL cannot store NUL in text: refuse it here as bad input, on every database.
        return _no_nul(data)


class TicketCreate(Strict):
    service: str = Field(min_length=1, max_length=2, description="the service's code (prefix letter)")
    priority: Priority = Priority.normal
    phone: str | None = Field(None, max_length=20, description="mobile number for the reminder SMS")
    priority_reason: PriorityReason | None = Field(None, description="with a priority ticket: why")
    request_id: str | None = Field(
        None,
        min_length=8,
        max_length=40,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="chosen by the client once per confirm (a UUID); sent again, the same ticket comes back",
    )


class PrintRequest(Strict):
    kiosk: str = Field(
        min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$", description="as in HALLQ_PRINTERS"
    )


class TransferRequest(Strict):
    service: str | None = Field(None, min_length=1, max_length=2)
    window: int | None = Field(None, ge=1, le=9999)


class RatingCreate(Strict):
    ticket: int = Field(ge=1, description="id of the ticket the window just finished")
    score: Score
    reasons: list[Complaint] = Field(default_factory=list, max_length=4, description="only when dissatisfied")


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=200)


class UserCreate(Strict):
    username: str = Field(min_length=2, max_length=40)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    windows: list[int] = Field(default_factory=list, max_length=100)
    display_name: str = Field("", max_length=60)


class NoticeCreate(Strict):
    text: str = Field(
        min_length=1, max_length=300, description="one announcement (公告) for the display's bar"
    )


class ErrorBody(BaseModel):
    detail: str | list = Field(description="what went wrong, for people")
    code: str | None = Field(None, description="what went wrong, for programs (e.g. window_paused)")
