"""The guide console in a real browser: issue for a customer (priority too), print, see the hall, manage."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-1"
# Printing is the browser's own dialog; count the calls instead of opening one.
NO_DIALOG = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


def sign_in(page, server, username):
    page.add_init_script(NO_DIALOG)
    page.goto(f"{server.url}/clerk/guide?hall=main")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".window-card")).to_have_count(8)


def test_a_guide_issues_a_priority_ticket_and_prints_it_like_the_kiosk(
    page, server, artifacts, outside_requests
):
    server.add_user("guide1", "guide")
    server.issue("D")
    sign_in(page, server, "guide1")
    page.locator("[data-service=D]").click()
    page.get_by_role("radio", name="急事急办").click()
    page.fill("#phone", "138 1234 5678")
    page.get_by_role("button", name="取号", exact=True).click()
    expect(page.locator("#issue-message")).to_have_text("已取号 D002")
    expect(page.locator("#issued-ticket .tk-number")).to_contain_text("D002")
    expect(page.locator("#print-message")).to_have_text("号票已打印")
    expect(page.get_by_role("radio", name="普通")).to_have_attribute("aria-checked", "true")
    assert page.evaluate("window.__printed") == 1
    expect(page.locator("body > .hallq-print-slip .tk-number")).to_contain_text("D002")
    # The priority ticket goes first in service D's queue, marked with its reason.
    first = page.locator(".queues .queue").nth(3).locator(".next li").first
    expect(first).to_contain_text("D002")
    expect(first).to_contain_text("急事急办")
    expect(page.locator(".manage")).to_have_count(0)  # a guide does not manage the queue
    page.screenshot(path=str(artifacts / "guide-console.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "guide-printed-ticket.png"), full_page=True)
    assert outside_requests == []


def test_the_guide_sees_windows_change_live(page, server):
    server.add_user("guide1", "guide")
    server.issue("B")
    sign_in(page, server, "guide1")
    admin = server.login()
    server.api("POST", "/api/halls/main/windows/3/call", token=admin, expect=200)
    server.api("POST", "/api/halls/main/windows/5/pause", token=admin, expect=200)
    expect(page.locator(".window-card").nth(2)).to_contain_text("B001")
    expect(page.locator(".window-card").nth(4)).to_contain_text("暂停服务")


def test_a_manager_moves_a_ticket_to_the_front_and_cancels_another(page, server):
    server.add_user("boss", "manager")
    for _ in range(3):
        server.issue("C")
    sign_in(page, server, "boss")
    queue = page.locator(".queues .queue").nth(2)
    expect(queue.locator(".next li")).to_have_count(3)
    queue.locator("li[data-number=C003] .manage.front").click()
    expect(queue.locator(".next li").first).to_contain_text("已置顶")
    expect(queue.locator(".next li").first).to_contain_text("C003")
    page.once("dialog", lambda dialog: dialog.accept())
    queue.locator("li[data-number=C001] .manage.cancel").click()
    expect(page.locator("#queue-message")).to_have_text("C001 已取消")
    expect(queue.locator(".next li")).to_have_count(2)
    expect(queue.locator(".count")).to_have_text("等候 2 人")
    admin = server.login()
    called = server.api("POST", "/api/halls/main/windows/5/call", token=admin, expect=200)
    assert called["number"] == "C003"
