"""Public endpoints are rate-limited per client address: a kiosk cannot flood a hall with tickets."""

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from hallq.api import create_app
from hallq.config import Settings
from hallq.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_the_steady_rate():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)  # one a second, bursts of 20
    assert [limiter.allow("kiosk") for _ in range(20)] == [0.0] * 20
    assert limiter.allow("kiosk") == pytest.approx(1.0)
    assert limiter.allow("another kiosk") == 0.0  # addresses are counted apart
    clock.now += 1.0
    assert limiter.allow("kiosk") == 0.0
    assert limiter.allow("kiosk") > 0


def test_defaults_are_on():
    settings = Settings(_env_file=None)
    assert settings.rate_issue_per_minute > 0 and settings.rate_socket_per_minute > 0


@pytest.fixture
def limited_client(tmp_path):
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        admin_password="admin-pass-123",
        rate_issue_per_minute=15,  # bursts of 5
        rate_read_per_minute=15,
        rate_socket_per_minute=15,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_issuing_too_fast_gets_429_and_issues_nothing_more(limited_client):
    answers = [limited_client.post("/api/halls/main/tickets", json={"service": "A"}) for _ in range(8)]
    assert [a.status_code for a in answers] == [201] * 5 + [429] * 3
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited" and int(refused.headers["retry-after"]) >= 1
    assert limited_client.get("/api/halls/main").json()["services"][0]["issued_today"] == 5


def test_other_endpoints_are_not_held_up_by_the_issue_limit(limited_client):
    for _ in range(6):
        limited_client.post("/api/halls/main/tickets", json={"service": "A"})
    assert limited_client.get("/api/halls/main").status_code == 200
    assert limited_client.get("/api/health").status_code == 200


def test_too_many_websocket_connections_are_refused(limited_client):
    for _ in range(5):
        with limited_client.websocket_connect("/ws/halls/main") as ws:
            assert ws.receive_json()["type"] == "snapshot"
    with pytest.raises(WebSocketDisconnect), limited_client.websocket_connect("/ws/halls/main") as ws:
        ws.receive_json()
