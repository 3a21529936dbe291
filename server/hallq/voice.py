"""Voice announcements: "请A001号到3号窗口办理" said aloud, as WAV files cached by their text.

Every call's `ticket.called` event carries `audio_url`, made from the hall and what is said
(number, window, recall) and nothing else, so any server process can answer it: one that never
synthesised the announcement does so on demand when the display fetches it, for a number
really called at that window today (nobody fills the disk with made-up announcements). The process
that committed the call starts synthesis right after the commit (see `publishing`), so the
WAV is usually on disk before the display has finished its chime.

Synthesis runs in one engine process (voice_engine.py) fed by one thread, one job at a time;
calls go before on-demand fetches. A missing or broken engine never blocks a call: the event
goes out, the display plays its chime, the WAV request answers 503, and the log says why once.
"""

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import queue
import re
import shlex
import subprocess
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from hallq import halls, layout, speech, voice_engine
from hallq.config import Settings
from hallq.errors import Unavailable
from hallq.models import Ticket

log = logging.getLogger("hallq.voice")

NUMBER = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
CALL, ON_DEMAND = 0, 1  # job priorities: a call just made goes first
MAX_ON_DEMAND = 64  # fetches waiting beyond this are refused: nobody floods the engine
START_TIMEOUT, JOB_TIMEOUT = 20.0, 20.0
RETRY_AFTER = 60.0  # a broken engine is tried again after this long
PRUNE_EVERY = 6 * 3600.0


def audio_url(hall: str, number: str, window: int, *, recall: bool = False) -> str | None:
    """Where the announcement of a call is fetched; None for a number the voice cannot spell."""
    if not NUMBER.match(number):
        return None
    return f"/api/halls/{hall}/voice/{number}/{window}{'/recall' if recall else ''}.wav"


def was_called(*, session: Session, hall: str, number: str, window: int) -> bool:
    """Whether today's ticket of that number was called at that window (it may be served or done since)."""
    place = layout.load_layout(session, hall)
    desk = place.window(number=window)
    found = session.scalar(
        select(Ticket.id).where(
            Ticket.hall_id == place.hall.id,
            Ticket.business_day == halls.today(place.hall.timezone),
            Ticket.number == number,  # with the two above: the unique index, one lookup
            Ticket.window_id == desk.id,
            Ticket.called_at.is_not(None),
        )
    )
    return found is not None


class VoiceUnavailable(Unavailable):
    code = "voice_unavailable"


class _EngineDown(Exception):
    """The engine process could not start, died or hung: not the fault of one text."""


