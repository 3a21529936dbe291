"""What staff consoles read: a window's desk, the queues, one's own tally; and a manager's queue moves."""

from fastapi import APIRouter, Query
from fastapi.params import Path

from hallq import desks, queues
from hallq.api.deps import DbDep, SettingsDep, StaffDep
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, responses
from hallq.models.public import Desk, ServiceQueue, StaffTicket, Tally

router = APIRouter(prefix="/api/halls/{hall}", tags=["consoles"])
TicketId = Path(ge=1, le=2**62)


@router.get("/windows/{number}/desk", responses=responses(NOT_FOUND, AUTH, BAD_INPUT))
async def desk(
    hall: str,
    db: DbDep,
    actor: StaffDep,
    settings: SettingsDep,
    number: int = Path(ge=1, le=9999),
    upcoming: int = Query(5, ge=0, le=50),
) -> Desk:
    """The clerk console's view of a window: its current ticket and the next numbers of its services."""
    return await db.read(
        desks.desk,
        hall=hall,
        window=number,
        actor=actor,
        recall_limit=settings.recall_limit,
        auto_no_show_seconds=settings.auto_no_show_seconds,
        upcoming=upcoming,
    )


@router.get("/tally", responses=responses(NOT_FOUND, AUTH))
async def tally(hall: str, db: DbDep, actor: StaffDep) -> Tally:
    """The signed-in user's figures today: served, no-shows, average handling time, ratings."""
    return await db.read(desks.tally, hall=hall, actor=actor)


@router.get("/queues", responses=responses(NOT_FOUND, AUTH, BAD_INPUT))
async def hall_queues(
    hall: str, db: DbDep, actor: StaffDep, limit: int = Query(20, ge=0, le=200)
) -> list[ServiceQueue]:
    """Every service's waiting tickets in call order (guide and manager consoles)."""
    return await db.read(queues.hall_queues, hall=hall, actor=actor, limit=limit)


@router.post("/tickets/{ticket_id}/front", responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT))
async def move_to_front(hall: str, db: DbDep, actor: StaffDep, ticket_id: int = TicketId) -> StaffTicket:
    """Move a waiting ticket to the front of its service's queue (manager, admin)."""
    return await db.write(queues.move_to_front, hall=hall, ticket_id=ticket_id, actor=actor)


@router.post("/tickets/{ticket_id}/cancel", responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT))
async def cancel(hall: str, db: DbDep, actor: StaffDep, ticket_id: int = TicketId) -> StaffTicket:
    """Cancel a waiting ticket: it will not be called (manager, admin)."""
    return await db.write(queues.cancel, hall=hall, ticket_id=ticket_id, actor=actor)
