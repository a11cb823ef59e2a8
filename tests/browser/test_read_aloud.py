"""'Đọc to' on a document page, in a real browser with a scripted speech engine (a
headless browser has no voices): offered only when a Vietnamese voice exists, it reads
the document block by block in that voice, pauses, resumes and stops. The engine may
end an utterance late, as Android's does when it is cancelled: that never moves the
reading on."""

from __future__ import annotations

import json

import pytest

from tests.browser.helpers import DEVICE_NAMES, sign_in_as

LONG = "huong-dan-12"
LONG_TITLE = "Về tổ chức học tập, quán triệt văn bản của Đảng tại chi bộ"

# Replaces the browser's engine before any page script runs: voices are announced
# late (as real engines do), every call is recorded, and the test ends utterances.
FAKE_SPEECH = """(() => {
  const voices = %s;
  const calls = [];
  const listeners = [];
  let current = null;
  let cancelled = null;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const engine = {
    getVoices: () => engine.ready ? voices : [],
    addEventListener: (name, fn) => { if (name === "voiceschanged") listeners.push(fn); },
    speak: (u) => { calls.push({ call: "speak", text: u.text, lang: u.lang,
                                 voice: u.voice && u.voice.name, rate: u.rate }); current = u; },
    cancel: () => { calls.push({ call: "cancel" }); cancelled = current || cancelled; current = null; },
    ready: false,
  };
  Object.defineProperty(window, "speechSynthesis", { value: engine, configurable: true });
  window.__speech = {
    calls,
    announce: () => { engine.ready = true; listeners.forEach(fn => fn()); },
    finish: () => { const u = current; current = null; if (u && u.onend) u.onend(); },
    endCancelled: () => { const u = cancelled; cancelled = null; if (u && u.onend) u.onend(); },
  };
})();"""

VIETNAMESE = [
    {"name": "Google tiếng Anh", "lang": "en-US", "localService": True},
    {"name": "Giọng Việt", "lang": "vi-VN", "localService": True},
]
ENGLISH_ONLY = [{"name": "English", "lang": "en-US", "localService": True}]


def spoken(page) -> list[dict]:
    return [c for c in page.evaluate("() => window.__speech.calls") if c["call"] == "speak"]


def open_document(context, reader, voices) -> object:
    context.add_init_script(FAKE_SPEECH % json.dumps(voices))
    page = context.new_page()
    sign_in_as(page, reader, then=f"/van-ban/{LONG}")
    return page


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_the_document_is_read_aloud_in_the_vietnamese_voice(new_context, reader, device):
    page = open_document(new_context(device), reader, VIETNAMESE)
    control = page.locator("#_doc-to")
    assert control.is_hidden()  # no voice yet
    page.evaluate("() => window.__speech.announce()")
    play = page.get_by_role("button", name="Đọc to văn bản")
    play.click()

    first = spoken(page)
    assert first == [
        {"call": "speak", "text": LONG_TITLE, "lang": "vi-VN", "voice": "Giọng Việt", "rate": 0.95}
    ]
    assert page.locator(".dang-doc").inner_text() == LONG_TITLE
    for _ in range(3):
        page.evaluate("() => window.__speech.finish()")
    texts = [c["text"] for c in spoken(page)]
    assert len(texts) == 4 and len(set(texts)) == 4
    assert page.locator(".dang-doc").inner_text() == texts[-1]

    page.get_by_role("button", name="Tạm dừng").click()
    assert page.evaluate("() => window.__speech.calls.at(-1).call") == "cancel"
    page.evaluate("() => window.__speech.endCancelled()")  # paused: a late end reads nothing
    assert len(spoken(page)) == 4
    page.get_by_role("button", name="Đọc tiếp").click()
    assert [c["text"] for c in spoken(page)][-1] == texts[-1]  # the passage again, from its start
    assert page.locator(".dang-doc").inner_text() == texts[-1]

    page.get_by_role("button", name="Dừng đọc").click()
    assert page.evaluate("() => window.__speech.calls.at(-1).call") == "cancel"
    assert page.locator(".dang-doc").count() == 0
    assert play.inner_text() == "Đọc to văn bản"
    assert page.evaluate("() => document.activeElement.dataset.action") == "play"
    page.evaluate("() => window.__speech.finish()")  # a late end after stopping says nothing
    assert len(spoken(page)) == 5

    play.click()  # read again from the top; the stopped passage's late end skips nothing
    page.evaluate("() => window.__speech.endCancelled()")
    page.evaluate("() => window.__speech.finish()")
    assert [c["text"] for c in spoken(page)][-2:] == texts[:2]


def test_reading_reaches_the_end_of_the_document(new_context, reader):
    page = open_document(new_context("phone"), reader, VIETNAMESE)
    page.evaluate("() => window.__speech.announce()")
    page.get_by_role("button", name="Đọc to văn bản").click()
    for _ in range(500):
        if page.locator("#_doc-to [role=status]").inner_text() == "Đã đọc hết văn bản.":
            break
        page.evaluate("() => window.__speech.finish()")
    texts = [c["text"] for c in spoken(page)]
    body = page.locator(".doc-body").inner_text()
    assert texts[-1] in body and "chi bộ theo dõi đến khi tất cả đảng viên hoàn thành" in " ".join(texts)
    assert page.get_by_role("button", name="Đọc to văn bản").is_visible()


def test_the_controls_follow_the_reader_down_the_page(new_context, reader):
    page = open_document(new_context("phone"), reader, VIETNAMESE)
    page.evaluate("() => window.__speech.announce()")
    page.get_by_role("button", name="Đọc to văn bản").click()
    last = page.locator("#muc-6-bao-cao-ket-qua")
    for _ in range(500):
        if page.locator(".dang-doc").inner_text() == last.inner_text():
            break
        page.evaluate("() => window.__speech.finish()")
    height = page.viewport_size["height"]
    assert page.evaluate("() => window.scrollY") > height  # the page followed the voice
    box = page.get_by_role("button", name="Tạm dừng").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= height  # no scrolling back up


def test_no_button_without_a_vietnamese_voice(new_context, reader):
    page = open_document(new_context("phone"), reader, ENGLISH_ONLY)
    page.evaluate("() => window.__speech.announce()")
    assert page.locator("#_doc-to").is_hidden()
    assert page.get_by_role("button", name="Đọc to văn bản").count() == 0
