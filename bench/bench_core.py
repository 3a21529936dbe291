"""Core benchmark: ticket issuing vs the stack's own ceiling, and call-to-screen latency.

Starts a real server (one uvicorn process, SQLite) on loopback and prints:
  1. no-op endpoint (GET /api/health) and ticket issuing (POST /api/halls/bench/tickets),
     each with 50 concurrent keep-alive clients as fast as they go: requests/s, p50, p99;
     the ratio issue/no-op shows how close issuing comes to the stack's ceiling. The two run
     in alternating rounds (the machine is shared and its speed drifts): the ratio overall,
     and per round against the no-op round just before;
  2. ticket issuing at a steady 500 tickets/s offered by 50 clients: p50, p99;
  3. latency from a call request to `ticket.called` arriving at each of 500 websocket
     clients (in four client processes), over 200 calls ten a second: p50, p99.

    python bench/bench_core.py [--seconds 8] [--sockets 500] [--calls 200]
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from bench.loadgen import closed_loop, open_loop, percentile
from bench.screens import call_to_screen
from tests.servers import ServerProcess


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


async def alternate(host: str, port: int, path: str, args) -> tuple[dict, dict]:
    """The no-op and issuing in alternating rounds, so both see the same (shared, noisy) machine;
    each issuing round is also compared with the no-op round just before it."""
    for method, target, body in (("GET", "/api/health", None), ("POST", path, ticket_body)):
        await closed_loop(host, port, method, target, body, clients=args.clients, seconds=1)  # warm up
    rounds = []
    seconds, clients = args.seconds / args.rounds, args.clients
    for _ in range(args.rounds):
        noop = await closed_loop(host, port, "GET", "/api/health", None, clients=clients, seconds=seconds)
        issue = await closed_loop(host, port, "POST", path, ticket_body, clients=clients, seconds=seconds)
        rounds.append((noop, issue))
    totals = []
    for kind in (0, 1):
        runs = [r[kind] for r in rounds]
        elapsed = sum(run["requests"] / run["rps"] for run in runs)
        totals.append(
            {
                "requests": sum(run["requests"] for run in runs),
                "rps": sum(run["requests"] for run in runs) / elapsed,
                "errors": sum(run["errors"] for run in runs),
                "latencies": [lat for run in runs for lat in run["latencies"]],
            }
        )
    totals[1]["ratios"] = [issue["rps"] / noop["rps"] for noop, issue in rounds]
    return totals[0], totals[1]


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
            path = "/api/halls/bench/tickets"
            noop, issue = await alternate(host, port, path, args)
            print(f"1a. no-op GET /api/health      {fmt(noop)}")
            print(f"1b. issue POST tickets         {fmt(issue)}")
            ratios = " ".join(f"{r:.0%}" for r in issue["ratios"])
            print(
                f"    issuing / no-op throughput: {issue['rps'] / noop['rps']:.0%} overall; "
                f"per round {ratios}; median {statistics.median(issue['ratios']):.0%}\n"
            )
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
            result = await call_to_screen(server, sockets=args.sockets, calls=args.calls, procs=4, gap=0.1)
            lat, ans = result["latencies"], result["answered"]
            print(
                f"    the call request itself: p50 {percentile(ans, 50) * 1e3:.1f} ms, "
                f"p99 {percentile(ans, 99) * 1e3:.1f} ms"
            )
            print(
                f"3.  call -> ticket.called on {args.sockets} sockets, {args.calls} calls: "
                f"p50 {percentile(lat, 50) * 1e3:.1f} ms   p99 {percentile(lat, 99) * 1e3:.1f} ms   "
                f"max {max(lat) * 1e3:.1f} ms   ({len(lat)} deliveries)"
            )
        finally:
            server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8, help="per kind, over all rounds")
    parser.add_argument("--rounds", type=int, default=4, help="alternating no-op and issuing rounds")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn's websocket implementation")
    asyncio.run(run(parser.parse_args()))
