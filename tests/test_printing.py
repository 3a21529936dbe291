"""The ticket beyond the screen: the QR code to the phone page, and ESC/POS printing on a fake printer."""

import io

import segno

from hallq import printing
from tests.factories import issue


def same_qr(svg: bytes, url: str) -> bool:
    """The code says `url`: it is exactly segno's drawing of that text."""
    expected = io.BytesIO()
    segno.make(url, error="m").save(
        expected, kind="svg", border=2, omitsize=True, xmldecl=False, dark="#000", light="#fff"
    )
    return svg == expected.getvalue()


def test_qr_code_leads_to_the_ticket_phone_page(client):
    ticket = client.post("/api/halls/main/tickets", json={"service": "A"}).json()
    response = client.get(f"/api/tickets/{ticket['token']}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert same_qr(response.content, f"http://testserver/t/{ticket['token']}")


def test_qr_code_uses_the_public_url_when_set(settings, db):
    from fastapi.testclient import TestClient

    from hallq.api import create_app

    settings.public_url = "https://queue.example.cn/"
    ticket = issue(db)
    with TestClient(create_app(settings)) as client:
        svg = client.get(f"/api/tickets/{ticket.token}/qr.svg").content
    assert same_qr(svg, f"https://queue.example.cn/t/{ticket.token}")


def test_no_qr_code_for_a_token_that_is_no_ticket(client):
    response = client.get("/api/tickets/not-a-real-token-at-all/qr.svg")
    assert response.status_code == 404 and response.json()["code"] == "unknown_ticket"


def test_phone_link_has_one_slash():
    assert printing.phone_link("http://10.0.0.5:8000/", "abc") == "http://10.0.0.5:8000/t/abc"
