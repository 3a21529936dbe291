from fastapi import APIRouter

from hallq import users
from hallq.api.deps import DbDep, StaffDep
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, responses
from hallq.models.requests import UserCreate

router = APIRouter(tags=["users"])


@router.post(
    "/api/halls/{hall}/users", status_code=201, responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT)
)
async def create_user(hall: str, body: UserCreate, db: DbDep, actor: StaffDep) -> users.UserPublic:
    """Add a staff account to a hall (admin only). A clerk is bound to the windows listed."""
    return await db.write(
        users.create_user,
        hall=hall,
        username=body.username,
        password=body.password,
        role=body.role,
        windows=body.windows,
        display_name=body.display_name,
        actor=actor,
    )
