"""The spoken announcements, as WAV files, and what a display needs to know to play them."""

from fastapi import APIRouter
from fastapi.params import Path
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from hallq.api.deps import SettingsDep, VoiceDep
from hallq.api.errors import BAD_INPUT, responses
from hallq.models.requests import ErrorBody
from hallq.voice import NUMBER

router = APIRouter(prefix="/api/voice", tags=["voice"])
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


def _wav(path) -> FileResponse:
    # Revalidated (ETag) rather than cached for long: a change of voice settings is heard at once.
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-cache"})


@router.get("", responses=responses())
async def voice_info(voice: VoiceDep, settings: SettingsDep) -> VoiceInfo:
    """How displays play calls: repeat count and chime. Public, like the displays."""
    return VoiceInfo(
        repeat=settings.voice_repeat,
        langs=settings.voice_languages,
        chime="/sounds/chime.wav",
        available=voice.available,
    )


@router.get("/{number}/{window}.wav", response_class=FileResponse, responses=responses(BAD_INPUT, WAV))
async def announcement(voice: VoiceDep, number: str = TicketNumber, window: int = WindowNumber):
    """ "请A001号到3号窗口办理", spoken. Synthesised on first request, then served from the cache."""
    return _wav(await voice.wav(number, window))


@router.get("/{number}/{window}/recall.wav", response_class=FileResponse, responses=responses(BAD_INPUT, WAV))
async def recall_announcement(voice: VoiceDep, number: str = TicketNumber, window: int = WindowNumber):
    """The recall (重呼) of a number at a window, spoken."""
    return _wav(await voice.wav(number, window, recall=True))
