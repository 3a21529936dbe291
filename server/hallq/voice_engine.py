"""The speech engine's own process: pyttsx3 on espeak-ng, driven one job at a time.

pyttsx3 is fragile in a server: parallel calls silently lose files, only the last command
before runAndWait() runs, a process forked after init() hangs, and the engine is cached weakly.
So it lives alone in a process started with `spawn`, initialised there (never at import),
kept referenced for the life of the process, and fed one WAV per runAndWait() over a pipe.

One more, found here: the espeak driver synthesises on espeak's own thread, and runAndWait()
returns about 10 ms after synthesis *starts*. A long text, or a busy machine, and the file is
not written yet (or the next job's start clears the half-made audio). So each job also waits
for the driver's "finished-utterance" notice, which comes after the file is written.
"""

import contextlib
import os
import sys
import threading
import wave
from multiprocessing.connection import Connection
from pathlib import Path

# Between the languages of one announcement ("zh,en").
PAUSE_SECONDS = 0.4
SAY_TIMEOUT = 8.0  # seconds for one text, however loaded the machine


def serve(conn: Connection, voices: list[str], rate: int) -> None:
    """The process's main loop: ("ready"|"error", detail) once, then one reply per job."""
    # The espeak driver prints "Audio saved to …" for every file: not for the server's log.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the life of this process
    try:
        engine = Engine(voices, rate)
    except Exception as exc:  # noqa: BLE001 - whatever it is, the parent must hear it in words
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        segments, path = job
        try:
            conn.send(("ok", synthesize(engine, segments, Path(path))))
        except Exception as exc:  # noqa: BLE001
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class Engine:
    """The pyttsx3 engine (held here for the life of the process: pyttsx3 keeps it only weakly)."""

    def __init__(self, voices: list[str], rate: int) -> None:
        import pyttsx3

        self.tts = pyttsx3.init()
        # A wrong voice name raises nothing (the engine keeps speaking with the last one): check.
        known = {v.id for v in self.tts.getProperty("voices")}
        missing = [v for v in voices if v not in known]
        if missing:
            raise LookupError(f"espeak-ng has no voice {', '.join(missing)}")
        self.tts.setProperty("rate", rate)
        self.finished = threading.Event()
        self.tts.connect("finished-utterance", lambda name, completed: self.finished.set())

    def say_to_file(self, voice: str, text: str, path: Path) -> None:
        self.finished.clear()
        self.tts.setProperty("voice", voice)
        self.tts.save_to_file(text, str(path))
        self.tts.runAndWait()  # one file per run: only the last command queued before it would run
        if not self.finished.wait(SAY_TIMEOUT):  # runAndWait() returns when synthesis has begun
            raise TimeoutError(f"the engine did not finish {text!r} within {SAY_TIMEOUT:.0f} s")


def synthesize(engine: Engine, segments: list[tuple[str, str]], path: Path) -> float:
    """Say each (voice, text) into one WAV at `path`, written atomically; return its length in seconds."""
    parts = []
    for i, (voice, text) in enumerate(segments):
        part = path.with_name(f".{path.stem}.{os.getpid()}.{i}.wav")
        engine.say_to_file(voice, text, part)
        if not part.exists() or part.stat().st_size <= 44:
            raise RuntimeError(f"the engine wrote no audio for {text!r}")
        parts.append(part)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        frames = _join(parts, tmp)
        os.replace(tmp, path)  # readers (other server processes too) never see half a file
    finally:
        for part in parts:
            with contextlib.suppress(OSError):
                part.unlink()
        with contextlib.suppress(OSError):
            tmp.unlink()
    return frames


def _join(parts: list[Path], out: Path) -> float:
    with wave.open(str(out), "wb") as target:
        frames = 0
        for i, part in enumerate(parts):
            with wave.open(str(part), "rb") as source:
                if i == 0:
                    target.setparams(source.getparams())
                    rate, width = source.getframerate(), source.getsampwidth()
                elif i > 0:
                    silence = int(rate * PAUSE_SECONDS)
                    target.writeframes(b"\0" * silence * width)
                    frames += silence
                n = source.getnframes()
                target.writeframes(source.readframes(n))
                frames += n
    return frames / rate
