"""The clerk console in a real browser: sign in, serve with buttons and F-keys, live updates, refusals."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-1"


def open_console(page, server, username, window=None):
    """Sign in on the console; window=False when the clerk will have to choose one."""
    url = f"{server.url}/clerk/?hall=main" + (f"&window={window}" if isinstance(window, int) else "")
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if window is not False:
        # Ready: the desk view came (the call button is enabled once the window is known open).
        expect(page.locator(".action.call")).to_be_enabled()


def test_sign_in_call_recall_finish_and_see_the_tally(page, server, artifacts, outside_requests):
    server.add_user("wang", "clerk", windows=[3])
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
    page.get_by_role("button", name="呼叫下一位").click()
    expect(page.locator("#current-number")).to_have_text("B002")
    page.screenshot(path=str(artifacts / "clerk-console.png"), full_page=True)
    assert outside_requests == []


def test_the_pad_shows_the_number_then_asks_for_a_rating_after_finish(page, server, artifacts, browser):
    clerk = server.add_user("wang", "clerk", windows=[3])
    server.issue("B")
    pad = browser.new_page(viewport={"width": 1024, "height": 600})
    pad.goto(f"{server.url}/clerk/rate?hall=main&window=3")
    expect(pad.locator("#window-name")).to_have_text("3号窗口")
    open_console(page, server, "wang")
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("B001")
    expect(pad.locator("#serving-number")).to_have_text("B001")
    expect(pad.locator("#clerk")).to_contain_text("wang")
    page.keyboard.press("F4")
    expect(pad.get_by_text("请对本次服务进行评价")).to_be_visible()
    pad.screenshot(path=str(artifacts / "rating-pad.png"))
    pad.get_by_role("button", name="不满意").click()
    pad.get_by_role("button", name="等待时间长").click()
    pad.get_by_role("button", name="提交评价").click()
    expect(pad.get_by_text("感谢您的评价！")).to_be_visible()
    expect(page.locator("#last-rating")).to_have_text("B001 评价：不满意")
    expect(page.locator("#tally")).to_contain_text("不满意 1")
    # One rating per ticket: the server refuses a second one for the same number.
    ticket_id = server.api("GET", "/api/halls/main/windows/3/desk", token=clerk)
    assert ticket_id["current"] is None
    pad.close()
