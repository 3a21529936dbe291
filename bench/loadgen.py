"""A lean HTTP/1.1 keep-alive load generator on asyncio streams: a cheap client next to the server."""

import asyncio
import json
import time


class Conn:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> "Conn":
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length) if length else b""
        return status, payload

    def close(self) -> None:
        if self.writer:
            self.writer.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _measure(host, port, method, path, body_fn, headers, clients: int, next_due) -> dict:
    """Each client sends its n-th request when `next_due(i, n)` says (None: done); latency counts
    from that moment, so a request that had to wait for its turn is counted as late."""
    latencies: list[float] = []
    errors = 0

    async def client(i: int) -> None:
        nonlocal errors
        conn = await Conn(host, port).open()
        n = 0
        try:
            while (due := next_due(i, n)) is not None:
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                status, _ = await conn.request(method, path, body_fn(i, n) if body_fn else None, headers)
                latencies.append(time.perf_counter() - due)
                errors += status >= 400
                n += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "errors": errors,
        "latencies": latencies,
    }


async def closed_loop(host, port, method, path, body_fn, *, clients: int, seconds: float, headers=None):
    """`clients` connections, each sending its next request as soon as the last is answered."""
    stop_at = time.perf_counter() + seconds

    def next_due(i, n):
        now = time.perf_counter()
        return now if now < stop_at else None

    return await _measure(host, port, method, path, body_fn, headers, clients, next_due)


async def open_loop(host, port, method, path, body_fn, *, rate: float, clients: int, seconds: float):
    """A fixed total rate spread over `clients` connections; latency counts from the scheduled time."""
    per_client = rate / clients
    total = int(seconds * per_client)
    start = time.perf_counter()

    def next_due(i, n):
        return start + i / rate + n / per_client if n < total else None  # staggered clients

    return await _measure(host, port, method, path, body_fn, None, clients, next_due)
