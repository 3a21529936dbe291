"""Full-size reliability run: 4 server processes on PostgreSQL + Redis, 200 concurrent issuers,
8 windows calling, 1,000 hall-feed sockets; then kill -9 of a process mid-load, and a Redis restart.

Prints what must be zero (duplicate numbers, tickets called twice, events a socket missed,
acknowledged tickets lost) and how long recovery took: for the 1,000 sockets (read by a few
saturated client processes) and for a few probe displays in a process of their own (what one
screen on its own device sees). Needs a PostgreSQL server:

    python bench/bench_cluster.py --pg postgresql+psycopg://postgres@127.0.0.1:5433 [--rate 10]
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from sqlalchemy import create_engine, select, text

from bench.loadgen import percentile
from hallq.config import Settings
from hallq.db import Database
from hallq.models import Event, Ticket
from hallq.startup import prepare_database
from tests.cluster import Cluster, Display, Load, RedisServer, wait_until


def fresh_database(pg: str) -> str:
    name = f"hallq_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(f"{pg}/postgres", isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return f"{pg}/{name}"


def audit(db: Database, acknowledged: list[str]) -> dict:
    with db.session() as session:
        numbers = session.scalars(select(Ticket.number)).all()
        called = Counter(
            json.loads(p)["ticket"]["number"]
            for p in session.scalars(select(Event.payload).where(Event.type == "ticket.called"))
        )
        final = session.scalar(text("SELECT event_seq FROM hall WHERE slug = 'main'"))
    return {
        "tickets": len(numbers),
        "duplicate numbers": len(numbers) - len(set(numbers)),
        "tickets called twice": sum(1 for n in called.values() if n > 1),
        "acknowledged but lost": len(set(acknowledged) - set(numbers)),
        "final seq": final,
    }


def display_process(ports: list[int], count: int, first: int, stride: int, commands, out) -> None:
    """A client process holding `count` hall-feed sockets (displays), so that reading them is not
    serialised behind the load generator: reports when all hold a snapshot, when all reached the
    final seq it is sent, and then what each socket saw."""

    async def main():
        displays = [Display(ports) for _ in range(count)]
        tasks = [asyncio.create_task(d.run(first=first + i * stride)) for i, d in enumerate(displays)]
        await wait_until(lambda: all(d.snapshots for d in displays), 120, "every socket's snapshot")
        out.put(("ready", None))
        final = await asyncio.to_thread(commands.get)
        await wait_until(lambda: all(d.last_seq == final for d in displays), 60, "every socket caught up")
        out.put(("caught up", time.monotonic()))  # CLOCK_MONOTONIC: the same clock in every process
        for d in displays:
            d.stop = True
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        seen = [
            {
                "probe": stride > 1,
                "complete": d.seqs == list(range(d.snapshots[0][1] + 1, final + 1)),
                "snapshots": [when for when, _ in d.snapshots],
                "disconnects": d.disconnects,
                "gaps": d.gaps,
            }
            for d in displays
        ]
        out.put(("seen", seen))

    asyncio.run(main())


async def scenario(cluster: Cluster, db: Database, redis: RedisServer, args, fault: str | None) -> None:
    token = cluster.servers[0].login()["Authorization"].split()[1]
    ctx = mp.get_context("spawn")
    commands, out = ctx.Queue(), ctx.Queue()
    share = [
        args.sockets // args.procs + (1 if i < args.sockets % args.procs else 0) for i in range(args.procs)
    ]
    workers = [
        ctx.Process(target=display_process, args=(cluster.ports, n, sum(share[:i]), 1, commands, out))
        for i, n in enumerate(share)
    ]
    # A few displays in a process of their own, all on the process that will be killed: what one
    # screen (one device, one socket) sees, apart from the readers saturated by 1,000 sockets.
    probes = ctx.Process(
        target=display_process, args=(cluster.ports, args.probes, 0, len(cluster.ports), commands, out)
    )
    workers.append(probes)
    for w in workers:
        w.start()
    for _ in workers:
        assert (await asyncio.to_thread(out.get))[0] == "ready"
    load = Load(cluster.ports, token, pause=args.issuers / args.rate if args.rate else 0.0)
    started = time.monotonic()
    running = asyncio.create_task(load.run(issuers=args.issuers, per_issuer=args.per_issuer))
    fault_at = None
    if fault:
        await wait_until(lambda: len(load.acknowledged) >= args.issuers * args.per_issuer // 3, 120, "load")
        fault_at = time.monotonic()
        if fault == "kill -9":
            cluster.servers[0].kill()
            await asyncio.to_thread(cluster.servers[0].start)
        else:
            redis.stop()
            await asyncio.to_thread(redis.start)
    await running
    elapsed = time.monotonic() - started
    final = audit(db, load.acknowledged)["final seq"]
    for _ in workers:
        commands.put(final)
    reports = [await asyncio.to_thread(out.get) for _ in range(2 * len(workers))]
    caught_up = max(value for kind, value in reports if kind == "caught up")
    seen = [socket for kind, value in reports if kind == "seen" for socket in value]
    groups = {
        "sockets": [s for s in seen if not s["probe"]],
        "probe displays": [s for s in seen if s["probe"]],
    }
    for w in workers:
        w.join()

    figures = audit(db, load.acknowledged)
    print(f"\n== {fault or 'no fault'}: {len(cluster.servers)} processes, {args.issuers} issuers, 8 windows, "
          f"{args.sockets} sockets in {args.procs} client processes (+{args.probes} probe displays), "
          f"issuing {'flat out' if not args.rate else f'{args.rate:g}/s offered'}")  # fmt: skip
    print(f"   {len(load.acknowledged)} tickets acknowledged in {elapsed:.1f} s "
          f"({len(load.acknowledged) / elapsed:.0f}/s); refused: {dict(load.refused) or 'none'}")  # fmt: skip
    for name, value in figures.items():
        print(f"   {name}: {value}")
    if fault is None:
        print(f"   sockets that missed or repeated any seq: {sum(1 for s in seen if not s['complete'])}")
    else:
        for label, group in groups.items():
            cut = [s for s in group if s["disconnects"]]
            back = sorted(min(w for w in s["snapshots"] if w > s["disconnects"][0]) - fault_at for s in cut)
            if back:
                p50, p99 = percentile(back, 50), percentile(back, 99)
                print(f"   {label} cut off: {len(cut)}; back with a snapshot after "
                      f"p50 {p50:.2f} s, p99 {p99:.2f} s, max {back[-1]:.2f} s")  # fmt: skip
            else:
                print(f"   {label} cut off: 0")
        print(f"   sockets that resynced after a gap: {sum(1 for s in seen if s['gaps'])}")
        print(f"   all sockets at the final seq {caught_up - fault_at:.2f} s after the fault")


async def main(args) -> None:
    for fault in (None, "kill -9", "redis restart"):
        with tempfile.TemporaryDirectory() as tmp:
            url = fresh_database(args.pg)
            settings = Settings(
                _env_file=None, data_dir=Path(tmp), database_url=url, admin_password="admin-pass-123"
            )
            db = Database(url)
            prepare_database(db, settings)
            redis = RedisServer().start()
            cluster = Cluster(Path(tmp), database_url=url, processes=4, redis=redis).start()
            try:
                await scenario(cluster, db, redis, args, fault)
            finally:
                cluster.stop()
                redis.stop()
                db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", required=True, help="postgresql+psycopg://user@host:port (no database)")
    parser.add_argument("--issuers", type=int, default=200)
    parser.add_argument("--per-issuer", type=int, default=5)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0, help="tickets/s offered in all (0: flat out)")
    parser.add_argument("--probes", type=int, default=8, help="displays on the victim, in a process apart")
    parser.add_argument("--procs", type=int, default=4, help="client processes holding the sockets")
    asyncio.run(main(parser.parse_args()))
