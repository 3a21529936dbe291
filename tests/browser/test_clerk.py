"""The clerk console in a real browser: sign in, serve with buttons and F-keys, live updates, refusals."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-1"


def open_console(page, server, username, window=None):
    """Sign in on the console; window=False when the clerk will have to choose one."""
    url = f"{server.url}/clerk/?hall=main" + (f"&window={window}" if window else "")
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if window is not False:
        # Ready: the desk view came (the call button is enabled once the window is known open).
        expect(page.locator(".action.call")).to_be_enabled()


def test_sign_in_call_recall_finish_and_see_the_tally(page, server, artifacts, outside_requests):
    page.set_viewport_size({"width": 1366, "height": 768})  # a common clerk PC screen
    server.add_user("wang", "clerk", windows=[3])
    guide = server.add_user("guide1", "guide")
    server.issue("B", phone="13812345678")
    server.issue("B")
    server.issue("B")
    open_console(page, server, "wang")
    expect(page.locator("#where")).to_contain_text("3号窗口")
    expect(page.locator(".queue .count")).to_have_text("等候 3 人")
    page.get_by_role("button", name="呼叫下一位").click()
    expect(page.locator("#current-number")).to_have_text("B001")
    expect(page.locator("#current-facts")).to_contain_text("13812345678")
    expect(page.locator(".queue .next li").first).to_have_text("B002")
    page.get_by_role("button", name="重呼").click()
    expect(page.locator("#message")).to_have_text("已重呼 B001")
    expect(page.locator("#current-facts")).to_contain_text("重呼1")
    page.get_by_role("button", name="办结").click()
    expect(page.locator("#current-number")).to_have_text("—")
    expect(page.locator("#tally")).to_contain_text("办结1")
    expect(page.get_by_role("button", name="办结")).to_be_disabled()
    expect(page.get_by_role("button", name="重呼")).to_be_disabled()
    urgent = {"service": "B", "priority": "priority", "priority_reason": "urgent"}
    server.api("POST", "/api/halls/main/tickets", json=urgent, token=guide, expect=201)
    expect(page.locator(".queue .next li").first).to_contain_text(
        "B004优先 · 急事急办"
    )  # live, first in line
    page.get_by_role("button", name="呼叫下一位").click()
    expect(page.locator("#current-number")).to_have_text("B004")
    expect(page.locator("#current-marks")).to_have_text("优先 · 急事急办")
    # The queue follows the call: the number being served has left it.
    expect(page.locator(".queue .count")).to_have_text("等候 2 人")
    expect(page.locator(".queue .next li").first).to_have_text("B002")
    page.screenshot(path=str(artifacts / "clerk-console.png"))
    assert outside_requests == []


def test_keyboard_shortcuts_drive_the_console(page, server, outside_requests):
    server.add_user("li", "clerk", windows=[1])
    for _ in range(3):
        server.issue("A")
    open_console(page, server, "li")
    expect(page.locator(".action.call kbd")).to_have_text("F1")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")
    page.keyboard.press("F2")
    expect(page.locator("#message")).to_have_text("已重呼 A001")
    page.keyboard.press("F3")
    expect(page.locator("#message")).to_have_text("A001 已过号")
    expect(page.locator("#current-number")).to_have_text("—")
    page.keyboard.press("F6")
    expect(page.locator("#window-status")).to_have_text("暂停服务")
    expect(page.locator(".action.call")).to_be_disabled()
    page.keyboard.press("F1")  # paused: nothing is called
    expect(page.locator(".queue .count")).to_have_text("等候 2 人")
    page.keyboard.press("F6")
    expect(page.locator("#window-status")).to_have_text("服务中")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A002")
    page.keyboard.press("F5")
    expect(page.locator("#transfer")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#transfer")).to_be_hidden()
    page.keyboard.press("F4")
    expect(page.locator("#message")).to_have_text("A002 已办结")
    expect(page.locator("#tally")).to_contain_text("办结1")
    expect(page.locator("#tally")).to_contain_text("过号1")
    assert outside_requests == []


def test_after_the_recall_limit_the_console_suggests_no_show(page, server):
    server.add_user("li", "clerk", windows=[1])
    server.issue("A")
    open_console(page, server, "li")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")
    for n in (1, 2, 3):
        page.keyboard.press("F2")
        expect(page.locator("#current-facts")).to_contain_text(f"重呼{n}")
    expect(page.locator("#advice")).to_contain_text("建议过号")
    expect(page.locator(".action.suggested")).to_contain_text("过号")


def test_transfer_to_another_service_and_it_is_called_at_that_services_window(page, server, browser):
    server.add_user("li", "clerk", windows=[1])
    server.add_user("zhao", "clerk", windows=[3])
    server.issue("A")
    server.issue("B")
    open_console(page, server, "li")
    page.get_by_role("button", name="呼叫下一位").click()
    expect(page.locator("#current-number")).to_have_text("A001")
    page.get_by_role("button", name="转移").click()
    page.locator("#transfer-services").get_by_role("button", name="B 电费管理").click()
    expect(page.locator("#message")).to_have_text("A001 已转移")
    other = browser.new_context().new_page()
    open_console(other, server, "zhao")
    # It was taken before B001, so window 3 calls it first, with the same number.
    expect(other.locator(".queue .next li").first).to_contain_text("A001")
    expect(other.locator(".queue .next li").first).to_contain_text("转入")
    other.get_by_role("button", name="呼叫下一位").click()
    expect(other.locator("#current-number")).to_have_text("A001")
    expect(other.locator("#current-service")).to_have_text("B 电费管理")
    other.context.close()


# Notes whether the current number, once shown, ever went back to "—".
WATCH_NUMBER = """
(() => {
  const el = document.querySelector("#current-number");
  let shown = false;
  window.__numberLost = false;
  new MutationObserver(() => {
    if (el.textContent !== "—") shown = true;
    else if (shown) window.__numberLost = true;
  }).observe(el, { childList: true, characterData: true, subtree: true });
})()
"""


def test_two_consoles_calling_at_once_get_different_tickets(page, server, browser):
    server.add_user("li", "clerk", windows=[1])
    server.add_user("wu", "clerk", windows=[2])
    server.issue("A")
    server.issue("A")
    other = browser.new_context().new_page()
    open_console(page, server, "li")
    open_console(other, server, "wu")
    for console in (page, other):
        console.evaluate(WATCH_NUMBER)
    # Both clicks are dispatched before either answer comes back.
    page.evaluate("document.querySelector('.action.call').click()")
    other.evaluate("document.querySelector('.action.call').click()")
    expect(page.locator("#current-number")).not_to_have_text("—")
    expect(other.locator("#current-number")).not_to_have_text("—")
    numbers = {
        page.locator("#current-number").text_content(),
        other.locator("#current-number").text_content(),
    }
    assert numbers == {"A001", "A002"}
    # Each console also sees the other's call: nobody is left waiting for service A.
    expect(page.locator(".queue .count")).to_have_text("等候 0 人")
    expect(other.locator(".queue .count")).to_have_text("等候 0 人")
    # Neither number ever vanished on the way (a desk view read before the call's answer).
    assert page.evaluate("window.__numberLost") is False
    assert other.evaluate("window.__numberLost") is False
    other.context.close()


def test_a_clerk_is_offered_only_their_windows_and_the_server_refuses_others(page, server):
    token = server.add_user("li", "clerk", windows=[3, 4])
    server.issue("A")
    open_console(page, server, "li", window=False)
    picks = page.locator(".pick-window")
    expect(picks).to_have_count(2)
    page.goto(f"{server.url}/clerk/?hall=main&window=1")  # asks for a window that is not theirs
    expect(picks).to_have_count(2)
    expect(picks.first).to_contain_text("3号窗口")
    refused = server.api("POST", "/api/halls/main/windows/1/call", token=token, expect=403)
    assert refused["code"] == "not_your_window"
    picks.nth(1).click()
    expect(page.locator("#where")).to_contain_text("4号窗口")


def test_an_ended_session_goes_back_to_sign_in_with_a_clear_message(page, server):
    server.add_user("li", "clerk", windows=[1])
    server.issue("A")
    open_console(page, server, "li")
    token = page.evaluate("JSON.parse(sessionStorage.getItem('hallq.session')).token")
    server.api("POST", "/api/auth/logout", token={"Authorization": f"Bearer {token}"}, expect=204)
    page.keyboard.press("F1")
    expect(page.locator(".signin-note")).to_contain_text("请重新登录")
    expect(page.locator("#console")).to_be_hidden()
    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".action.call")).to_be_enabled()
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")


def test_the_console_reconnects_by_itself_after_a_server_restart(page, server):
    server.add_user("li", "clerk", windows=[1])
    open_console(page, server, "li")
    server.kill()
    expect(page.locator("#banner")).to_be_visible()
    server.start()
    expect(page.locator("#banner")).to_be_hidden(timeout=15000)
    server.issue("A")  # the new server's event reaches the console
    expect(page.locator(".queue .count")).to_have_text("等候 1 人")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")


def test_a_call_from_the_console_appears_on_the_hall_display(page, server, browser):
    server.add_user("li", "clerk", windows=[1])
    server.issue("A")
    display = browser.new_page(viewport={"width": 1920, "height": 1080})
    display.goto(f"{server.url}/display/?hall=main")
    expect(display.locator("#hall-name")).not_to_be_empty()
    open_console(page, server, "li")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")
    expect(display.locator("#latest .latest-number")).to_have_text("A001")
    expect(display.locator("#latest .latest-window")).to_have_text("请到1号窗口")
    page.keyboard.press("F2")
    expect(display.locator("#latest .recall-tag")).to_be_visible()
    display.close()


@pytest.fixture
def impatient_server(tmp_path, database_url):
    """A server that passes a called number by itself 5 s after the last call (叫号超时自动过号)."""
    from tests.browser.conftest import LiveServer
    from tests.conftest import PG_URL, REDIS_URL

    env = {"HALLQ_AUTO_NO_SHOW_SECONDS": "5", **({"HALLQ_BROADCAST_URL": REDIS_URL} if REDIS_URL else {})}
    proc = LiveServer(tmp_path, database_url=database_url if PG_URL else None, env=env).start()
    yield proc
    proc.kill()


def test_with_the_timeout_on_a_number_nobody_comes_for_is_passed_by_itself(page, impatient_server, artifacts):
    server = impatient_server
    server.add_user("li", "clerk", windows=[1])
    server.issue("A")
    server.issue("A")
    open_console(page, server, "li")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")
    expect(page.locator("#advice")).to_contain_text("秒后自动过号")
    page.screenshot(path=str(artifacts / "clerk-console-countdown.png"))
    expect(page.locator("#message")).to_have_text("A001 叫号超时，已自动过号", timeout=15000)
    expect(page.locator("#current-number")).to_have_text("—")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A002")
    page.keyboard.press("F7")  # the customer came: no automatic pass now
    expect(page.locator("#message")).to_have_text("A002 开始办理")
    expect(page.locator("#advice")).to_be_hidden()
    expect(page.locator(".action[data-action=start]")).to_be_disabled()
