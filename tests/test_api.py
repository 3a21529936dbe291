"""The HTTP API as a client sees it: shapes, status codes, and clear errors."""

import pytest

from tests.factories import PASSWORD, login


def test_health(client):
    assert client.get("/api/health").json() == {"status": "ok"}


def test_demo_hall_is_there_on_first_start(client):
    assert client.get("/api/halls").json() == [
        {"slug": "main", "name": "客服大厅", "name_en": "Customer Service Hall"}
    ]
    hall = client.get("/api/halls/main").json()
    assert [(s["code"], s["name"], s["name_en"]) for s in hall["services"]] == [
        ("A", "业扩申报", "New connection"),
        ("B", "电费管理", "Billing & payment"),
        ("C", "综合业务", "General business"),
        ("D", "故障报修", "Fault repair"),
    ]
    assert [(w["number"], w["services"], w["status"]) for w in hall["windows"]] == [
        (n, [c], "open") for n, c in zip(range(1, 9), "AABBCCDD", strict=True)
    ]
    assert all(s["available"] and s["documents"] for s in hall["services"])


def test_login_gives_a_bearer_token_and_wrong_password_401(client):
    ok = client.post("/api/auth/login", json={"username": "admin", "password": "admin-pass-123"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "bearer" and body["role"] == "admin" and len(body["access_token"]) > 30
    wrong = client.post("/api/auth/login", json={"username": "admin", "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.json()["detail"]
    nobody = client.post("/api/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert nobody.status_code == 401


def test_repeated_failures_lock_the_account(client):
    for _ in range(5):
        client.post("/api/auth/login", json={"username": "admin", "password": "wrong-pass"})
    locked = client.post("/api/auth/login", json={"username": "admin", "password": "admin-pass-123"})
    assert locked.status_code == 429 and locked.json()["code"] == "locked"


def test_logout_ends_the_token(client):
    headers = login(client)
    assert client.get("/api/auth/me", headers=headers).json()["username"] == "admin"
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_admin_adds_a_clerk_who_can_then_call_their_window(client):
    headers = login(client)
    created = client.post(
        "/api/halls/main/users",
        json={"username": "li", "password": PASSWORD, "role": "clerk", "windows": [3, 4]},
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json() == {
        "username": "li",
        "display_name": "",
        "role": "clerk",
        "hall": "main",
        "windows": [3, 4],
    }
    clerk = login(client, "li")
    client.post("/api/halls/main/tickets", json={"service": "B"})
    called = client.post("/api/halls/main/windows/3/call", headers=clerk)
    assert called.status_code == 200 and called.json()["number"] == "B001"
    refused = client.post("/api/halls/main/windows/1/call", headers=clerk)
    assert refused.status_code == 403 and "window 1" in refused.json()["detail"]


def test_only_an_admin_adds_users(client):
    headers = login(client)
    client.post(
        "/api/halls/main/users",
        json={"username": "boss", "password": PASSWORD, "role": "manager"},
        headers=headers,
    )
    manager = login(client, "boss")
    refused = client.post(
        "/api/halls/main/users",
        json={"username": "x1", "password": PASSWORD, "role": "clerk"},
        headers=manager,
    )
    assert refused.status_code == 403
    assert (
        client.post(
            "/api/halls/main/users", json={"username": "x1", "password": PASSWORD, "role": "clerk"}
        ).status_code
        == 401
    )


def test_duplicate_user_and_weak_password(client):
    headers = login(client)
    user = {"username": "li", "password": PASSWORD, "role": "guide"}
    assert client.post("/api/halls/main/users", json=user, headers=headers).status_code == 201
    again = client.post("/api/halls/main/users", json=user, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "user_exists"
    weak = client.post(
        "/api/halls/main/users", json={**user, "username": "wu", "password": "short"}, headers=headers
    )
    assert weak.status_code == 422


def test_issue_a_ticket_publicly(client):
    response = client.post("/api/halls/main/tickets", json={"service": "A", "phone": "13812345678"})
    assert response.status_code == 201
    ticket = response.json()
    assert ticket["number"] == "A001" and ticket["service"] == "A" and ticket["status"] == "waiting"
    assert ticket["ahead"] == 0 and ticket["issued_at"] and ticket["token"] and ticket["id"]
    assert ticket["service_name"] == "业扩申报" and ticket["documents"]
    assert "phone" not in ticket  # the kiosk is public: nothing personal comes back
    second = client.post("/api/halls/main/tickets", json={"service": "A"}).json()
    assert second["number"] == "A002" and second["ahead"] == 1
    assert client.get("/api/halls/main").json()["services"][0]["waiting"] == 2


def test_priority_ticket_over_http_needs_a_token(client):
    assert (
        client.post("/api/halls/main/tickets", json={"service": "A", "priority": "priority"}).status_code
        == 401
    )
    ok = client.post(
        "/api/halls/main/tickets", json={"service": "A", "priority": "priority"}, headers=login(client)
    )
    assert ok.status_code == 201 and ok.json()["priority"] == "priority"


def test_ticket_by_token_shows_the_window_once_called(client):
    token = client.post("/api/halls/main/tickets", json={"service": "C"}).json()["token"]
    before = client.get(f"/api/tickets/{token}").json()
    assert before["status"] == "waiting" and before["window"] is None
    client.post("/api/halls/main/windows/5/call", headers=login(client))
    after = client.get(f"/api/tickets/{token}").json()
    assert after["status"] == "called" and after["window"] == 5 and after["ahead"] == 0
    assert client.get("/api/tickets/not-a-token").status_code == 404


def test_window_actions_over_http(client):
    headers = login(client)
    client.post("/api/halls/main/tickets", json={"service": "A"})
    base = "/api/halls/main/windows/1"
    assert client.post(f"{base}/call", headers=headers).json()["number"] == "A001"
    assert client.post(f"{base}/recall", headers=headers).json()["recall_count"] == 1
    assert client.post(f"{base}/transfer", json={"service": "D"}, headers=headers).json()["service"] == "D"
    assert client.post(f"{base}/call", headers=headers).status_code == 204
    assert client.post("/api/halls/main/windows/7/call", headers=headers).json()["number"] == "A001"
    assert client.post("/api/halls/main/windows/7/no-show", headers=headers).json()["status"] == "no_show"
    paused = client.post(f"{base}/pause", headers=headers)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    refused = client.post(f"{base}/call", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "window_paused"
    assert client.post(f"{base}/resume", headers=headers).json()["status"] == "open"
    nothing = client.post(f"{base}/finish", headers=headers)
    assert nothing.status_code == 409 and nothing.json()["detail"] == "window 1 has no current ticket"


def test_hall_detail_shows_the_current_ticket_of_each_window(client):
    client.post("/api/halls/main/tickets", json={"service": "B"})
    client.post("/api/halls/main/windows/4/call", headers=login(client))
    windows = {w["number"]: w for w in client.get("/api/halls/main").json()["windows"]}
    assert windows[4]["current"]["number"] == "B001"
    assert windows[3]["current"] is None


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("get", "/api/halls/nowhere", None, 404),
        ("post", "/api/halls/nowhere/tickets", {"service": "A"}, 404),
        ("post", "/api/halls/main/tickets", {"service": "Z"}, 404),
        ("post", "/api/halls/main/tickets", {"service": 5}, 422),
        ("post", "/api/halls/main/tickets", {"service": "A", "priority": "vip"}, 422),
        ("post", "/api/halls/main/tickets", {"service": "A", "extra": 1}, 422),
        ("post", "/api/halls/main/tickets", {}, 422),
        ("post", "/api/halls/main/tickets", {"service": "A", "phone": "123"}, 422),
        ("post", "/api/halls/main/windows/1/call", None, 401),
        ("post", "/api/auth/login", {"username": "admin"}, 422),
    ],
)
def test_bad_input_gets_a_clear_4xx_with_a_json_detail(client, method, path, body, status):
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_unknown_window_404_for_an_admin(client):
    response = client.post("/api/halls/main/windows/99/call", headers=login(client))
    assert response.status_code == 404 and response.json()["code"] == "unknown_window"


def test_malformed_json_is_422(client):
    response = client.post(
        "/api/halls/main/tickets", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_oversized_body_is_413_and_issues_nothing(client):
    big = {"service": "A", "phone": "1" * 200_000}
    response = client.post("/api/halls/main/tickets", json=big)
    assert response.status_code == 413 and response.json()["detail"]
    assert client.get("/api/halls/main").json()["services"][0]["issued_today"] == 0


def test_a_bad_token_is_401_even_on_public_endpoints(client):
    response = client.post(
        "/api/halls/main/tickets", json={"service": "A"}, headers={"Authorization": "Bearer xyz"}
    )
    assert response.status_code == 401


def test_pages_carry_security_headers(client):
    response = client.get("/api/health")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_the_core_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in [
        "/api/health",
        "/api/auth/login",
        "/api/halls",
        "/api/halls/{hall}",
        "/api/halls/{hall}/tickets",
        "/api/tickets/{token}",
        "/api/halls/{hall}/users",
        "/api/halls/{hall}/windows/{number}/call",
        "/api/halls/{hall}/windows/{number}/transfer",
    ]:
        assert path in paths


def test_issue_with_request_id_twice_answers_with_one_ticket(client):
    body = {"service": "B", "request_id": "6f1c2d3e-8a9b-4c5d-9e0f-1a2b3c4d5e6f"}
    first = client.post("/api/halls/main/tickets", json=body)
    again = client.post("/api/halls/main/tickets", json=body)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"] == "B001"
    assert client.get("/api/halls/main").json()["services"][1]["waiting"] == 1


@pytest.mark.parametrize("request_id", ["short", "has space in it", "x" * 41, "<script>alert</script>"])
def test_malformed_request_id_is_refused(client, request_id):
    response = client.post("/api/halls/main/tickets", json={"service": "A", "request_id": request_id})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert client.get("/api/halls/main").json()["services"][0]["issued_today"] == 0


def test_nul_characters_are_bad_input_not_a_server_error(client):
    login = client.post("/api/auth/login", json={"username": "ad\x00min", "password": "whatever1"})
    assert login.status_code == 422 and login.json()["detail"]
    assert client.post("/api/halls/main/tickets", json={"service": "A\x00"}).status_code == 422
    assert client.get("/api/halls/ma%00in").status_code == 404
    assert client.get("/api/tickets/abc%00def").status_code == 404
