"""The landing page and the API docs page, in a real browser, with nothing from the internet."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_landing_page_links_every_screen_of_each_hall(page, server, outside_requests):
    page.goto(server.url + "/")
    hall = page.locator(".hall")
    expect(hall.locator("h2")).to_contain_text("客服大厅")
    links = hall.locator("a")
    expect(links).to_have_count(4)
    assert links.first.get_attribute("href") == "/kiosk/?hall=main"
    assert outside_requests == []


def test_api_docs_render_from_vendored_files(page, server, outside_requests):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("HallQ")
    expect(page.get_by_text("/api/halls/{hall}/tickets").first).to_be_visible()
    assert outside_requests == [] and errors == []
