"""Voice benchmark: from a clerk's call to (a) the event on a display socket and (b) the spoken
announcement's WAV fully fetched by the display.

Starts a real server (one uvicorn process, SQLite, the real espeak-ng voice) on loopback, holds
one display websocket, and makes calls one after another, a clerk's pace apart:
  cold: 200 calls of fresh numbers: every announcement is new text, synthesised after the commit;
  warm: 200 recalls (重呼) of the same number at the same window: the WAV is in the cache.
For each call, t0 is just before the call request is sent; (a) is when `ticket.called` arrives
on the display socket; (b) is when a GET of its `audio_url`, sent as soon as the call is
answered (as a display would, with no chime to hide behind), has read the whole WAV.

    python bench/bench_voice.py [--calls 200] [--gap 0.1] [--langs zh]
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from bench.bench_core import make_bench_hall
from bench.loadgen import Conn, percentile
from tests.leanws import LeanSocket
from tests.servers import ServerProcess


def fmt(label: str, values: list[float]) -> str:
    ms = [v * 1e3 for v in values]
    return (
        f"{label:38} p50 {percentile(ms, 50):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms   "
        f"max {max(ms):6.1f} ms   ({len(ms)} calls)"
    )


class Display:
    """One display socket: when each ticket.called arrived, by (number, recall_count)."""

    def __init__(self, ws: LeanSocket) -> None:
        self.ws = ws
        self.arrived: dict[tuple[str, int], float] = {}
        self.task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        while True:
            message = await self.ws.recv()
            if '"ticket.called"' in message:
                now = time.perf_counter()
                parsed = json.loads(message)
                for event in parsed if isinstance(parsed, list) else [parsed]:
                    if event["type"] == "ticket.called":
                        self.arrived[(event["ticket"]["number"], event["recall_count"])] = now

    async def wait_for(self, key: tuple[str, int], timeout: float = 5) -> float:
        deadline = time.perf_counter() + timeout
        while key not in self.arrived:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no ticket.called for {key}")
            await asyncio.sleep(0.001)
        return self.arrived[key]


async def one_call(api: Conn, fetch: Conn, display: Display, path: str, headers: dict) -> tuple[float, ...]:
    """(call answered, event on the display, WAV fetched), each in seconds from t0."""
    t0 = time.perf_counter()
    status, body = await api.request("POST", path, headers=headers)
    answered = time.perf_counter()
    assert status == 200, body
    ticket = json.loads(body)
    status, wav = await fetch.request("GET", ticket["audio_url"])
    fetched = time.perf_counter()
    assert status == 200 and wav[:4] == b"RIFF", (status, wav[:100])
    arrived = await display.wait_for((ticket["number"], ticket["recall_count"]))
    return answered - t0, arrived - t0, fetched - t0


async def run(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        make_bench_hall(data_dir)
        env = {"HALLQ_ADMIN_PASSWORD": "bench-pass-1", "HALLQ_VOICE_LANGS": args.langs}
        started = time.perf_counter()
        server = ServerProcess(data_dir, env=env).start()
        try:
            headers = server.login("admin", "bench-pass-1")
            api = await Conn("127.0.0.1", server.port).open()
            fetch = await Conn("127.0.0.1", server.port).open()
            while True:  # the engine warms up a second after start-up, off the request path
                _, body = await fetch.request("GET", "/api/voice")
                if json.loads(body)["available"]:
                    break
                await asyncio.sleep(0.05)
            print(
                f"server: one uvicorn process, SQLite, voice {args.langs!r} ready "
                f"{time.perf_counter() - started:.2f} s after launch; calls {args.gap * 1e3:.0f} ms apart\n"
            )
            for _ in range(args.calls):
                await api.request("POST", "/api/halls/bench/tickets", {"service": "A"})
            ws = await LeanSocket.connect("127.0.0.1", server.port, "/ws/halls/bench")
            await ws.recv()  # the snapshot
            display = Display(ws)

            results = {}
            for kind, action in (("cold", "call"), ("warm", "recall")):
                rows = []
                for _ in range(args.calls):
                    path = f"/api/halls/bench/windows/1/{action}"
                    rows.append(await one_call(api, fetch, display, path, headers))
                    await asyncio.sleep(args.gap)
                results[kind] = list(zip(*rows, strict=True))
            for kind, title in (
                ("cold", "cold: fresh numbers, every announcement synthesised after its commit"),
                (
                    "warm",
                    "warm: recalls of one number, the WAV from the cache (the first recall is new text)",
                ),
            ):
                answered, event, wav = results[kind]
                print(title)
                print("  " + fmt("the call request itself (commit)", answered))
                print("  " + fmt("(a) call -> ticket.called on display", event))
                print("  " + fmt("(b) call -> announcement WAV fetched", wav))
            cold_event, cold_wav = results["cold"][1], results["cold"][2]
            warm_event = results["warm"][1]
            ok_a = percentile(cold_event, 99) <= 0.050 and percentile(warm_event, 99) <= 0.050
            ok_b = percentile(cold_wav, 99) <= 0.150
            print(
                f"\ntargets: (a) p99 <= 50 ms: {'met' if ok_a else 'MISSED'};  "
                f"(b) p99 <= 150 ms cold: {'met' if ok_b else 'MISSED'}"
            )
            display.task.cancel()
            ws.close()
            api.close()
            fetch.close()
        finally:
            server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between calls (a clerk takes many)")
    parser.add_argument("--langs", default="zh", help='what each announcement says: "zh", "en" or "zh,en"')
    asyncio.run(run(parser.parse_args()))
