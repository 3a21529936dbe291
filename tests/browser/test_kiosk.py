"""The kiosk on a portrait touchscreen, driven by touch alone, against a real server."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.fakeprinter import FakePrinter
from tests.servers import free_port

pytestmark = pytest.mark.browser

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
# Headless Chromium has no printer: record what the page hands to window.print() instead.
RECORD_PRINTS = """
window.__printed = [];
window.print = () => window.__printed.push(
  document.querySelector('body > .hallq-print-slip .tk-number')?.textContent);
"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "has_touch": True, "viewport": PORTRAIT}


@pytest.fixture
def kiosk(page, server):
    """The kiosk page of the demo hall, open and live."""

    def open_kiosk(query: str = "") -> None:
        page.add_init_script(RECORD_PRINTS)
        page.goto(f"{server.url}/kiosk/?hall=main{query}")
        expect(page.locator(".service")).to_have_count(4)

    return open_kiosk


def service(page, name: str):
    return page.locator(".service", has_text=name)


def issued_today(server, code: str) -> int:
    hall = server.api("GET", "/api/halls/main")
    return next(s["issued_today"] for s in hall["services"] if s["code"] == code)


def test_take_a_number_by_touch(page, server, kiosk, artifacts, outside_requests):
    server.issue("A")  # someone is already waiting
    kiosk()
    expect(service(page, "业扩申报")).to_contain_text("等候 1 人")
    page.screenshot(path=artifacts / "kiosk-portrait.png")
    service(page, "业扩申报").tap()
    # 一次性告知: everything to bring, before the number is taken
    documents = page.locator("#documents li")
    expect(documents).to_have_count(4)
    expect(documents.first).to_have_text("有效身份证件原件及复印件")
    page.locator("#take").tap()
    ticket = page.locator("#ticket .hallq-ticket")
    expect(ticket.locator(".tk-number")).to_have_text("A002")
    expect(ticket.locator(".tk-service-main")).to_have_text("业扩申报")
    expect(ticket.locator(".tk-ahead")).to_have_text("前方等待 1 人")
    expect(ticket.locator(".tk-docs li")).to_have_count(4)
    expect(ticket.locator(".tk-time")).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))
    expect(ticket.locator(".tk-qr img")).to_have_js_property("complete", True)
    assert ticket.locator(".tk-qr img").evaluate("img => img.naturalWidth") > 0
    expect(page.locator("#print-status")).to_have_text("号票已打印，请在出票口取走")
    assert page.evaluate("window.__printed") == ["A002"]
    page.screenshot(path=artifacts / "kiosk-portrait-ticket.png")
    assert issued_today(server, "A") == 2
    assert outside_requests == []


def test_waiting_counts_follow_tickets_issued_elsewhere(page, server, kiosk):
    kiosk()
    expect(service(page, "电费管理")).to_contain_text("等候 0 人")
    server.issue("B")
    server.issue("B")
    expect(service(page, "电费管理")).to_contain_text("等候 2 人")
    server.api("POST", "/api/halls/main/windows/3/call", token=server.login(), expect=200)
    expect(service(page, "电费管理")).to_contain_text("等候 1 人")


def test_a_quick_double_tap_issues_one_ticket(page, server, kiosk):
    kiosk()
    service(page, "综合业务").tap()
    take = page.locator("#take")
    expect(page.locator("#confirm")).not_to_have_class(re.compile("settling"))  # taps count from here
    box = take.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for _ in range(3):  # an impatient finger
        page.touchscreen.tap(x, y)
    expect(page.locator("#ticket .tk-number")).to_have_text("C001")
    assert issued_today(server, "C") == 1


