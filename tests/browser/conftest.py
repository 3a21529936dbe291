"""Real-browser tests: Debian's Chromium driven by Playwright, against a real server process."""

from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_URL, REDIS_URL
from tests.servers import ROOT, ServerProcess

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


class LiveServer(ServerProcess):
    """A server for one test, with a small HTTP client for setting the scene."""

    def api(self, method: str, path: str, *, json=None, token: dict | None = None, expect: int | None = None):
        response = httpx.request(method, f"{self.url}{path}", json=json, headers=token or {}, timeout=10)
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json() if response.content else None

    def issue(self, service: str = "A", hall: str = "main", **fields) -> dict:
        return self.api("POST", f"/api/halls/{hall}/tickets", json={"service": service, **fields}, expect=201)

    def add_user(
        self, username: str, role: str, windows=(), hall: str = "main", password: str = "secret-pass-1"
    ):
        body = {"username": username, "password": password, "role": role, "windows": list(windows)}
        self.api("POST", f"/api/halls/{hall}/users", json=body, token=self.login(), expect=201)
        return self.login(username, password)


@pytest.fixture
def server(tmp_path, database_url):
    env = {"HALLQ_BROADCAST_URL": REDIS_URL} if REDIS_URL else {}
    proc = LiveServer(tmp_path, database_url=database_url if PG_URL else None, env=env).start()
    yield proc
    proc.kill()


@pytest.fixture
def artifacts() -> Path:
    """Screenshots kept after the run (CI keeps test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def outside_requests(page):
    """Every request the page makes to anywhere but this machine: must stay empty."""
    seen: list[str] = []
    page.on(
        "request",
        lambda r: (
            seen.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:"))
            else None
        ),
    )
    return seen
