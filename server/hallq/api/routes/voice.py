"""The spoken announcements, as WAV files, and what a display needs to know to play them."""

from fastapi import APIRouter
from fastapi.params import Path
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from hallq.api.deps import DbDep, SettingsDep, VoiceDep
from hallq.api.errors import BAD_INPUT, NOT_FOUND, responses
from hallq.errors import NotFound
from hallq.models.requests import ErrorBody
from hallq.voice import NUMBER, Voice, was_called

router = APIRouter(tags=["voice"])
TicketNumber = Path(pattern=NUMBER.pattern, description="e.g. A001")
WindowNumber = Path(ge=1, le=9999)
WAV = {
    200: {"content": {"audio/wav": {}}, "description": "the announcement: RIFF WAV, 22050 Hz, mono"},
    503: {
        "model": ErrorBody,
        "description": "the voice engine is not working (the display plays its chime only)",
    },
}


class VoiceInfo(BaseModel):
    repeat: int = Field(description="how many times a display says each call (chime + announcement)")
    langs: list[str] = Field(description="the languages of each announcement, said in this order")
    chime: str = Field(description="the two-tone chime played before each announcement")
    available: bool | None = Field(description="whether this server's engine works (None: not tried yet)")


async def _wav(db, voice: Voice, hall: str, number: str, window: int, recall: bool) -> FileResponse:
    # Checked even when the words are cached (the cache is shared by halls and days): an
    # announcement exists for a real call only, and nobody fills the disk with made-up numbers.
    if not await db.read(was_called, hall=hall, number=number, window=window):
        raise NotFound(f"{number} was not called at window {window} today", code="unknown_call")
    path = voice.cached(number, window, recall=recall) or await voice.wav(number, window, recall=recall)
    # Revalidated (ETag) rather than cached for long: a change of voice settings is heard at once.
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-cache"})


@router.get("/api/voice", responses=responses())
async def voice_info(voice: VoiceDep, settings: SettingsDep) -> VoiceInfo:
    """How displays play calls: repeat count and chime. Public, like the displays."""
    return VoiceInfo(
        repeat=settings.voice_repeat,
        langs=settings.voice_languages,
        chime="/sounds/chime.wav",
        available=voice.available,
    )


ANNOUNCEMENT = "/api/halls/{hall}/voice/{number}/{window}"
ERRORS = responses(NOT_FOUND, BAD_INPUT, WAV)


@router.get(ANNOUNCEMENT + ".wav", response_class=FileResponse, responses=ERRORS)
async def announcement(
    hall: str, db: DbDep, voice: VoiceDep, number: str = TicketNumber, window: int = WindowNumber
):
    """ "请A001号到3号窗口办理", spoken: made once, then served from the cache. 404 unless it was called."""
    return await _wav(db, voice, hall, number, window, recall=False)


@router.get(ANNOUNCEMENT + "/recall.wav", response_class=FileResponse, responses=ERRORS)
async def recall_announcement(
    hall: str, db: DbDep, voice: VoiceDep, number: str = TicketNumber, window: int = WindowNumber
):
    """The recall (重呼) of a number at a window, spoken."""
    return await _wav(db, voice, hall, number, window, recall=True)
