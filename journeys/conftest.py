"""The journey harness: a persona on a 390×844 phone, walking the product's own pages.

Every page a journey opens is checked as a person would notice it: no answer of 400 or more from
the product, nothing wider than the screen and nothing in it scrolling sideways (a table hiding
its columns), no English error words. A citizen on WhatsApp writes
through the local Graph API server, which signs each message and posts it to our webhook, as
Meta does. Each journey's pages and seconds are printed at the end of the run.
"""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from alur.org.demo import DEMO_PASSWORD

WIDTH, HEIGHT = 390, 844
# JOURNEY_SHOTS=<dir>: a full-page screenshot of every page a journey checks, to look at.
SHOTS = os.environ.get("JOURNEY_SHOTS", "")

ENGLISH = re.compile(
    r"\b(Forbidden|Not Found|Page not found|Server Error|Traceback|Bad Request|"
    r"Internal Server Error|Service Unavailable|Method Not Allowed|CSRF verification)\b"
)
# Anything on the page that is wider than the screen or scrolls sideways inside it; elements
# hidden on purpose (display none, a visually hidden table head) and the text inside a form
# field (which scrolls within its box) do not count.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  const hidden = el => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (e.clientWidth <= 2 && s.overflow !== 'visible') return true;  // visually hidden
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase()
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim() : '');
  for (const el of document.querySelectorAll('body *')) {
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) continue;  // text scrolls in a box
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    const scrolls = style.overflowX !== 'visible' && el.clientWidth > 2
      && el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !hidden(el))
      found.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth})`);
    else if (box.width > 0 && box.right > width + 1 && style.position !== 'fixed' && !hidden(el))
      found.push(`${name(el)} reaches ${Math.round(box.right)} px`);
    if (found.length >= 3) break;
  }
  return found;
}"""
_RESULTS: list[tuple[str, int, float]] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "journeys" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.journey)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _RESULTS:
        return
    terminalreporter.section("journeys: pages visited and seconds")
    for name, pages, seconds in _RESULTS:
        terminalreporter.write_line(f"{name}: {pages} pages, {seconds:.1f} s")


@dataclass
class Walk:
    """One journey's browser: a phone-sized page and the checks every page must pass."""

    page: Any
    base: str
    name: str
    failures: list[str] = field(default_factory=list)
    pages: int = 0
    who: str = ""

    def _on_response(self, response: Any) -> None:
        if response.url.startswith(self.base) and response.status >= 400:
            self.failures.append(f"{response.status} {response.request.method} {response.url}")

    def check(self) -> None:
        """The page now shown passes as a person would see it."""
        self.page.wait_for_load_state("load")
        self.pages += 1
        where = f"{self.who} at {self.page.url}"
        assert not self.failures, f"{where}: the product answered {self.failures}"
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{where}: the page is {width} px wide on a {WIDTH} px phone"
        sideways = self.page.evaluate(SIDEWAYS)
        assert not sideways, f"{where}: {sideways}"
        text = self.page.inner_text("body")
        english = ENGLISH.search(text)
        assert english is None, f"{where}: English error words: {english and english[0]!r}"
        if SHOTS:
            shot = Path(SHOTS) / f"{self.name}-{self.pages:02d}-{self.who or 'warga'}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(shot), full_page=True)

    def login(self, username: str, next_path: str = "/") -> None:
        self.page.context.clear_cookies()
        self.who = username
        self.page.goto(f"{self.base}/masuk/?next={next_path}")
        self.page.get_by_label("Nama pengguna").fill(username)
        self.page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Masuk").click()
        self.check()

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.check()

    def menu(self, label: str) -> None:
        """Open the staff menu and follow one of its entries, as a person finds a page."""
        self.page.get_by_text("☰ Menu").click()
        self.page.locator("nav").get_by_role("link", name=label, exact=True).click()
        self.check()

    def press(
        self, name: str | re.Pattern[str], *, within: Any = None, exact: bool = False
    ) -> None:
        """Press a button (submitting its form) and check the page that follows."""
        where = within if within is not None else self.page
        where.get_by_role("button", name=name, exact=exact).first.click()
        self.check()

    def follow(self, name: str | re.Pattern[str], *, exact: bool = False) -> None:
        self.page.get_by_role("link", name=name, exact=exact).first.click()
        self.check()

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label).first.fill(value)

    def send_back(self, step: int, reason: str) -> None:
        """A check's "Perbaikan" on the case page: back where the SOP says, with the reason."""
        self.page.get_by_label(re.compile("Perbaikan — kembalikan")).check()
        self.fill("Catatan / alasan", reason)
        self.press(f"Simpan hasil langkah {step}")
        self.sees("Perkara dikembalikan")

    def sees(self, text: str | re.Pattern[str]) -> None:
        from playwright.sync_api import expect

        expect(self.page.get_by_text(text).first).to_be_visible()


@pytest.fixture
def walk(browser: Any, live_server: Any, demo_transactional: None, request: Any) -> Iterator[Walk]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    journey = Walk(page, live_server.url, request.node.name)
    page.on("response", journey._on_response)
    started = time.monotonic()
    yield journey
    _RESULTS.append((request.node.name, journey.pages, time.monotonic() - started))
    context.close()


def _interactive(interactive: dict[str, Any]) -> tuple[str, list[tuple[str, str, str]]]:
    """An interactive message's body and its options (id, title, description)."""
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        options = [(b["reply"]["id"], b["reply"]["title"], "") for b in action.get("buttons", [])]
    else:
        options = [
            (r["id"], r["title"], r.get("description", ""))
            for section in action.get("sections", [])
            for r in section.get("rows", [])
        ]
    return interactive.get("body", {}).get("text", ""), options


@dataclass
class Citizen:
    """A citizen writing to one of the office's WhatsApp numbers through the local Graph API
    server; `say` returns the replies that reached WhatsApp since the message."""

    graph: Any
    number: str  # the citizen's WhatsApp id, e.g. 6281234567890
    phone_number_id: str = ""

    def _sent(self) -> list[dict[str, Any]]:
        answer = httpx.get(self.graph.control("messages"), params={"to": self.number}, timeout=10)
        return answer.json()["data"]

    def _send(self, body: dict[str, Any]) -> list[str]:
        seen = len(self._sent())
        body = {"from": self.number, "phone_number_id": self.phone_number_id, **body}
        answer = httpx.post(self.graph.control("simulate"), json=body, timeout=60)
        assert answer.status_code == 200, answer.text
        deliveries = answer.json()
        assert "500" not in str(deliveries.get("status", "")), deliveries
        return self.replies_since(seen)

    def replies_since(self, seen: int) -> list[str]:
        texts = []
        for message in self._sent()[seen:]:
            if "text" in message["message"]:
                texts.append(message["message"]["text"]["body"])
            elif "template" in message["message"]:
                texts.append(str(message["message"]["template"]))
            elif "document" in message["message"]:
                texts.append("[dokumen] " + str(message["message"]["document"].get("filename")))
            elif "interactive" in message["message"]:
                body, options = _interactive(message["message"]["interactive"])
                shown = [
                    f"- {title} ({reply_id}) {about}".rstrip() for reply_id, title, about in options
                ]
                texts.append("\n".join([body, *shown]))
        return texts

    def tap(self, choice: str) -> list[str]:
        """Tap the option of the last reply buttons or list message whose title or id is
        `choice`, as the citizen's phone does (a `button_reply` or `list_reply`)."""
        offered = [m for m in self._sent() if m["message"].get("type") == "interactive"]
        assert offered, "no buttons or list were sent to this citizen"
        last = offered[-1]
        interactive = last["message"]["interactive"]
        _body, options = _interactive(interactive)
        found = [o for o in options if choice in (o[0], o[1])]
        assert found, f"{choice!r} is not among {[o[1] for o in options]}"
        reply_id, title, about = found[0]
        kind = "button_reply" if interactive["type"] == "button" else "list_reply"
        reply = {"id": reply_id, "title": title, **({"description": about} if about else {})}
        return self._send({kind: reply, "context_id": last["id"]})

    def to(self, display_number: str) -> Citizen:
        from alur.whatsapp_cloud.models import BusinessNumber

        self.phone_number_id = BusinessNumber.objects.get(
            display_number=display_number
        ).phone_number_id
        return self

    def say(self, text: str) -> list[str]:
        return self._send({"text": text})

    def send_file(self, filename: str, mime_type: str, data: bytes) -> list[str]:
        kind = "image" if mime_type.startswith("image/") else "document"
        content = {
            "data_base64": base64.b64encode(data).decode(),
            "mime_type": mime_type,
            "filename": filename,
        }
        return self._send({kind: content})

    def everything(self) -> list[str]:
        return self.replies_since(0)


@pytest.fixture
def whatsapp(live_server: Any, demo_transactional: None, settings: Any) -> Iterator[Any]:
    """The local Graph API server wired to the live server's webhook: `whatsapp(number)` is a
    citizen with that WhatsApp id."""
    from alur.whatsapp_cloud import transport
    from peers.graph_api.server import start_server

    running = start_server(
        port=0,
        webhook_url=f"{live_server.url}/whatsapp/webhook/",
        app_secret=settings.WHATSAPP_APP_SECRET,
        access_token=settings.WHATSAPP_ACCESS_TOKEN,
    )
    settings.WHATSAPP_API_BASE = running.base_url
    transport.reset_client()
    citizens: Callable[[str], Citizen] = lambda number: Citizen(running, number)  # noqa: E731
    yield citizens
    transport.reset_client()
    running.stop()