class Voice:
    def __init__(self, settings: Settings, *, chime: Path | None = None, warm_up_after: float = 1.0) -> None:
        self.folder = settings.data_dir / "voice"
        self.langs = settings.voice_languages
        self.voices = {"zh": settings.voice_zh, "en": settings.voice_en}
        self.rate = settings.voice_rate
        self.repeat = settings.voice_repeat
        self.keep_seconds = settings.voice_cache_days * 86400
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._inflight: dict[Path, Future] = {}
        self._lock = threading.Lock()
        self._proc = None
        self._conn = None
        self._down_since: float | None = None
        self._warm_up_at = time.monotonic() + warm_up_after
        self._thread = threading.Thread(target=self._run, name="hallq-voice", daemon=True)
        self.speaker = (
            Speaker(settings.voice_play_command, chime, self.repeat) if settings.voice_play_command else None
        )

    # --- what the rest of the server uses

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        if self.speaker:
            self.speaker.start()

    def close(self) -> None:
        self._jobs.put((-1, -1, None))  # before any waiting job: the thread stops its engine and ends
        self._thread.join(timeout=10)
        if self._thread.is_alive() and self._proc is not None:
            self._proc.kill()  # stuck in a job: the engine goes, the daemon thread with the process
        if self.speaker:
            self.speaker.close()

    @property
    def available(self) -> bool | None:
        """True once the engine answered, False while it is down, None before it was tried."""
        if self._down_since is not None:
            return False
        return True if self._proc is not None else None

    def segments(self, number: str, window: int, recall: bool) -> list[tuple[str, str]]:
        return [
            (self.voices[lang], speech.spoken_text(number, window, recall=recall, lang=lang))
            for lang in self.langs
        ]

    def path_for(self, segments: list[tuple[str, str]]) -> Path:
        """The cache file of a text: the same words with the same voice are synthesised once."""
        key = hashlib.sha256(json.dumps([self.rate, segments], ensure_ascii=False).encode()).hexdigest()
        return self.folder / f"{key[:32]}.wav"

    def cached(self, number: str, window: int, *, recall: bool = False) -> Path | None:
        path = self.path_for(self.segments(number, window, recall))
        try:
            os.utime(path)  # in use: keep it past the next prune
        except FileNotFoundError:
            return None
        return path

    def request(self, number: str, window: int, *, recall: bool = False, priority: int = ON_DEMAND) -> Future:
        """A future of the announcement's WAV path: at once from the cache, else after synthesis."""
        path = self.cached(number, window, recall=recall)
        if path is not None:
            return _done(path)
        path = self.path_for(self.segments(number, window, recall))
        with self._lock:
            pending = self._inflight.get(path)
            if pending is not None:
                return pending
            if self._down_since is not None and time.monotonic() - self._down_since < RETRY_AFTER:
                return _failed(VoiceUnavailable("the voice engine is not working; see the server log"))
            if priority != CALL and self._jobs.qsize() >= MAX_ON_DEMAND:
                return _failed(VoiceUnavailable("the voice is busy; try again", code="voice_busy"))
            future: Future = Future()
            self._inflight[path] = future
            self._jobs.put(
                (priority, next(self._order), (self.segments(number, window, recall), path, future))
            )
        return future

    async def wav(self, number: str, window: int, *, recall: bool = False) -> Path:
        # Shielded: a display that hangs up must not cancel the job others wait for too.
        return await asyncio.shield(asyncio.wrap_future(self.request(number, window, recall=recall)))

    def publishing(self, publish):
        """Wrap the after-commit publisher: each committed call starts its announcement at once."""

        async def publish_and_announce(events) -> None:
            for event in events:
                if event.text.startswith('{"type":"ticket.called"'):
                    self._prepare(json.loads(event.text))
            await publish(events)

        return publish_and_announce

    def _prepare(self, called: dict) -> None:
        number, window, recall = called["ticket"]["number"], called["window"], called["recall"]
        if not NUMBER.match(number):
            return
        future = self.request(number, window, recall=recall, priority=CALL)
        if self.speaker:
            future.add_done_callback(self.speaker.play)

    # --- the voice thread: the only one that talks to the engine

    def _run(self) -> None:
        next_prune = self._warm_up_at
        while True:
            due = min(next_prune, self._warm_up_at) if self._warm_up_at else next_prune
            try:
                _, _, job = self._jobs.get(timeout=max(0.0, due - time.monotonic()))
            except queue.Empty:
                job = "idle"
            if job is None:
                self._stop_engine()
                self._fail_waiting()
                return
            if job != "idle":
                self._do(job)
            if not self._jobs.empty():
                continue
            # Housekeeping, only while nobody waits for an announcement.
            if self._warm_up_at and time.monotonic() >= self._warm_up_at:
                self._warm_up_at = 0.0
                with contextlib.suppress(_EngineDown):
                    self._ensure_engine()  # the first call of the day should not wait for a start
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY
                self._prune()

    def _do(self, job) -> None:
        segments, path, future = job
        try:
            if future.set_running_or_notify_cancel():  # False: nobody wants it any more
                try:
                    future.set_result(self._synthesize(segments, path))
                except Exception as exc:  # noqa: BLE001 - whatever failed, this call goes on without a voice
                    future.set_exception(VoiceUnavailable(f"the announcement could not be made: {exc}"))
        finally:
            with self._lock:
                self._inflight.pop(path, None)

    def _fail_waiting(self) -> None:
        """At shut-down: answer every job still queued, so no request waits for ever."""
        while True:
            try:
                _, _, job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job not in (None, "idle") and job[2].set_running_or_notify_cancel():
                job[2].set_exception(VoiceUnavailable("the server is stopping"))

    def _synthesize(self, segments: list[tuple[str, str]], path: Path) -> Path:
        try:
            self._ensure_engine()
            self._conn.send((segments, str(path)))
            if not self._conn.poll(JOB_TIMEOUT):
                raise _EngineDown(f"no answer within {JOB_TIMEOUT:.0f} s")
            status, detail = self._conn.recv()
        except (_EngineDown, OSError, EOFError) as exc:
            self._engine_failed(exc)
            raise
        if status != "ok":
            log.warning("could not say %r: %s", segments, detail)
            raise RuntimeError(detail)
        return path

    def _ensure_engine(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        self._stop_engine()
        ctx = multiprocessing.get_context("spawn")  # never fork: pyttsx3 must start in a fresh process
        ours, theirs = ctx.Pipe()
        voices = sorted({self.voices[lang] for lang in self.langs})
        proc = ctx.Process(
            target=voice_engine.serve,
            args=(theirs, voices, self.rate),
            name="hallq-voice-engine",
            daemon=True,
        )
        proc.start()
        theirs.close()
        try:
            if not ours.poll(START_TIMEOUT):
                raise _EngineDown(f"the engine did not start within {START_TIMEOUT:.0f} s")
            status, detail = ours.recv()
        except (OSError, EOFError) as exc:
            status, detail = "error", f"the engine process ended ({exc or type(exc).__name__})"
        self._proc, self._conn = proc, ours
        if status != "ready":
            self._engine_failed(_EngineDown(detail))
            raise _EngineDown(detail)
        if self._down_since is not None:
            log.warning("voice: the engine works again; announcements are spoken")
        self._down_since = None

    def _engine_failed(self, exc: Exception) -> None:
        if self._down_since is None:
            # One warning, not one per call: calls go on being shown, with the chime only.
            log.warning(
                "voice: announcements are not spoken (%s). Calls are still shown and the chime still "
                "plays. Is libespeak-ng1 installed, and the voice %s? Trying again every %.0f s.",
                exc,
                " and ".join(self.voices[lang] for lang in self.langs),
                RETRY_AFTER,
            )
        self._down_since = time.monotonic()
        self._stop_engine()

    def _stop_engine(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        if proc is not None:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=2)

    def _prune(self) -> None:
        """Delete announcements unused for voice_cache_days (the cache of a hall's numbers stays bounded)."""
        cutoff = time.time() - self.keep_seconds
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                with contextlib.suppress(OSError):
                    if entry.name.endswith(".wav") and entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _failed(exc: Exception) -> Future:
    future: Future = Future()
    future.set_exception(exc)
    return future


class Speaker:
    """Speakers wired to the server (off by default): chime then announcement, `repeat` times,
    through a configured command such as `aplay -q {file}`, one sound at a time, in call order."""

    def __init__(self, command: str, chime: Path | None, repeat: int) -> None:
        self.command = shlex.split(command)
        self.chime = chime
        self.repeat = repeat
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="hallq-speaker", daemon=True)
        self._warned = False

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def play(self, announcement: Future) -> None:
        """Queue a call's sounds; without a voice, the chime alone still says that something happened."""
        spoken = not announcement.cancelled() and announcement.exception() is None
        self._queue.put(announcement.result() if spoken else False)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            for _ in range(self.repeat):
                if self.chime is not None:
                    self._play(self.chime)
                if item:
                    self._play(item)

    def _play(self, file: Path) -> None:
        args = [part.replace("{file}", str(file)) for part in self.command]
        if "{file}" not in " ".join(self.command):
            args.append(str(file))
        try:
            subprocess.run(args, timeout=60, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self._warned = False
        except (OSError, subprocess.SubprocessError) as exc:
            if not self._warned:
                log.warning("voice: the play command %r failed: %s", self.command[0], exc)
                self._warned = True
