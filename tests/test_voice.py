"""The voice: real WAVs from pyttsx3 on espeak-ng, cached by text; a broken engine never blocks a call."""

import logging
import os
import sys
import time
import wave
from pathlib import Path

import pytest

from hallq import voice
from hallq.voice import Voice, VoiceUnavailable
from tests.factories import login, next_event

CHIME = Path(__file__).resolve().parents[1] / "sounds" / "chime.wav"


@pytest.fixture
def make_voice(settings):
    made = []

    def make(**overrides) -> Voice:
        speaker = Voice(settings.model_copy(update=overrides), chime=CHIME, warm_up_after=0)
        speaker.start()
        made.append(speaker)
        return speaker

    yield make
    for speaker in made:
        speaker.close()


def wav_facts(path: Path) -> tuple[bytes, int, int, int, float]:
    head = path.read_bytes()[:12]
    with wave.open(str(path), "rb") as w:
        return head, w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes() / w.getframerate()


def syllables(text: str) -> int:
    """Roughly how many syllables: one per Chinese character or letter-or-digit word."""
    chinese = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    words = [w for w in "".join(c if c.isascii() and c.isalnum() else " " for c in text).split()]
    return chinese + sum(max(1, len(w) // 3) for w in words)


def test_a_call_is_synthesised_into_a_real_wav_of_plausible_length(make_voice):
    speaker = make_voice()
    path = speaker.request("A001", 3).result(timeout=30)
    head, rate, channels, width, seconds = wav_facts(path)
    assert head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    assert (rate, channels, width) == (22050, 1, 2)
    said = speaker.segments("A001", 3, False)[0][1]
    assert said == "请A 零零一号，到三号窗口办理"
    # Between a brisk 0.15 s and a drawn-out 0.5 s a syllable: neither silence nor a stuck voice.
    assert 0.15 * syllables(said) < seconds < 0.5 * syllables(said), seconds


def test_the_engine_process_finishes_each_file_before_answering(tmp_path):
    """pyttsx3's espeak driver returns from runAndWait() once synthesis has begun: a long text
    must still be whole when the engine answers, and the next job must not clip it."""
    import multiprocessing

    from hallq import voice_engine

    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=voice_engine.serve, args=(theirs, ["sit/cmn-latn-pinyin"], 170), daemon=True)
    proc.start()

    def answer():
        assert ours.poll(30), "the engine process did not answer"
        return ours.recv()

    try:
        assert answer() == ("ready", None)
        long_text = "请A 零零一号，到三号窗口办理。" * 12
        answers = []
        for name, text in (("long", long_text), ("short", "请B 零零二号，到四号窗口办理")):
            ours.send(([("sit/cmn-latn-pinyin", text)], str(tmp_path / f"{name}.wav")))
            answers.append(answer())
    finally:
        proc.kill()
        proc.join(10)
    assert [status for status, _ in answers] == ["ok", "ok"]
    *_, long_seconds = wav_facts(tmp_path / "long.wav")
    *_, short_seconds = wav_facts(tmp_path / "short.wav")
    assert long_seconds > 10 * short_seconds
    assert answers[0][1] == pytest.approx(long_seconds)


def test_english_and_both_languages(make_voice):
    english = make_voice(voice_langs="en").request("B012", 4).result(timeout=30)
    both = make_voice(voice_langs="zh,en").request("B012", 4).result(timeout=30)
    chinese = make_voice(voice_langs="zh").request("B012", 4).result(timeout=30)
    *_, en_seconds = wav_facts(english)
    *_, both_seconds = wav_facts(both)
    *_, zh_seconds = wav_facts(chinese)
    assert 2 < en_seconds < 8
    assert both_seconds > en_seconds + zh_seconds  # one after the other, with a pause between
    assert len({english, both, chinese}) == 3


def test_the_same_words_are_synthesised_once(make_voice):
    speaker = make_voice()
    first = speaker.request("C007", 5).result(timeout=30)
    made_at = first.stat().st_mtime_ns
    again = speaker.request("C007", 5)
    assert again.done() and again.result() == first  # from the cache, at once
    recall = speaker.request("C007", 5, recall=True).result(timeout=30)
    assert recall != first and first.stat().st_mtime_ns >= made_at


def test_two_requests_for_an_announcement_being_made_share_one_job(make_voice):
    speaker = make_voice()
    one, two = speaker.request("D001", 7), speaker.request("D001", 7)
    assert one is two or two.done()
    assert one.result(timeout=30) == two.result(timeout=30)


@pytest.mark.anyio
async def test_a_display_hanging_up_does_not_cancel_the_announcement_for_others(make_voice):
    import asyncio

    speaker = make_voice()
    impatient = asyncio.create_task(speaker.wav("B077", 4))
    await asyncio.sleep(0)
    impatient.cancel()
    path = await speaker.wav("B077", 4)  # the same job, still made
    assert path.read_bytes()[:4] == b"RIFF"
    assert (await speaker.wav("B078", 4)).exists()  # and the voice goes on


def test_a_missing_voice_fails_fast_and_warns_once(make_voice, caplog):
    speaker = make_voice(voice_zh="sit/no-such-voice")
    with caplog.at_level(logging.WARNING, logger="hallq.voice"):
        for number in ("A001", "A002", "A003"):
            with pytest.raises(VoiceUnavailable):
                speaker.request(number, 1).result(timeout=30)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "no voice sit/no-such-voice" in warnings[0].getMessage()
    assert "Calls are still shown" in warnings[0].getMessage()
    assert speaker.available is False


def test_old_announcements_are_pruned_and_used_ones_kept(make_voice):
    speaker = make_voice(voice_cache_days=1)
    used = speaker.request("A010", 1).result(timeout=30)
    stale = speaker.folder / "0123456789abcdef0123456789abcdef.wav"
    stale.write_bytes(b"RIFF")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    os.utime(used, (two_days_ago, two_days_ago))
    speaker.request("A010", 1).result()  # a hit marks it in use
    speaker._prune()
    assert used.exists() and not stale.exists()


def test_audio_url_is_made_from_the_hall_and_what_is_said():
    assert voice.audio_url("main", "A001", 3) == "/api/halls/main/voice/A001/3.wav"
    assert voice.audio_url("main", "A001", 3, recall=True) == "/api/halls/main/voice/A001/3/recall.wav"
    assert voice.audio_url("main", "1-2", 3) is None  # not a number the voice can spell


# --- through the API


def test_a_call_answers_with_its_announcement_which_is_a_wav(client):
    client.post("/api/halls/main/tickets", json={"service": "B"})
    headers = login(client)
    with client.websocket_connect("/ws/halls/main") as ws:
        next_event(ws)
        called = client.post("/api/halls/main/windows/3/call", headers=headers).json()
        event = next_event(ws)
    assert called["audio_url"] == event["audio_url"] == "/api/halls/main/voice/B001/3.wav"
    wav = client.get(called["audio_url"])
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    assert wav.content[:4] == b"RIFF"
    recalled = client.post("/api/halls/main/windows/3/recall", headers=headers).json()
    assert recalled["audio_url"] == "/api/halls/main/voice/B001/3/recall.wav"
    assert client.get(recalled["audio_url"]).status_code == 200
    assert client.post("/api/halls/main/windows/3/finish", headers=headers).json()["audio_url"] is None


def test_synthesis_starts_after_the_commit_without_waiting_for_a_display(client, settings):
    client.post("/api/halls/main/tickets", json={"service": "A"})
    client.post("/api/halls/main/windows/1/call", headers=login(client))
    speaker = client.app.state.voice
    path = speaker.path_for(speaker.segments("A001", 1, False))
    deadline = time.monotonic() + 20
    while not path.exists():  # no event says "written": poll, with a deadline
        assert time.monotonic() < deadline, "the announcement was never made"
        time.sleep(0.01)
    assert path.parent == settings.data_dir / "voice"


@pytest.mark.parametrize(
    "path",
    ["main/voice/a001/3.wav", "main/voice/A001/0.wav", "main/voice/A0011111/3.wav", "main/voice/A001/x.wav"],
)
def test_a_malformed_announcement_address_is_refused(client, path):
    response = client.get(f"/api/halls/{path}")
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_only_numbers_really_called_there_are_synthesised(client):
    """A public address must not let anyone fill the server's disk with made-up announcements."""
    headers = login(client)
    client.post("/api/halls/main/tickets", json={"service": "A"})
    client.post("/api/halls/main/tickets", json={"service": "A"})
    client.post("/api/halls/main/windows/1/call", headers=headers)
    never_called = client.get("/api/halls/main/voice/A002/1.wav")
    assert never_called.status_code == 404 and never_called.json()["code"] == "unknown_call"
    elsewhere = client.get("/api/halls/main/voice/A001/2.wav")
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "unknown_call"
    assert client.get("/api/halls/nowhere/voice/A001/1.wav").json()["code"] == "unknown_hall"
    assert client.get("/api/halls/main/voice/A001/99.wav").json()["code"] == "unknown_window"
    speaker = client.app.state.voice
    assert speaker.cached("A002", 1) is None and speaker.cached("A001", 2) is None
    client.post("/api/halls/main/windows/1/finish", headers=headers)
    assert client.get("/api/halls/main/voice/A001/1.wav").status_code == 200  # called, then done: still said
    assert speaker.cached("A001", 1) is not None
    # The cache holds the words, not the call: another hall's address is still no announcement.
    elsewhere_hall = client.get("/api/halls/nowhere/voice/A001/1.wav")
    assert elsewhere_hall.status_code == 404 and elsewhere_hall.json()["code"] == "unknown_hall"


def test_voice_info_for_displays(client):
    info = client.get("/api/voice").json()
    assert info["repeat"] == 2 and info["langs"] == ["zh"] and info["chime"] == "/sounds/chime.wav"
    assert client.get(info["chime"]).content[:4] == b"RIFF"


@pytest.fixture
def broken_voice_client(settings):
    from fastapi.testclient import TestClient

    from hallq.api import create_app

    with TestClient(create_app(settings.model_copy(update={"voice_zh": "sit/no-such-voice"}))) as client:
        yield client


def test_with_no_voice_the_call_still_goes_out_and_the_wav_says_503(broken_voice_client, caplog):
    client = broken_voice_client
    headers = login(client)
    for _ in range(2):
        client.post("/api/halls/main/tickets", json={"service": "A"})
    with caplog.at_level(logging.WARNING, logger="hallq.voice"):
        with client.websocket_connect("/ws/halls/main") as ws:
            next_event(ws)
            for number in ("A001", "A002"):
                called = client.post("/api/halls/main/windows/1/call", headers=headers)
                assert called.status_code == 200 and called.json()["number"] == number
                event = next_event(ws)
                while event["type"] != "ticket.called":
                    event = next_event(ws)
                assert event["ticket"]["number"] == number  # the display shows it, voice or not
                response = client.get(called.json()["audio_url"])
                assert response.status_code == 503 and response.json()["code"] == "voice_unavailable"
    assert sum(1 for r in caplog.records if r.name == "hallq.voice" and r.levelno == logging.WARNING) == 1


def test_server_speakers_play_chime_then_announcement_in_order(settings, tmp_path):
    """Optional server-side playback, with a fake player that writes down what it was asked to play."""
    from fastapi.testclient import TestClient

    from hallq.api import create_app

    played = tmp_path / "played.txt"
    player = tmp_path / "player.py"
    player.write_text(
        f"import sys\nwith open({str(played)!r}, 'a') as f:\n    f.write(sys.argv[-1] + '\\n')\n"
    )
    command = f"{sys.executable} {player} {{file}}"
    app = create_app(settings.model_copy(update={"voice_play_command": command, "voice_repeat": 2}))
    with TestClient(app) as client:
        headers = login(client)
        for service in "AA":
            client.post("/api/halls/main/tickets", json={"service": service})
        for _ in range(2):
            client.post("/api/halls/main/windows/1/call", headers=headers)
        speaker = client.app.state.voice
        expected = []
        for number in ("A001", "A002"):
            wav = str(speaker.path_for(speaker.segments(number, 1, False)))
            expected += [str(CHIME), wav, str(CHIME), wav]
        deadline = time.monotonic() + 30
        while len(played.read_text().splitlines() if played.exists() else []) < len(expected):
            assert time.monotonic() < deadline, "the speakers were never asked to play"
            time.sleep(0.02)  # the player leaves no event behind: poll its file
    assert played.read_text().splitlines() == expected


@pytest.mark.slow
def test_any_server_process_answers_an_announcement_it_never_made(tmp_path, database_url):
    """Several processes (or hosts) may serve one hall: the WAV address works on every one."""
    import httpx

    from tests.conftest import PG_URL
    from tests.servers import ServerProcess

    shared = database_url if PG_URL else f"sqlite:///{tmp_path / 'a' / 'hallq.db'}"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = ServerProcess(tmp_path / "a", database_url=shared).start()
    b = ServerProcess(tmp_path / "b", database_url=shared).start()
    try:
        httpx.post(f"{a.url}/api/halls/main/tickets", json={"service": "C"}).raise_for_status()
        called = httpx.post(f"{a.url}/api/halls/main/windows/5/call", headers=a.login()).json()
        wav = httpx.get(b.url + called["audio_url"], timeout=30)
        assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
        assert list((tmp_path / "b" / "voice").glob("*.wav"))  # made by b, on demand
    finally:
        a.kill()
        b.kill()
