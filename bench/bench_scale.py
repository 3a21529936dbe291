"""How many hall-feed sockets one server process holds, and how call-to-screen latency grows.

Starts one server (SQLite) and, for each size (500, 2,000, 5,000 by default), connects that
many websocket clients spread over client processes, makes 50 calls a clerk's pace apart,
and prints: the latency from the call request to `ticket.called` arriving at every socket
(p50, p99, max), the call request's own latency, and the server's memory per socket
(resident memory after connecting minus before, divided by the sockets).

    python bench/bench_scale.py [--sizes 500 2000 5000] [--calls 50] [--procs 4]
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from bench.bench_core import make_bench_hall  # noqa: E402
from bench.loadgen import Conn, percentile  # noqa: E402
from tests.servers import ServerProcess  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def subscribers(port: int, count: int, calls: int, ready, results) -> None:
    from tests.leanws import LeanSocket

    async def main():
        sockets = []
        for _ in range(count):
            ws = await LeanSocket.connect("127.0.0.1", port, "/ws/halls/bench")
            await ws.recv()  # the snapshot
            sockets.append(ws)
        ready.put(count)
        arrivals: list[tuple[str, float]] = []

        async def listen(ws):
            seen = 0
            while seen < calls:
                message = await ws.recv()
                if '"ticket.called"' in message:
                    arrived = time.perf_counter()
                    parsed = json.loads(message)
                    for event in parsed if isinstance(parsed, list) else [parsed]:
                        if event["type"] == "ticket.called":
                            arrivals.append((event["ticket"]["number"], arrived))
                            seen += 1

        await asyncio.gather(*(listen(ws) for ws in sockets))
        results.put(arrivals)
        for ws in sockets:
            ws.close()

    asyncio.run(main())


async def measure(server: ServerProcess, sockets: int, calls: int, procs: int) -> dict:
    headers = server.login("admin", "bench-pass-1")
    conn = await Conn("127.0.0.1", server.port).open()
    for _ in range(calls):
        await conn.request("POST", "/api/halls/bench/tickets", {"service": "B"})
    before = rss_kib(server.proc.pid)
    ctx = mp.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    share = [sockets // procs + (1 if i < sockets % procs else 0) for i in range(procs)]
    workers = [ctx.Process(target=subscribers, args=(server.port, n, calls, ready, results)) for n in share]
    for w in workers:
        w.start()
    for _ in workers:
        await asyncio.to_thread(ready.get)
    after = rss_kib(server.proc.pid)
    conn.close()
    conn = await Conn("127.0.0.1", server.port).open()  # the first one idled past keep-alive
    sent, answered = {}, []
    cpu_before = cpu_seconds(server.proc.pid)
    for _ in range(calls):
        t0 = time.perf_counter()
        status, body = await conn.request("POST", "/api/halls/bench/windows/3/call", headers=headers)
        answered.append(time.perf_counter() - t0)
        assert status == 200, body
        sent[json.loads(body)["number"]] = t0
        await asyncio.sleep(0.5)  # clerks call seconds apart; let each call's fan-out finish
    cpu_per_call = (cpu_seconds(server.proc.pid) - cpu_before) / calls
    latencies = []
    for _ in workers:
        for number, arrived in await asyncio.to_thread(results.get):
            latencies.append(arrived - sent[number])
    for w in workers:
        w.join()
    conn.close()
    return {
        "latencies": latencies,
        "answered": answered,
        "kib_per_socket": (after - before) / sockets,
        "cpu_per_call": cpu_per_call,
    }


async def run(args) -> None:
    print("server: one uvicorn process (websockets-sansio, no per-message deflate), SQLite")
    print("clients: lean websocket readers in", args.procs, "processes on the same 2 cores\n")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            make_bench_hall(Path(tmp))
            env = {"HALLQ_ADMIN_PASSWORD": "bench-pass-1", "HALLQ_RATE_SOCKET_PER_MINUTE": "0"}
            server = ServerProcess(Path(tmp), env=env).start()
            try:
                r = await measure(server, size, args.calls, args.procs)
            finally:
                server.kill()
        lat, ans = r["latencies"], r["answered"]
        print(
            f"{size:5d} sockets: call -> screen p50 {percentile(lat, 50) * 1e3:6.1f} ms  "
            f"p99 {percentile(lat, 99) * 1e3:6.1f} ms  max {max(lat) * 1e3:6.1f} ms   "
            f"call request p50 {percentile(ans, 50) * 1e3:5.1f} ms   "
            f"server CPU {r['cpu_per_call'] * 1e3:5.1f} ms/call "
            f"({r['cpu_per_call'] / size * 1e6:.0f} µs/socket)   "
            f"memory {r['kib_per_socket']:.1f} KiB/socket   ({len(lat)} deliveries)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--procs", type=int, default=4)
    asyncio.run(run(parser.parse_args()))
