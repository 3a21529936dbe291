"""The hall display in a real browser: calls, windows, waiting, restarts, and the order of sounds."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.conftest import PG_URL, REDIS_URL

pytestmark = pytest.mark.browser

HD = {"width": 1920, "height": 1080}

# What the page asks its audio elements to play, without playing it: each "clip" ends 30 ms
# later. `__overlap` counts a clip started while another still played (it must stay 0).
# Until a click, play() may be refused as a browser without the autoplay flag would do.
FAKE_AUDIO = """
(() => {
  window.__played = [];
  window.__overlap = 0;
  let active = 0;
  let allowed = !%(blocked)s;
  document.addEventListener("click", () => { allowed = true; }, true);
  HTMLMediaElement.prototype.play = function () {
    if (!allowed) return Promise.reject(new DOMException("autoplay blocked", "NotAllowedError"));
    if (this.volume === 0) return Promise.resolve();  // the page's silent probe, not a sound
    const clip = this;
    window.__played.push(new URL(clip.src, location.href).pathname);
    if (active > 0) window.__overlap += 1;
    active += 1;
    setTimeout(() => { active -= 1; clip.dispatchEvent(new Event("ended")); }, 30);
    return Promise.resolve();
  };
})();
"""

# Real playback, with a record of what started, ended or failed. The recorders are attached
# when the element is made, so they hear "ended" before the page's own handler moves on.
AUDIO_LOG = """
(() => {
  window.__audio = [];
  const path = (src) => new URL(src, location.href).pathname;
  const RealAudio = window.Audio;
  window.Audio = function (...args) {
    const clip = new RealAudio(...args);
    for (const type of ["ended", "error"]) {
      clip.addEventListener(type, () => {
        if (clip.volume > 0) window.__audio.push(type + " " + path(clip.src));
      });
    }
    return clip;
  };
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (this.volume > 0) window.__audio.push("play " + path(this.src));
    return play.call(this);
  };
})();
"""


def call(server, window: int, token, action: str = "call") -> dict:
    return server.api("POST", f"/api/halls/main/windows/{window}/{action}", token=token, expect=200)


def open_display(page, server, query: str = "") -> None:
    page.set_viewport_size(HD)
    page.goto(f"{server.url}/display/?hall=main{query}")
    expect(page.locator("#hall-name, .ws-name").first).not_to_be_empty()


def test_calls_windows_and_waiting_show_live(page, server, artifacts, outside_requests):
    admin = server.login()
    issued = [server.issue(service) for service in "AABBCD"]
    open_display(page, server)
    latest = page.locator("#latest")
    expect(latest.locator(".latest-window")).to_have_text("请取号等候叫号")
    expect(page.locator('.service[data-service="A"] .waiting')).to_have_text("等候 2 人")

    call(server, 1, admin)
    expect(latest.locator(".latest-number")).to_have_text("A001")
    expect(latest.locator(".latest-window")).to_have_text("请到1号窗口")
    expect(latest).to_have_class(re.compile("flash"))
    expect(page.locator('.window-card[data-window="1"] .current')).to_have_text("A001")
    expect(page.locator('.service[data-service="A"] .waiting')).to_have_text("等候 1 人")

    call(server, 3, admin)
    call(server, 5, admin)
    expect(latest.locator(".latest-number")).to_have_text("C001")
    expect(page.locator("#recent li .number")).to_have_text(["B001", "A001"])
    call(server, 3, admin, "recall")
    expect(latest.locator(".latest-number")).to_have_text("B001")
    expect(latest.locator(".recall-tag")).to_be_visible()
    expect(page.locator("#recent li .number")).to_have_text(["C001", "A001"])  # one row per ticket

    call(server, 1, admin, "finish")
    expect(page.locator('.window-card[data-window="1"] .state')).to_have_text("等候叫号")
    call(server, 6, admin, "pause")
    server.api("POST", "/api/halls/main/windows/8/close", token=admin, expect=200)
    expect(page.locator('.window-card[data-window="6"]')).to_have_class(re.compile("paused"))
    expect(page.locator('.window-card[data-window="6"] .state')).to_have_text("暂停服务")
    expect(page.locator('.window-card[data-window="8"] .state')).to_have_text("未开放")

    # A manager cancels a waiting ticket: the waiting count drops at once.
    second_b = issued[3]
    server.api("POST", f"/api/halls/main/tickets/{second_b['id']}/cancel", token=admin, expect=200)
    expect(page.locator('.service[data-service="B"] .waiting')).to_have_text("等候 0 人")

    server.issue("D")
    call(server, 7, admin)
    expect(latest.locator(".latest-number")).to_have_text("D001")
    expect(page.locator("#ticker-text")).to_contain_text("95598")
    expect(latest).not_to_have_class(re.compile("flash"))  # the blink is over: a calm picture
    page.screenshot(path=str(artifacts / "display-1920x1080.png"))
    assert outside_requests == []


def test_an_announcement_posted_by_a_manager_scrolls_at_once(page, server):
    open_display(page, server)
    admin = server.login()
    posted = server.api(
        "POST", "/api/halls/main/notices", json={"text": "今日16:00起暂停业扩受理"}, token=admin
    )
    expect(page.locator("#ticker-text")).to_contain_text("今日16:00起暂停业扩受理")
    server.api("DELETE", f"/api/halls/main/notices/{posted['id']}", token=admin, expect=204)
    expect(page.locator("#ticker-text")).not_to_contain_text("今日16:00起暂停业扩受理")


def test_the_window_screen_shows_its_own_window_only(page, server, artifacts):
    admin = server.login()
    server.issue("B")
    server.issue("A")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/display/?hall=main&window=3")
    screen = page.locator("#window-screen")
    expect(screen.locator(".ws-name")).to_have_text("3号窗口")
    expect(screen.locator(".ws-status")).to_have_text("等候叫号")
    call(server, 1, admin)
    call(server, 3, admin)
    expect(screen.locator(".ws-number")).to_have_text("B001")
    expect(screen.locator(".ws-status")).to_have_text("请B001号到3号窗口办理")
    expect(page.locator("#hall-screen")).to_be_hidden()
    page.screenshot(path=str(artifacts / "display-window-1280x720.png"))
    call(server, 3, admin, "finish")
    call(server, 3, admin, "pause")
    expect(screen.locator(".ws-status")).to_have_text("暂停服务")


def test_the_display_rides_out_a_server_restart_without_a_reload(page, server):
    admin = server.login()
    server.issue("A")
    open_display(page, server)
    page.evaluate("window.__same_page = true")
    status = page.locator("#status")
    expect(status).to_be_hidden()

    server.kill()
    expect(status).to_be_visible()
    expect(status).to_have_text("网络连接中断，正在重新连接…")
    server.start()
    expect(status).to_be_hidden(timeout=15000)

    admin = server.login()  # tokens outlive a restart, but be plain about it
    call(server, 1, admin)
    expect(page.locator("#latest .latest-number")).to_have_text("A001")
    assert page.evaluate("window.__same_page") is True  # nobody pressed F5


def test_sounds_play_in_call_order_chime_first_each_said_twice(page, server):
    page.add_init_script(FAKE_AUDIO % {"blocked": "false"})
    admin = server.login()
    for service in "ABC":
        server.issue(service)
    open_display(page, server)
    first = call(server, 1, admin)
    second = call(server, 3, admin)
    third = call(server, 3, admin, "recall")
    chime = "/sounds/chime.wav"
    expected = (
        [chime, first["audio_url"]] * 2 + [chime, second["audio_url"]] * 2 + [chime, third["audio_url"]] * 2
    )
    page.wait_for_function("n => window.__played.length >= n", arg=len(expected))
    assert page.evaluate("window.__played") == expected
    assert third["audio_url"].endswith("/recall.wav")
    assert page.evaluate("window.__overlap") == 0  # never two at once, none cut short


def test_a_repeat_setting_in_the_address_overrides_the_server(page, server):
    page.add_init_script(FAKE_AUDIO % {"blocked": "false"})
    server.issue("D")
    open_display(page, server, "&repeat=1")
    called = call(server, 7, server.login())
    page.wait_for_function("() => window.__played.length >= 2")
    page.wait_for_timeout(300)  # nothing more is coming: a second round would start within 60 ms
    assert page.evaluate("window.__played") == ["/sounds/chime.wav", called["audio_url"]]


def test_blocked_autoplay_asks_once_for_a_click_then_plays(page, server):
    page.add_init_script(FAKE_AUDIO % {"blocked": "true"})
    server.issue("B")
    open_display(page, server, "&repeat=1")
    overlay = page.locator("#unmute")
    expect(overlay).to_be_visible()  # known before the first customer is called
    expect(overlay).to_contain_text("点击屏幕启用声音")
    called = call(server, 3, server.login())
    expect(page.locator("#latest .latest-number")).to_have_text("B001")  # the screen never waits for sound
    assert page.evaluate("window.__played") == []
    overlay.click()
    expect(overlay).to_be_hidden()
    page.wait_for_function("() => window.__played.length >= 2")
    assert page.evaluate("window.__played") == ["/sounds/chime.wav", called["audio_url"]]


def test_real_audio_chime_then_the_synthesised_announcement_to_the_end(page, server):
    page.add_init_script(AUDIO_LOG)
    served = {}
    page.on("response", lambda r: served.setdefault(r.url.split("://", 1)[1].split("/", 1)[1], r.status))
    server.issue("A")
    open_display(page, server, "&repeat=1")
    called = call(server, 2, server.login())
    url = called["audio_url"]
    page.wait_for_function("s => window.__audio.includes(s)", arg=f"ended {url}", timeout=20000)
    assert page.evaluate("window.__audio") == [
        "play /sounds/chime.wav",
        "ended /sounds/chime.wav",
        f"play {url}",
        f"ended {url}",
    ]
    assert served[url.lstrip("/")] in (200, 206)  # media elements ask for byte ranges


@pytest.fixture
def voiceless_server(tmp_path, database_url):
    env = {"HALLQ_VOICE_ZH": "sit/no-such-voice"}
    if REDIS_URL:
        env["HALLQ_BROADCAST_URL"] = REDIS_URL
    proc = LiveServer(tmp_path, database_url=database_url if PG_URL else None, env=env).start()
    yield proc
    proc.kill()


def test_without_a_voice_calls_still_show_and_the_chime_still_plays(page, voiceless_server):
    server = voiceless_server
    page.add_init_script(AUDIO_LOG)
    server.issue("A")
    server.issue("A")
    open_display(page, server, "&repeat=1")
    admin = server.login()
    first = call(server, 1, admin)
    second = call(server, 1, admin)
    expect(page.locator("#latest .latest-number")).to_have_text("A002")
    page.wait_for_function(
        "s => window.__audio.includes(s)", arg=f"error {second['audio_url']}", timeout=20000
    )
    assert page.evaluate("window.__audio") == [
        "play /sounds/chime.wav",
        "ended /sounds/chime.wav",
        f"play {first['audio_url']}",
        f"error {first['audio_url']}",
        "play /sounds/chime.wav",
        "ended /sounds/chime.wav",
        f"play {second['audio_url']}",
        f"error {second['audio_url']}",
    ]
    warnings = [
        line for line in server.log.read_text().splitlines() if "announcements are not spoken" in line
    ]
    assert len(warnings) == 1, warnings
