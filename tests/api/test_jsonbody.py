"""The issuing route reads its own body: it must refuse, answer and document exactly as FastAPI would."""

import pytest

from tests.factories import login

TICKETS = "/api/halls/main/tickets"


def issued_today(client) -> int:
    return sum(s["issued_today"] for s in client.get("/api/halls/main").json()["services"])


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b'{"service": "A"}', {}),
        (b'{"service": "A"}', {"Content-Type": "text/plain"}),
        (b"service=A", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"", {"Content-Type": "application/json"}),
    ],
    ids=["no content type", "text", "form", "empty"],
)
def test_a_body_that_is_not_json_is_422_and_issues_nothing(client, content, headers):
    response = client.post(TICKETS, content=content, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert issued_today(client) == 0


def test_field_errors_name_the_field_as_other_routes_do(client):
    detail = client.post(TICKETS, json={"service": "A", "priority": "vip", "extra": 1}).json()["detail"]
    assert {tuple(e["loc"]) for e in detail} == {("body", "priority"), ("body", "extra")}
    assert all(e["msg"] for e in detail)
    bad_json = client.post(TICKETS, content=b'{"service":', headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["detail"][0]["type"] == "json_invalid"


def test_json_with_a_charset_is_json(client):
    response = client.post(
        TICKETS, content=b'{"service": "B"}', headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 201 and response.json()["number"] == "B001"


def test_staff_get_the_staff_view_of_the_ticket_they_issue(client):
    public = client.post(TICKETS, json={"service": "A", "phone": "13812345678"})
    assert public.status_code == 201 and "phone" not in public.json()
    staff = client.post(TICKETS, json={"service": "A", "phone": "13912345678"}, headers=login(client))
    assert staff.status_code == 201 and staff.json()["phone"] == "13912345678"
    assert staff.headers["content-type"] == "application/json"


def test_the_openapi_schema_still_documents_the_body_and_the_token(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"][TICKETS.replace("main", "{hall}")]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/TicketCreate"}
    assert operation["security"] == [{"HTTPBearer": []}]
    create = schema["components"]["schemas"]["TicketCreate"]
    assert create["required"] == ["service"] and create["additionalProperties"] is False
    assert create["properties"]["priority"]["$ref"] == "#/components/schemas/Priority"
    assert "Priority" in schema["components"]["schemas"]
