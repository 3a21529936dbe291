from fastapi import APIRouter

from hallq import halls
from hallq.api.deps import DbDep
from hallq.api.errors import NOT_FOUND, responses
from hallq.models.public import HallDetail, HallSummary

router = APIRouter(prefix="/api/halls", tags=["halls"])


@router.get("", responses=responses())
async def list_halls(db: DbDep) -> list[HallSummary]:
    return await db.read(halls.list_halls)


@router.get("/{hall}", responses=responses(NOT_FOUND))
async def hall_detail(hall: str, db: DbDep) -> HallDetail:
    """Services with their waiting counts and availability, windows with their current ticket."""
    return await db.read(halls.hall_detail, slug=hall)
