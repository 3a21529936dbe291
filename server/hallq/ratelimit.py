"""Per-address rate limits on the public endpoints, so a kiosk or a script cannot flood a hall.

Token buckets in this process's memory, keyed by client address and kind of request. With
several server processes each keeps its own buckets, so the hall-wide ceiling is the limit
times the number of processes; that is still far below a flood. Behind a reverse proxy the
address is the proxy's X-Forwarded-For, trusted only from --forwarded-allow-ips.
"""

import re
import time
from dataclasses import dataclass

from hallq.config import Settings


@dataclass
class Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, *, clock=time.monotonic) -> None:
        self.rate = per_minute / 60.0
        # A third of a minute's allowance at once: a family taking three numbers is fine, a loop is not.
        self.capacity = max(5.0, per_minute / 3)
        self._clock = clock
        self._buckets: dict[str, Bucket] = {}
        self._calls = 0

    def allow(self, key: str) -> float:
        """0 when allowed; otherwise the seconds to wait."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        self._calls += 1
        if self._calls % 10_000 == 0:
            self._forget_idle(now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full_after = self.capacity / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[key]


# (method, path pattern, kind). Staff actions are not listed: they need a valid token anyway.
RULES = [
    ("POST", re.compile(r"^/api/halls/[^/]+/tickets$"), "issue"),
    ("POST", re.compile(r"^/api/auth/login$"), "login"),
    ("GET", re.compile(r"^/api/tickets/"), "read"),
    ("POST", re.compile(r"^/api/tickets/"), "issue"),
    ("GET", re.compile(r"^/t/"), "read"),
    ("WS", re.compile(r"^/ws/"), "socket"),
]


def limiters_from(settings: Settings) -> dict[str, RateLimiter]:
    limits = {
        "issue": settings.rate_issue_per_minute,
        "login": settings.rate_login_per_minute,
        "read": settings.rate_read_per_minute,
        "socket": settings.rate_socket_per_minute,
    }
    return {kind: RateLimiter(n) for kind, n in limits.items() if n > 0}


def kind_of(method: str, path: str) -> str | None:
    for rule_method, pattern, kind in RULES:
        if rule_method == method and pattern.match(path):
            return kind
    return None
