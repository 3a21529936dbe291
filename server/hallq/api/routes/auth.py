from fastapi import APIRouter

from hallq import users
from hallq.api.deps import Credentials, DbDep, SettingsDep, StaffDep
from hallq.api.errors import AUTH, BAD_INPUT, RATE, responses
from hallq.models.requests import LoginRequest

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", responses=responses(AUTH, BAD_INPUT, RATE))
async def login(body: LoginRequest, db: DbDep, settings: SettingsDep) -> users.LoginResult:
    """Exchange a username and password for a bearer token. Repeated failures lock the account for a while."""
    return await db.write(users.login, username=body.username, password=body.password, settings=settings)


@router.post("/logout", status_code=204, responses=responses(AUTH))
async def logout(db: DbDep, _actor: StaffDep, credentials: Credentials) -> None:
    """End this session: the token stops working at once."""
    await db.write(users.logout, token=credentials.credentials)


@router.get("/me", responses=responses(AUTH))
async def me(db: DbDep, actor: StaffDep) -> users.UserPublic:
    """Who this token belongs to, with the windows a clerk is bound to."""
    return await db.read(users.me, actor=actor)