def test_a_retry_after_a_lost_answer_gets_the_same_ticket(page, server, kiosk):
    """The server issued the number but the answer never reached the kiosk: the customer taps
    again, and gets that number, not a second one."""
    lost = []

    def lose_first_answer(route):
        if not lost:
            lost.append(route.fetch().json()["number"])  # issued on the server...
            route.abort()  # ...but the kiosk never hears of it
        else:
            route.continue_()

    page.route("**/api/halls/main/tickets", lose_first_answer)
    kiosk()
    service(page, "故障报修").tap()
    page.locator("#take").tap()
    expect(page.locator("#confirm-error")).to_contain_text("暂时无法连接服务器，没有取号")
    page.locator("#take").tap()
    expect(page.locator("#ticket .tk-number")).to_have_text("D001")
    assert lost == ["D001"] and issued_today(server, "D") == 1


def test_a_closed_service_says_why_and_cannot_be_pressed(page, server, kiosk):
    admin = server.login()
    for window in (7, 8):
        server.api("POST", f"/api/halls/main/windows/{window}/close", token=admin, expect=200)
    kiosk()
    repair = service(page, "故障报修")
    expect(repair).to_contain_text("暂无窗口办理")
    expect(repair).to_be_disabled()
    expect(service(page, "业扩申报")).to_be_enabled()
    # It opens again as soon as a window does, without reloading.
    server.api("POST", "/api/halls/main/windows/7/resume", token=admin, expect=200)
    expect(repair).to_be_enabled()
    expect(repair).to_contain_text("等候 0 人")


def test_server_down_is_said_plainly_and_the_kiosk_recovers_by_itself(page, server, kiosk, artifacts):
    kiosk()
    service(page, "电费管理").tap()
    server.kill()
    banner = page.locator("#banner")
    expect(banner).to_have_text("服务器暂时无法连接，请稍候或联系工作人员")
    page.locator("#take").tap()
    expect(page.locator("#confirm-error")).to_contain_text("没有取号")
    page.screenshot(path=artifacts / "kiosk-server-down.png")
    page.locator("#back").tap()
    expect(service(page, "电费管理")).to_be_disabled()  # nothing can be issued now
    server.start()
    expect(banner).to_be_hidden(timeout=15000)
    expect(service(page, "电费管理")).to_be_enabled()
    service(page, "电费管理").tap()
    page.locator("#take").tap()
    expect(page.locator("#ticket .tk-number")).to_have_text("B001")


def test_phone_number_on_the_keypad_is_checked_and_shown_masked(page, server, kiosk):
    kiosk()
    service(page, "电费管理").tap()
    page.locator("#phone-open").tap()
    for digit in "1381234567":  # one digit short
        page.locator(f'.key[data-key="{digit}"]').tap()
    expect(page.locator("#phone-digits")).to_have_text("138 1234 567")
    page.locator("#phone-ok").tap()
    expect(page.locator("#phone-error")).to_be_visible()
    page.locator('.key[data-key="8"]').tap()
    page.locator("#phone-ok").tap()
    expect(page.locator("#phone-shown")).to_have_text("到号前短信提醒：138****5678")
    with page.expect_request("**/api/halls/main/tickets") as sent:
        page.locator("#take").tap()
    assert sent.value.post_data_json["phone"] == "13812345678"
    expect(page.locator("#reminder")).to_have_text("到号前短信提醒：138****5678")


def test_english_large_text_and_big_touch_targets(page, server, kiosk):
    kiosk()
    page.locator("#lang-toggle").tap()
    expect(service(page, "Billing & payment").locator(".name")).to_have_text("Billing & payment")
    expect(page.locator(".prompt")).to_have_text("Please choose a service")
    before = service(page, "Billing").bounding_box()["height"]
    page.locator("#large-toggle").tap()
    expect(page.locator("html")).to_have_class(re.compile("large"))
    assert service(page, "Billing").bounding_box()["height"] > before
    # 15 mm is 57 CSS px: every button on every screen is at least that, both ways.
    service(page, "Billing").tap()
    page.locator("#phone-open").tap()
    sizes = page.locator("button:visible").evaluate_all(
        "buttons => buttons.map(b => [b.textContent, b.offsetWidth, b.offsetHeight])"
    )
    assert len(sizes) >= 14 and all(w >= 57 and h >= 57 for _, w, h in sizes), sizes


