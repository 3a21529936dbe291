"""The phone page a ticket's QR code opens: one ticket, live, on a small screen."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "locale": "zh-CN"}


def test_phone_page_follows_the_ticket_until_it_is_called(page, server, artifacts, outside_requests):
    first = server.issue("A")
    mine = server.issue("A")
    page.goto(f"{server.url}/t/{mine['token']}")
    expect(page.locator("#number")).to_have_text("A002")
    expect(page.locator("#service")).to_have_text("业扩申报")
    expect(page.locator("#now")).to_contain_text("前方等待 1 人")
    expect(page.locator("#documents li")).to_have_count(4)
    page.screenshot(path=artifacts / "phone-waiting.png", full_page=True)
    admin = server.login()
    server.api("POST", "/api/halls/main/windows/1/call", token=admin, expect=200)  # calls A001
    expect(page.locator("#now")).to_contain_text("前方等待 0 人")
    server.api("POST", "/api/halls/main/windows/2/call", token=admin, expect=200)  # calls A002: mine
    expect(page.locator("#now")).to_contain_text("请到 2 号窗口办理")
    expect(page.locator("#documents")).to_be_hidden()
    assert page.title().startswith("A002")
    page.screenshot(path=artifacts / "phone-called.png", full_page=True)
    # Nothing about anyone else: not the other customer's number, nor any phone or token.
    assert first["number"] not in page.content() and first["token"] not in page.content()
    assert outside_requests == []


def test_phone_page_of_an_unknown_ticket_says_so(page, server):
    page.goto(f"{server.url}/t/no-such-ticket-token-here")
    expect(page.locator("#missing")).to_have_text("找不到这张号票。请核对链接，或找工作人员。")
    expect(page.locator("#card")).to_be_hidden()


def test_phone_page_in_english(page, server):
    ticket = server.issue("D")
    page.goto(f"{server.url}/t/{ticket['token']}")
    page.locator("#lang-toggle").click()
    expect(page.locator("#service")).to_have_text("Fault repair · 故障报修")
    expect(page.locator("#now")).to_contain_text("0 ahead of you")
