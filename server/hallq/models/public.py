"""The shapes the API and the live feed show. Nothing leaves the server except through these."""

from datetime import datetime

from pydantic import BaseModel, Field


class TicketBrief(BaseModel):
    """A ticket as anyone in the hall may see it: no phone, no tracking token."""

    id: int
    number: str
    service: str = Field(description="code of the service it is queued for now")
    status: str
    priority: str
    window: int | None = Field(None, description="number of the window serving or last serving it")
    issued_at: datetime
    called_at: datetime | None = None
    finished_at: datetime | None = None
    recall_count: int = 0


class TicketPublic(TicketBrief):
    """A ticket as its holder (kiosk, phone page) or staff see it."""

    service_name: str
    service_name_en: str
    ahead: int = Field(description="waiting tickets that will be called before this one (0 once called)")
    token: str = Field(description="unguessable; opens the phone page /t/{token}")
    documents: list[str] = Field(default_factory=list, description="what to bring (一次性告知)")
    documents_en: list[str] = Field(default_factory=list)
    business_day: str
    hall: str
    hall_name: str
    timezone: str = Field(description="the hall's time zone, to show times as the hall's clock does")


class StaffTicket(TicketPublic):
    """A ticket as a clerk, guide or manager sees it."""

    phone: str | None = None
    clerk: str | None = None
    priority_reason: str | None = Field(None, description="key_customer, elderly_disabled or urgent")
    arrived_at: datetime | None = Field(None, description="when the customer came to the window (开始办理)")
    audio_url: str | None = Field(None, description="after a call or recall: the spoken announcement, a WAV")


class ServicePublic(BaseModel):
    code: str
    name: str
    name_en: str
    number_width: int
    daily_cap: int | None
    documents: list[str]
    documents_en: list[str]
    active: bool
    waiting: int
    issued_today: int
    available: bool = Field(description="a kiosk may issue a number for it now")
    closed_reason: str | None = Field(
        None,
        description="why not: inactive, hall_closed, cap_reached or no_window_open",
    )


class WindowPublic(BaseModel):
    number: int
    name: str
    services: list[str]
    status: str
    current: TicketBrief | None = None


class HallSummary(BaseModel):
    slug: str
    name: str
    name_en: str


class HallDetail(HallSummary):
    timezone: str
    opening_hours: str | None
    open: bool = Field(description="numbers are being issued now (inside opening hours)")
    business_day: str
    services: list[ServicePublic]
    windows: list[WindowPublic]


class QueuedTicket(BaseModel):
    """A waiting ticket in a staff queue view."""

    id: int
    number: str
    service: str
    priority: str
    priority_reason: str | None = None
    front: bool = Field(description="moved to the front by a manager")
    issued_at: datetime
    target_window: int | None = Field(None, description="transferred to this window only (一窗受理)")
    transferred: bool


class ServiceQueue(BaseModel):
    code: str
    name: str
    name_en: str
    waiting: int
    next: list[QueuedTicket] = Field(description="the next tickets, in call order")


class Desk(BaseModel):
    """One window as its clerk's console shows it."""

    window: WindowPublic
    current: StaffTicket | None
    queues: list[ServiceQueue] = Field(description="the services this window serves, what it would call next")
    recall_limit: int
    suggest_no_show: bool = Field(description="the current ticket was recalled recall_limit times")
    auto_no_show_seconds: int | None = Field(None, description="叫号超时自动过号; None when off")
    no_show_at: datetime | None = Field(None, description="when the current ticket will be passed by itself")


class Tally(BaseModel):
    """A member of staff's own figures today."""

    username: str
    business_day: str
    served: int = Field(description="tickets finished (办结)")
    no_show: int
    average_handling_seconds: float | None = Field(None, description="from call to finish, over those served")
    ratings: dict[str, int] = Field(description="very_satisfied, satisfied, dissatisfied")


class PadState(BaseModel):
    """What a window's evaluation pad (评价器) shows."""

    window: int
    window_name: str
    status: str
    clerk: str | None = Field(None, description="who serves at this window now")
    current: TicketBrief | None = None
    to_rate: TicketBrief | None = Field(None, description="the ticket just finished here, if it may be rated")
    rate_until: datetime | None = None


class RatingPublic(BaseModel):
    ticket: str = Field(description="the ticket's number")
    window: int
    score: str
    reasons: list[str]
    at: datetime


class DutyPublic(BaseModel):
    weekday: int = Field(description="0 Monday … 4 Friday")
    name: str
    title: str


class NoticePublic(BaseModel):
    id: int
    text: str
    posted_at: datetime


class HallBoard(BaseModel):
    """What the hall display shows besides the calls: today's duty manager and the announcements."""

    duty_today: DutyPublic | None = Field(
        description="the duty manager of the hall's local today; none at weekends"
    )
    roster: list[DutyPublic]
    notices: list[NoticePublic] = Field(description="oldest first, as they scroll")
