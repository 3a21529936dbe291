"""Several server processes on one database, Redis between them: correctness under load and faults.

Each test starts its own Redis and its server processes; the database is this run's (SQLite
file or PostgreSQL). The figures at full size come from bench/bench_cluster.py.
"""

import asyncio
import time

import httpx
import pytest

from hallq import feed
from hallq.models import Ticket
from tests.cluster import Cluster, Display, Load, RedisServer, wait_until
from tests.invariants import check_all_served_once
from tests.tcpproxy import TcpProxy

pytestmark = pytest.mark.slow


@pytest.fixture
def redis():
    server = RedisServer().start()
    yield server
    server.stop()


def cluster_of(n: int, tmp_path, database_url, redis, db) -> Cluster:
    # `db` has created the schema and demo hall already, so the processes start side by side.
    return Cluster(tmp_path, database_url=database_url, processes=n, redis=redis).start()


def final_seq(db) -> int:
    with db.session() as session:
        return feed.latest_seq(session=session, hall_id=1)


async def connect_displays(cluster: Cluster, count: int) -> tuple[list[Display], list[asyncio.Task]]:
    displays = [Display(cluster.ports) for _ in range(count)]
    tasks = [asyncio.create_task(d.run(first=i)) for i, d in enumerate(displays)]  # spread over processes
    await wait_until(lambda: all(d.snapshots for d in displays), 60, "every display's first snapshot")
    return displays, tasks


async def stop_displays(displays, tasks) -> None:
    for d in displays:
        d.stop = True
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def test_four_processes_kiosks_windows_and_sockets_lose_nothing(tmp_path, database_url, redis, db):
    cluster = cluster_of(4, tmp_path, database_url, redis, db)
    token = cluster.servers[0].login()["Authorization"].split()[1]
    issuers, per_issuer, sockets = 40, 5, 200

    async def scenario():
        displays, tasks = await connect_displays(cluster, sockets)
        load = Load(cluster.ports, token)
        await load.run(issuers=issuers, per_issuer=per_issuer)
        final = final_seq(db)
        await wait_until(lambda: all(d.last_seq == final for d in displays), 20, "every display caught up")
        await stop_displays(displays, tasks)
        return load, displays, final

    try:
        load, displays, final = asyncio.run(scenario())
    finally:
        cluster.stop()
    assert len(load.acknowledged) == issuers * per_issuer and not load.refused
    check_all_served_once(db, issuers * per_issuer, acknowledged=load.acknowledged)
    for d in displays:  # every socket saw every seq after its snapshot, once, in order
        assert d.gaps == 0 and d.seqs == list(range(d.snapshots[0][1] + 1, final + 1))


def test_a_process_killed_mid_load_loses_nothing_acknowledged(tmp_path, database_url, redis, db):
    cluster = cluster_of(2, tmp_path, database_url, redis, db)
    token = cluster.servers[0].login()["Authorization"].split()[1]
    victim = cluster.servers[0]

    async def scenario():
        displays, tasks = await connect_displays(cluster, 40)
        load = Load(cluster.ports, token)
        running = asyncio.create_task(load.run(issuers=20, per_issuer=10))
        await wait_until(lambda: len(load.acknowledged) >= 60, 60, "the load to be under way")
        killed_at = time.monotonic()
        victim.kill()
        await asyncio.to_thread(victim.start)
        await running
        final = final_seq(db)
        await wait_until(lambda: all(d.last_seq == final for d in displays), 20, "every display caught up")
        await stop_displays(displays, tasks)
        return load, displays, killed_at

    try:
        load, displays, killed_at = asyncio.run(scenario())
    finally:
        cluster.stop()
    check_all_served_once(db, acknowledged=load.acknowledged)
    cut_off = [d for d in displays if d.disconnects]
    assert cut_off, "the displays on the killed process noticed"
    # Back by themselves, each with a fresh snapshot taken after it was cut off (how fast is a
    # figure of bench/bench_cluster.py, not a timed assertion on a shared machine).
    for d in cut_off:
        assert any(when > d.disconnects[0] > killed_at for when, _ in d.snapshots)


def test_redis_restarted_under_load_events_resume_and_displays_resync(tmp_path, database_url, redis, db):
    cluster = cluster_of(2, tmp_path, database_url, redis, db)
    token = cluster.servers[0].login()["Authorization"].split()[1]
    # Kiosks and windows on process 0, displays on process 1: every event crosses Redis.
    writer_port, display_port = cluster.ports

    async def scenario():
        displays = [Display([display_port]) for _ in range(20)]
        tasks = [asyncio.create_task(d.run()) for d in displays]
        await wait_until(lambda: all(d.snapshots for d in displays), 30, "the displays")
        load = Load([writer_port], token)
        running = asyncio.create_task(load.run(issuers=10, per_issuer=12))
        await wait_until(lambda: len(load.acknowledged) >= 40, 60, "the load to be under way")
        redis.stop()
        restarted_at = final_seq(db)
        await asyncio.to_thread(redis.start)
        await running
        final = final_seq(db)
        await wait_until(lambda: all(d.last_seq == final for d in displays), 20, "the displays to resync")
        await stop_displays(displays, tasks)
        return load, displays, restarted_at, final

    try:
        load, displays, restarted_at, final = asyncio.run(scenario())
    finally:
        cluster.stop()
    assert final > restarted_at + 10, "work went on after the restart"
    assert all(max(d.seqs) == final for d in displays), "events reached the displays after the restart"
    check_all_served_once(db, acknowledged=load.acknowledged)


@pytest.mark.postgres
def test_database_unreachable_gives_503_writes_nothing_half_and_recovers(tmp_path, database_url, db):
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    proxy = TcpProxy(url.port).start()
    from tests.servers import ServerProcess

    server = ServerProcess(
        tmp_path, database_url=str(url.set(port=proxy.port).render_as_string(False))
    ).start()
    try:
        issue = lambda: httpx.post(f"{server.url}/api/halls/main/tickets", json={"service": "A"}, timeout=30)  # noqa: E731
        assert issue().status_code == 201
        proxy.cut()
        down = [issue() for _ in range(3)]
        assert {r.status_code for r in down} == {503}
        assert all(r.json()["code"] == "database_unavailable" and r.json()["detail"] for r in down)
        assert httpx.get(f"{server.url}/api/halls/main", timeout=30).status_code == 503
        proxy.restore()
        deadline = time.monotonic() + 15
        while (answer := issue()).status_code != 201:  # it comes back by itself
            assert time.monotonic() < deadline, answer.text
        assert answer.json()["number"] == "A002"  # the refused attempts consumed no number
    finally:
        server.kill()
        proxy.stop()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 2