def test_back_to_the_start_by_itself_in_the_default_language(page, server, kiosk):
    kiosk("&ticket_seconds=2&idle_seconds=2")
    page.locator("#lang-toggle").tap()
    service(page, "General business").tap()
    expect(page.locator("#home")).to_be_visible(timeout=5000)  # nobody touched the screen
    expect(page.locator(".prompt")).to_have_text("请选择您要办理的业务")
    service(page, "综合业务").tap()
    page.locator("#take").tap()
    expect(page.locator("#done")).to_contain_text("秒后返回")
    expect(page.locator("#home")).to_be_visible(timeout=5000)
    assert issued_today(server, "C") == 1


def test_landscape_screen_and_the_printed_ticket(browser, server, artifacts):
    context = browser.new_context(has_touch=True, viewport=LANDSCAPE)
    page = context.new_page()
    page.add_init_script(RECORD_PRINTS)
    page.goto(f"{server.url}/kiosk/?hall=main")
    expect(page.locator(".service")).to_have_count(4)
    page.screenshot(path=artifacts / "kiosk-landscape.png")
    service(page, "业扩申报").tap()
    page.locator("#take").tap()
    expect(page.locator("#ticket .tk-number")).to_have_text("A001")
    page.screenshot(path=artifacts / "kiosk-landscape-ticket.png")
    # On paper: only the ticket, 80 mm wide, number very large.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 302, "height": 1000})  # 80 mm at 96 dpi
    slip = page.locator("body > .hallq-print-slip .hallq-ticket")
    expect(slip).to_be_visible()
    expect(page.locator("main")).to_be_hidden()
    assert slip.bounding_box()["width"] == pytest.approx(302, abs=2)
    number_px = slip.locator(".tk-number").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert number_px > 60  # about 18 mm tall
    slip.screenshot(path=artifacts / "ticket-80mm.png")
    page.pdf(path=artifacts / "ticket-80mm.pdf", width="80mm", height="200mm", print_background=True)
    context.close()


def test_58mm_paper(page, server, kiosk, artifacts):
    kiosk("&paper=58")
    service(page, "故障报修").tap()
    page.locator("#take").tap()
    expect(page.locator("#ticket .tk-number")).to_have_text("D001")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 219, "height": 900})  # 58 mm
    slip = page.locator("body > .hallq-print-slip .hallq-ticket")
    assert slip.bounding_box()["width"] == pytest.approx(219, abs=2)
    slip.screenshot(path=artifacts / "ticket-58mm.png")


@pytest.fixture
def printing_server(tmp_path):
    """A server that prints kiosk k1's tickets on a fake ESC/POS printer, and k2's on one that is off."""
    printer = FakePrinter()
    printers = f'{{"k1": "{printer.address}", "k2": "tcp://127.0.0.1:{free_port()}"}}'
    proc = LiveServer(tmp_path, env={"HALLQ_PRINTERS": printers}).start()
    yield proc, printer
    proc.kill()
    printer.close()


def test_kiosk_printing_through_the_server(page, printing_server):
    server, printer = printing_server
    page.goto(f"{server.url}/kiosk/?hall=main&kiosk=k1")
    service(page, "电费管理").tap()
    page.locator("#take").tap()
    expect(page.locator("#print-status")).to_have_text("号票已打印，请在出票口取走")
    (job,) = printer.wait_for_jobs()
    assert "电费管理".encode("gb18030") in job and b"B001" in job


def test_printer_trouble_is_told_and_the_ticket_still_shown(page, printing_server):
    server, printer = printing_server
    page.goto(f"{server.url}/kiosk/?hall=main&kiosk=k2")
    service(page, "电费管理").tap()
    page.locator("#take").tap()
    expect(page.locator("#ticket .tk-number")).to_have_text("B001")
    status = page.locator("#print-status")
    expect(status).to_contain_text("号票未能打印（打印机未连接）")
    expect(status).to_contain_text("您的号码有效")
    expect(page.locator("#reprint")).to_be_visible()
    assert "ticket B001 not printed" in server.log.read_text()
