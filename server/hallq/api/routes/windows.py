from fastapi import APIRouter, Response
from fastapi.params import Path

from hallq import windows
from hallq.api.deps import DbDep, StaffDep
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, responses
from hallq.models import WindowStatus
from hallq.models.public import StaffTicket, WindowPublic
from hallq.models.requests import TransferRequest

router = APIRouter(prefix="/api/halls/{hall}/windows/{number}", tags=["windows"])
WindowNumber = Path(ge=1, le=9999)
ERRORS = responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT)


@router.post("/call", responses={204: {"description": "nobody is waiting for this window"}, **ERRORS})
async def call_next(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> StaffTicket:
    """Call the next ticket (叫号). A ticket still current at this window is finished first."""
    ticket = await db.write(windows.call_next, hall=hall, window=number, actor=actor)
    if ticket is None:
        return Response(status_code=204)
    return ticket


@router.post("/recall", responses=ERRORS)
async def recall(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> StaffTicket:
    """Call the current ticket again (重呼)."""
    return await db.write(windows.recall, hall=hall, window=number, actor=actor)


@router.post("/start", responses=ERRORS)
async def start(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> StaffTicket:
    """The called customer is at the window (开始办理): no automatic no-show for this ticket."""
    return await db.write(windows.start, hall=hall, window=number, actor=actor)


@router.post("/no-show", responses=ERRORS)
async def no_show(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> StaffTicket:
    """The customer did not come: pass the number (过号)."""
    return await db.write(windows.no_show, hall=hall, window=number, actor=actor)


@router.post("/finish", responses=ERRORS)
async def finish(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> StaffTicket:
    """The current ticket is done (办结)."""
    return await db.write(windows.finish, hall=hall, window=number, actor=actor)


@router.post("/transfer", responses=ERRORS)
async def transfer(
    hall: str, body: TransferRequest, db: DbDep, actor: StaffDep, number: int = WindowNumber
) -> StaffTicket:
    """Send the current ticket to another service, or to a named window, keeping its number (转移)."""
    return await db.write(
        windows.transfer, hall=hall, window=number, actor=actor, service=body.service, to_window=body.window
    )


async def _set_status(hall: str, number: int, db, actor, status: WindowStatus) -> WindowPublic:
    return await db.write(windows.set_status, hall=hall, window=number, actor=actor, status=status)


@router.post("/pause", responses=ERRORS)
async def pause(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> WindowPublic:
    """Pause the window (暂停服务): it cannot call until resumed."""
    return await _set_status(hall, number, db, actor, WindowStatus.paused)


@router.post("/resume", responses=ERRORS)
async def resume(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> WindowPublic:
    """Resume a paused (or open a closed) window."""
    return await _set_status(hall, number, db, actor, WindowStatus.open)


@router.post("/close", responses=ERRORS)
async def close(hall: str, db: DbDep, actor: StaffDep, number: int = WindowNumber) -> WindowPublic:
    """Close the window for the day; refused while it still serves a ticket."""
    return await _set_status(hall, number, db, actor, WindowStatus.closed)
