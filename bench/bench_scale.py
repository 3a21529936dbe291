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
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from bench.bench_core import make_bench_hall
from bench.loadgen import percentile
from bench.screens import call_to_screen
from tests.servers import ServerProcess


async def run(args) -> None:
    print("server: one uvicorn process (websockets-sansio, no per-message deflate), SQLite")
    print("clients: lean websocket readers in", args.procs, "processes on the same 2 cores\n")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            make_bench_hall(Path(tmp))
            env = {"HALLQ_ADMIN_PASSWORD": "bench-pass-1", "HALLQ_RATE_SOCKET_PER_MINUTE": "0"}
            server = ServerProcess(Path(tmp), env=env).start()
            try:
                r = await call_to_screen(server, sockets=size, calls=args.calls, procs=args.procs, gap=0.5)
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
