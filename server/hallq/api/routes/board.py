"""The hall's notice board: duty manager and announcements (公告), shown by the display."""

from fastapi import APIRouter
from fastapi.params import Path

from hallq import board
from hallq.api.deps import DbDep, StaffDep
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, responses
from hallq.models.public import HallBoard, NoticePublic
from hallq.models.requests import NoticeCreate

router = APIRouter(prefix="/api/halls/{hall}", tags=["board"])


@router.get("/board", responses=responses(NOT_FOUND))
async def hall_board(hall: str, db: DbDep) -> HallBoard:
    """Today's duty manager (经理值班), the weekday roster, and the announcements. Public."""
    return await db.read(board.board, slug=hall)


@router.post("/notices", status_code=201, responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT))
async def post_notice(hall: str, body: NoticeCreate, db: DbDep, actor: StaffDep) -> NoticePublic:
    """Post an announcement to the display's scrolling bar (manager or admin)."""
    return await db.write(board.post_notice, hall=hall, text=body.text, actor=actor)


@router.delete("/notices/{notice_id}", status_code=204, responses=responses(NOT_FOUND, AUTH))
async def remove_notice(hall: str, db: DbDep, actor: StaffDep, notice_id: int = Path(ge=1)) -> None:
    """Take an announcement off the display (manager or admin)."""
    await db.write(board.remove_notice, hall=hall, notice_id=notice_id, actor=actor)
