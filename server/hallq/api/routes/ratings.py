"""The evaluation pad (评价器): public, as it faces the customer; it rates only what its window finished."""

from fastapi import APIRouter
from fastapi.params import Path

from hallq import ratings
from hallq.api.deps import ActorDep, DbDep, SettingsDep
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, responses
from hallq.models.public import PadState, RatingPublic
from hallq.models.requests import RatingCreate

router = APIRouter(prefix="/api/halls/{hall}/windows/{number}", tags=["ratings"])
WindowNumber = Path(ge=1, le=9999)


@router.get("/pad", responses=responses(NOT_FOUND, BAD_INPUT))
async def pad(hall: str, db: DbDep, settings: SettingsDep, number: int = WindowNumber) -> PadState:
    """What the window's pad shows: the clerk, the current number, and the ticket that may be rated now."""
    return await db.read(ratings.pad_state, hall=hall, window=number, rating_seconds=settings.rating_seconds)


@router.post("/rating", status_code=201, responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT))
async def rate(
    hall: str,
    body: RatingCreate,
    db: DbDep,
    settings: SettingsDep,
    actor: ActorDep,
    number: int = WindowNumber,
) -> RatingPublic:
    """Rate the ticket this window just finished: once, within `rating_seconds` of the finish.

    409 `already_rated`, `not_rateable` (not the ticket this window finished last) or `rating_closed`.
    """
    return await db.write(
        ratings.rate,
        hall=hall,
        window=number,
        ticket_id=body.ticket,
        score=body.score,
        reasons=body.reasons,
        rating_seconds=settings.rating_seconds,
        actor=actor,
    )
