"""Several HallQ processes on one database with Redis between them, and clients that behave like
the pages: the harness for the scale and fault tests (tests/test_cluster.py) and bench/bench_cluster.py."""

import asyncio
import json
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.loadgen import Conn
from tests.leanws import LeanSocket
from tests.servers import ServerProcess, free_port


class RedisServer:
    """A throwaway redis-server of our own, so a test may restart it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
            if ping.stdout.strip() == "PONG":
                return self
            time.sleep(0.05)  # waiting for start-up; there is no event to wait on
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Cluster:
    """`processes` servers sharing one database (PostgreSQL, or one SQLite file) and one Redis."""

    def __init__(self, data_dir: Path, *, database_url: str, processes: int, redis: RedisServer) -> None:
        # The test's sockets all live in one Python process that also drives the load, so they
        # read far slower than real displays while hundreds of events arrive in a few seconds:
        # a deeper per-socket queue than the default keeps them from being dropped as too slow.
        env = {"HALLQ_BROADCAST_URL": redis.url, "HALLQ_WS_QUEUE_SIZE": "4096"}
        self.servers = []
        for i in range(processes):
            folder = data_dir / f"p{i}"
            folder.mkdir(exist_ok=True)
            self.servers.append(ServerProcess(folder, database_url=database_url, env=env))

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    def start(self) -> "Cluster":
        self.servers[0].start()  # the first one creates the schema and the demo hall
        for server in self.servers[1:]:
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.kill()


@dataclass
class Display:
    """A hall-feed client doing what common/hallq.js does: snapshot, seq check, resync, reconnect."""

    ports: list[int]
    hall: str = "main"
    seqs: list[int] = field(default_factory=list)
    gaps: int = 0
    snapshots: list[tuple[float, int]] = field(default_factory=list)  # (when, seq)
    disconnects: list[float] = field(default_factory=list)
    last_seq: int | None = None
    stop: bool = False

    async def run(self, first: int = 0) -> None:
        attempt = first
        while not self.stop:
            port = self.ports[attempt % len(self.ports)]
            try:
                ws = await LeanSocket.connect("127.0.0.1", port, f"/ws/halls/{self.hall}")
                try:
                    while not self.stop:
                        self._take(json.loads(await ws.recv()), ws)
                finally:
                    ws.close()
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                self.disconnects.append(time.monotonic())
                self.last_seq = None
                attempt += 1  # try the next process, as a load balancer would
                await asyncio.sleep(0.1)

    def _take(self, message: dict | list, ws: LeanSocket) -> None:
        for msg in message if isinstance(message, list) else [message]:
            if self._take_one(msg, ws) is False:
                return

    def _take_one(self, msg: dict, ws: LeanSocket) -> bool | None:
        if msg["type"] == "snapshot":
            self.last_seq = msg["seq"]
            self.snapshots.append((time.monotonic(), msg["seq"]))
            return
        if self.last_seq is None or msg["seq"] <= self.last_seq:
            return
        if msg["seq"] != self.last_seq + 1:
            self.gaps += 1
            self.last_seq = None
            ws.send_text('{"type":"resync"}')
            return False
        self.last_seq = msg["seq"]
        self.seqs.append(msg["seq"])


async def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@dataclass
class Load:
    """Kiosks issuing and windows calling, spread over the cluster's processes, surviving their faults."""

    ports: list[int]
    token: str
    acknowledged: list[str] = field(default_factory=list)  # numbers answered 201
    refused: Counter = field(default_factory=Counter)  # status codes other than the expected ones
    issuing_done: asyncio.Event = field(default_factory=asyncio.Event)
    pause: float = 0.0  # seconds each issuer waits between its tickets (0: as fast as answered)

    async def _conn(self, i: int) -> Conn:
        for attempt in range(50):
            try:
                return await Conn("127.0.0.1", self.ports[(i + attempt) % len(self.ports)]).open()
            except OSError:
                await asyncio.sleep(0.1)
        raise ConnectionError("no server answers")

    async def issuer(self, i: int, tickets: int) -> None:
        conn = await self._conn(i)
        try:
            for k in range(tickets):
                body = {"service": "ABCD"[(i + k) % 4]}
                try:
                    status, answer = await conn.request("POST", "/api/halls/main/tickets", body)
                except (OSError, asyncio.IncompleteReadError):
                    conn.close()
                    conn = await self._conn(i + 1)  # the answer was lost: not acknowledged
                    continue
                if status == 201:
                    self.acknowledged.append(json.loads(answer)["number"])
                else:
                    self.refused[status] += 1
                if self.pause:  # a kiosk's pace, not a load generator's: a new connection each time,
                    conn.close()  # as the server closes one idle past its keep-alive
                    await asyncio.sleep(self.pause)
                    conn = await self._conn(i)
        finally:
            conn.close()

    async def window(self, number: int) -> None:
        conn = await self._conn(number)
        headers = {"Authorization": f"Bearer {self.token}"}
        path = f"/api/halls/main/windows/{number}/call"
        try:
            while True:
                done_before = self.issuing_done.is_set()
                try:
                    status, _ = await conn.request("POST", path, headers=headers)
                except (OSError, asyncio.IncompleteReadError):
                    conn.close()
                    conn = await self._conn(number + 1)
                    continue
                if status == 204 and done_before:
                    return
                if status not in (200, 204):
                    self.refused[status] += 1
                    await asyncio.sleep(0.05)
        finally:
            conn.close()

    async def run(self, issuers: int, per_issuer: int, windows: int = 8) -> None:
        callers = [asyncio.create_task(self.window(w)) for w in range(1, windows + 1)]
        await asyncio.gather(*(self.issuer(i, per_issuer) for i in range(issuers)))
        self.issuing_done.set()
        await asyncio.gather(*callers)
