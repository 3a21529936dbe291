"""What clients send. Lengths are bounded so nothing oversized reaches the domain."""

from pydantic import BaseModel, ConfigDict, Field

from hallq.models.rating import Complaint, Score
from hallq.models.ticket import Priority, PriorityReason
from hallq.models.user import Role

# PostgreSQL cannot store NUL in text: free text refuses it, and the schema says so.
NO_NUL = r"^[^\x00]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketCreate(Strict):
    service: str = Field(
        min_length=1, max_length=2, pattern=NO_NUL, description="the service's code (prefix letter)"
    )
    priority: Priority = Priority.normal
    phone: str | None = Field(
        None, max_length=20, pattern=NO_NUL, description="mobile number for the reminder SMS"
    )
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
    service: str | None = Field(None, min_length=1, max_length=2, pattern=NO_NUL)
    window: int | None = Field(None, ge=1, le=9999)


class RatingCreate(Strict):
    ticket: int = Field(ge=1, description="id of the ticket the window just finished")
    score: Score
    reasons: list[Complaint] = Field(default_factory=list, max_length=4, description="only when dissatisfied")


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=40, pattern=NO_NUL)
    password: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class UserCreate(Strict):
    username: str = Field(min_length=2, max_length=40, pattern=NO_NUL)
    password: str = Field(min_length=8, max_length=200, pattern=NO_NUL)
    role: Role
    windows: list[int] = Field(default_factory=list, max_length=100)
    display_name: str = Field("", max_length=60, pattern=NO_NUL)


class NoticeCreate(Strict):
    text: str = Field(
        min_length=1,
        max_length=300,
        pattern=NO_NUL,
        description="one announcement (公告) for the display's bar",
    )


class ErrorBody(BaseModel):
    detail: str | list = Field(description="what went wrong, for people")
    code: str | None = Field(None, description="what went wrong, for programs (e.g. window_paused)")
