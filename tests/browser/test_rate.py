"""The evaluation pad (评价器) in a real browser, beside a clerk console."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_clerk import open_console

pytestmark = pytest.mark.browser


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


def test_a_finish_during_the_pads_own_fetch_still_asks_for_a_rating(page, server):
    """The pad is fetching its view (after a recall) when the finish arrives: the view it gets
    back is the one from before the finish, so the finish must bring another fetch."""
    admin = server.login()
    server.issue("B")
    server.api("POST", "/api/halls/main/windows/3/call", token=admin, expect=200)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(f"{server.url}/clerk/rate?hall=main&window=3")
    expect(page.locator("#serving-number")).to_have_text("B001")
    before_finish = server.api("GET", "/api/halls/main/windows/3/pad")
    held = []
    # The first fetch is held (answered below); any later one goes through.
    page.route(
        "**/api/halls/main/windows/3/pad", lambda route: route.continue_() if held else held.append(route)
    )
    with page.expect_request("**/api/halls/main/windows/3/pad"):
        server.api("POST", "/api/halls/main/windows/3/recall", token=admin, expect=200)
    with sockets[0].expect_event("framereceived", predicate=lambda frame: "ticket.finished" in str(frame)):
        server.api("POST", "/api/halls/main/windows/3/finish", token=admin, expect=200)
    held[0].fulfill(json=before_finish)  # the answer to the fetch begun before the finish
    expect(page.get_by_text("请对本次服务进行评价")).to_be_visible()
