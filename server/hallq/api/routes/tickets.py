from fastapi import APIRouter

from hallq import tickets
from hallq.api.deps import ActorDep, DbDep
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, RATE, responses
from hallq.models.public import StaffTicket, TicketPublic
from hallq.models.requests import TicketCreate

router = APIRouter(tags=["tickets"])


@router.post(
    "/api/halls/{hall}/tickets",
    status_code=201,
    response_model=StaffTicket | TicketPublic,
    responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT, RATE),
)
async def issue_ticket(hall: str, body: TicketCreate, db: DbDep, actor: ActorDep):
    """Take a number (取号). Public for the kiosk; a priority ticket needs a guide, manager or admin token.

    409 when the service cannot issue now: `code` is inactive, hall_closed, cap_reached or no_window_open.
    """
    return await db.write(
        tickets.issue_ticket,
        hall=hall,
        service=body.service,
        priority=body.priority,
        phone=body.phone,
        priority_reason=body.priority_reason,
        actor=actor,
    )


@router.get("/api/tickets/{token}", responses=responses(NOT_FOUND, RATE))
async def ticket_by_token(token: str, db: DbDep) -> TicketPublic:
    """One ticket by its private token (the phone page): how many are ahead, and once called, which window."""
    return await db.read(tickets.ticket_by_token, token=token)
