"""Call-to-screen measurement shared by the benchmarks: many hall-feed sockets in client
processes, calls made at a window, and when each `ticket.called` reached each socket."""

import asyncio
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

from bench.loadgen import Conn
from tests.servers import ServerProcess


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
    """A client process: hold `count` sockets; note when each ticket.called arrived on each."""
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


async def call_to_screen(server: ServerProcess, *, sockets: int, calls: int, procs: int, gap: float) -> dict:
    """Latency from each call request to its ticket.called on every socket, and the server's costs."""
    headers = server.login("admin", "bench-pass-1")
    conn = await Conn("127.0.0.1", server.port).open()
    for _ in range(calls):
        await conn.request("POST", "/api/halls/bench/tickets", {"service": "B"})
    conn.close()
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
    conn = await Conn("127.0.0.1", server.port).open()  # a fresh one: the first idled past keep-alive
    sent, answered = {}, []
    cpu_before = cpu_seconds(server.proc.pid)
    for _ in range(calls):
        t0 = time.perf_counter()
        status, body = await conn.request("POST", "/api/halls/bench/windows/3/call", headers=headers)
        answered.append(time.perf_counter() - t0)
        assert status == 200, body
        sent[json.loads(body)["number"]] = t0
        await asyncio.sleep(gap)
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
