"""What routes get injected: the database, the hub, the settings, and who is asking."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hallq import users
from hallq.access import Actor, require_signed_in
from hallq.config import Settings
from hallq.db import Database
from hallq.live import Hub
from hallq.voice import Voice

bearer = HTTPBearer(auto_error=False, description="the access_token from POST /api/auth/login")


# async on purpose: FastAPI runs a plain `def` dependency in the thread pool, a costly hop
# for a dictionary lookup on every request.
async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_hub(request: Request) -> Hub:
    return request.app.state.hub


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_voice(request: Request) -> Voice:
    return request.app.state.voice


DbDep = Annotated[Database, Depends(get_db)]
HubDep = Annotated[Hub, Depends(get_hub)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
VoiceDep = Annotated[Voice, Depends(get_voice)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def get_actor(request: Request, db: DbDep, credentials: Credentials) -> Actor:
    """The signed-in user, or the public (a kiosk) when no token is sent. A bad token is refused."""
    if credentials is None:
        return Actor.public(f"public@{request.client.host if request.client else '?'}")
    return await db.read(users.actor_for_token, token=credentials.credentials)


async def request_actor(request: Request) -> Actor:
    """get_actor for a route that takes only the request (the issuing route, see jsonbody.py)."""
    signed = any(name == b"authorization" for name, _ in request.scope["headers"])  # kiosks: no
    return await get_actor(request, request.app.state.db, await bearer(request) if signed else None)


async def get_staff(actor: Annotated[Actor, Depends(get_actor)]) -> Actor:
    return require_signed_in(actor)


ActorDep = Annotated[Actor, Depends(get_actor)]
StaffDep = Annotated[Actor, Depends(get_staff)]
