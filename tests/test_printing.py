"""The ticket beyond the screen: the QR code to the phone page, and ESC/POS printing on a fake printer."""

import io
import threading

import pytest
import segno
from pydantic import ValidationError

from hallq import printing
from hallq.config import Settings
from tests.factories import issue
from tests.fakeprinter import PAPER_OUT, FakePrinter
from tests.servers import free_port


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


# ESC/POS printing. The commands a thermal printer needs to print our ticket:
CHINESE_MODE = b"\x1c\x26"  # FS &
NATIVE_QR = b"\x1d(k"  # GS ( k
CUT = b"\x1dV"  # GS V


@pytest.fixture
def printer():
    fake = FakePrinter()
    yield fake
    fake.close()


@pytest.fixture
def printing_client(settings, printer):
    from fastapi.testclient import TestClient

    from hallq.api import create_app

    settings.printers = {"k1": printer.address, "gone": f"tcp://127.0.0.1:{free_port()}"}
    settings.printer_status_timeout = 0.5
    with TestClient(create_app(settings)) as client:
        yield client


def take(client, service="A") -> dict:
    response = client.post("/api/halls/main/tickets", json={"service": service})
    assert response.status_code == 201
    return response.json()


def test_ticket_job_is_chinese_in_gb18030_with_a_native_qr_code_and_a_cut(db):
    ticket = issue(db, service="A")
    job = printing.ticket_job(ticket, f"http://hall.local/t/{ticket.token}")
    chinese = job.index(CHINESE_MODE)
    assert job.index("客服大厅".encode("gb18030")) > chinese
    assert "业扩申报".encode("gb18030") in job and b"A001" in job
    assert "前方等待 0 人".encode("gb18030") in job
    for document in ticket.documents:  # 一次性告知, on paper too
        assert document.encode("gb18030") in job
    qr = job.index(NATIVE_QR)
    assert job.index(f"http://hall.local/t/{ticket.token}".encode(), qr) > qr
    assert job.rindex(CUT) > qr and "业扩申报".encode() not in job  # never UTF-8 to the printer


def test_kiosk_printer_prints_the_ticket(printing_client, printer):
    ticket = take(printing_client)
    response = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "k1"})
    assert response.status_code == 204
    (job,) = printer.wait_for_jobs()
    assert job.startswith(b"\x10\x04\x04")  # it asked for paper first
    assert CHINESE_MODE in job and "客服大厅".encode("gb18030") in job and ticket["number"].encode() in job
    assert NATIVE_QR in job and f"http://testserver/t/{ticket['token']}".encode() in job
    assert job.rstrip(b"\x00").endswith(b"\x1bd\x06\x1dV")  # feed, then cut


def test_printer_offline_is_reported_and_the_ticket_stays_valid(printing_client, caplog):
    ticket = take(printing_client)
    response = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "gone"})
    assert response.status_code == 502
    assert response.json()["code"] == "printer_offline" and "not answering" in response.json()["detail"]
    assert f"ticket {ticket['number']} not printed" in caplog.text
    still = printing_client.get(f"/api/tickets/{ticket['token']}").json()
    assert (still["number"], still["status"]) == (ticket["number"], "waiting")


def test_printer_out_of_paper_prints_nothing_and_says_so(printing_client, printer):
    printer.paper = PAPER_OUT
    ticket = take(printing_client)
    response = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "k1"})
    assert response.status_code == 502 and response.json()["code"] == "printer_no_paper"
    assert printer.wait_for_jobs() == [b"\x10\x04\x04"]  # the question only, no ticket


def test_a_printer_that_does_not_answer_status_still_prints(printing_client, printer):
    printer.paper = None
    ticket = take(printing_client)
    response = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "k1"})
    assert response.status_code == 204
    assert ticket["number"].encode() in printer.wait_for_jobs()[0]


def test_a_hung_printer_is_given_up_on(printing_client, settings, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(printing, "print_ticket", lambda **_: release.wait(10))
    settings.print_timeout, settings.printer_status_timeout = 0.2, 0
    ticket = take(printing_client)
    try:
        response = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "k1"})
    finally:
        release.set()
    assert response.status_code == 502 and response.json()["code"] == "printer_timeout"


def test_print_needs_a_known_kiosk_and_a_real_ticket(printing_client):
    ticket = take(printing_client)
    unknown = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "k9"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_printer"
    fake = printing_client.post("/api/tickets/no-such-ticket-token/print", json={"kiosk": "k1"})
    assert fake.status_code == 404 and fake.json()["code"] == "unknown_ticket"
    bad = printing_client.post(f"/api/tickets/{ticket['token']}/print", json={"kiosk": "k1; rm"})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "text, address",
    [
        ("tcp://192.168.1.50:9100", printing.Address("tcp", host="192.168.1.50", port=9100)),
        ("tcp://printer-2", printing.Address("tcp", host="printer-2", port=9100)),
        ("usb://0x0416:0x5011", printing.Address("usb", vendor=0x0416, product=0x5011)),
    ],
)
def test_printer_addresses(text, address):
    assert printing.parse_address(text) == address


@pytest.mark.parametrize("text", ["192.168.1.50", "tcp://host:99999", "lpt1", "usb://416:5011"])
def test_a_mistyped_printer_address_stops_the_start(text):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, printers={"k1": text})
