"""Core benchmark: ticket issuing vs the stack's own ceiling, and call-to-screen latency.

Starts a real server (one uvicorn process, SQLite) on loopback and prints:
  1. no-op endpoint (GET /api/health) and ticket issuing (POST /api/halls/bench/tickets),
     each with 50 concurrent keep-alive clients as fast as they go: requests/s, p50, p99;
     the ratio issue/no-op shows how close issuing comes to the stack's ceiling;
  2. ticket issuing at a steady 500 tickets/s offered by 50 clients: p50, p99;
  3. latency from a call request to `ticket.called` arriving at each of 500 websocket
     clients (in four client processes), over 200 calls ten a second: p50, p99.

    python bench/bench_core.py [--seconds 8] [--sockets 500] [--calls 200]
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from bench.loadgen import Conn, closed_loop, open_loop, percentile  # noqa: E402
from tests.servers import ServerProcess  # noqa: E402


def make_bench_hall(data_dir: Path) -> None:
    """A hall with 6-digit numbers, so a long run never reaches a service's daily limit."""
    from hallq import halls
    from hallq.config import Settings
    from hallq.db import Database
    from hallq.startup import prepare_database

    settings = Settings(_env_file=None, data_dir=data_dir, admin_password="bench-pass-1")
    db = Database(settings.sqlalchemy_url)
    prepare_database(db, settings)
    with db.transaction() as session:
        hall = halls.create_hall(session, slug="bench", name="压测大厅")
        services = [halls.add_service(session, hall, code=c, name=c, number_width=6) for c in "ABCD"]
        for n in range(1, 9):
            halls.add_window(session, hall, number=n, services=[services[(n - 1) // 2]])
    db.close()


def fmt(result: dict) -> str:
    lat = result["latencies"]
    return (
        f"{result['rps']:8.0f} req/s   p50 {percentile(lat, 50) * 1e3:6.2f} ms   "
        f"p99 {percentile(lat, 99) * 1e3:6.2f} ms   "
        f"({result['requests']} requests, {result['errors']} errors)"
    )


def subscriber_process(ws_url: tuple, count: int, ready, results, calls: int) -> None:
    """Hold `count` sockets; for each ticket.called, note when it arrived, per socket."""
    from tests.leanws import LeanSocket

    host, port, path = ws_url

    async def main():
        arrivals: list[tuple[str, float]] = []
        sockets = []
        for _ in range(count):
            ws = await LeanSocket.connect(host, port, path)
            await ws.recv()  # snapshot
            sockets.append(ws)
        ready.put(count)

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


async def call_to_screen(server: ServerProcess, sockets: int, calls: int, procs: int = 4) -> list[float]:
    headers = server.login("admin", "bench-pass-1")
    conn = await Conn("127.0.0.1", server.port).open()
    for _ in range(calls):
        await conn.request("POST", "/api/halls/bench/tickets", {"service": "A"})
    ctx = mp.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    workers = [
        ctx.Process(
            target=subscriber_process,
            args=(("127.0.0.1", server.port, "/ws/halls/bench"), sockets // procs, ready, results, calls),
        )
        for _ in range(procs)
    ]
    for w in workers:
        w.start()
    for _ in workers:
        await asyncio.to_thread(ready.get)
    sent: dict[str, float] = {}
    answered: list[float] = []
    for _ in range(calls):
        t0 = time.perf_counter()
        status, body = await conn.request("POST", "/api/halls/bench/windows/1/call", headers=headers)
        answered.append(time.perf_counter() - t0)
        assert status == 200, body
        sent[json.loads(body)["number"]] = t0
        await asyncio.sleep(0.1)  # ten calls a second: a busy hall makes one every few seconds
    print(
        f"    the call request itself: p50 {percentile(answered, 50) * 1e3:.1f} ms, "
        f"p99 {percentile(answered, 99) * 1e3:.1f} ms"
    )
    latencies = []
    for _ in workers:
        for number, arrived in await asyncio.to_thread(results.get):
            latencies.append(arrived - sent[number])
    for w in workers:
        w.join()
    conn.close()
    return latencies


def ticket_body(i: int, n: int) -> dict:
    return {"service": "ABCD"[(i + n) % 4]}


async def run(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        make_bench_hall(data_dir)
        server = ServerProcess(
            data_dir, env={"HALLQ_ADMIN_PASSWORD": "bench-pass-1"}, args=["--ws", args.ws]
        ).start()
        try:
            host, port = "127.0.0.1", server.port
            print(f"server: one uvicorn process, SQLite (WAL, synchronous=FULL), {args.clients} clients\n")
            await closed_loop(
                host, port, "GET", "/api/health", None, clients=args.clients, seconds=1
            )  # warm up
            noop = await closed_loop(
                host, port, "GET", "/api/health", None, clients=args.clients, seconds=args.seconds
            )
            print(f"1a. no-op GET /api/health      {fmt(noop)}")
            path = "/api/halls/bench/tickets"
            issue = await closed_loop(
                host, port, "POST", path, ticket_body, clients=args.clients, seconds=args.seconds
            )
            print(f"1b. issue POST tickets         {fmt(issue)}")
            print(f"    issuing / no-op throughput: {issue['rps'] / noop['rps']:.0%}\n")
            steady = await open_loop(
                host,
                port,
                "POST",
                path,
                ticket_body,
                rate=args.rate,
                clients=args.clients,
                seconds=args.seconds,
            )
            print(f"2.  issue at {args.rate}/s offered   {fmt(steady)}\n")
            lat = await call_to_screen(server, args.sockets, args.calls)
            print(
                f"3.  call -> ticket.called on {args.sockets} sockets, {args.calls} calls: "
                f"p50 {percentile(lat, 50) * 1e3:.1f} ms   p99 {percentile(lat, 99) * 1e3:.1f} ms   "
                f"max {max(lat) * 1e3:.1f} ms   ({len(lat)} deliveries)"
            )
        finally:
            server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn's websocket implementation")
    asyncio.run(run(parser.parse_args()))
