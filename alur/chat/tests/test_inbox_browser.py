"""The staff inbox in a real browser at 390×844: the menu leads to it, the demo's waiting
citizen is on top, the thread opens and takes a reply, nothing scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from alur.chat.demo import WAITING
from alur.chat.models import ChatMessage, Thread
from alur.org.demo import DEMO_PASSWORD
from peers.graph_api import RunningServer

SHOTS = Path("var/screenshots")


@pytest.fixture
def phone_390(browser: Any, demo_transactional: None) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.browser
def test_a_counter_officer_answers_the_waiting_citizen_on_a_phone(
    phone_390: Any, live_server: Any, phone_graph: RunningServer
) -> None:
    httpx.post(
        phone_graph.control("inbound"),
        json={"from": WAITING, "phone_number_id": "108117961700"},
        timeout=10,
    )
    page = phone_390
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("waykanan.petugas.capil")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Percakapan WhatsApp").click()
    page.wait_for_url(f"{live_server.url}/percakapan/")
    first = page.locator("li.chat-row").first
    expect(first).to_contain_text("Terbuka")
    expect(first).to_contain_text("menunggu")
    expect(page.locator(".chat-figure").first).to_contain_text("7 menit")  # the demo's median
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "percakapan-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    first.get_by_role("link").click()
    expect(page.locator(".chat-in").last).to_contain_text("dukun bayi")
    page.get_by_label("Balasan").fill("Bisa dengan SPTJM kebenaran data kelahiran (F-2.03).")
    page.get_by_role("button", name="Kirim balasan").click()
    expect(page.get_by_text("Balasan dimasukkan ke antrean")).to_be_visible()
    expect(page.locator(".chat-out").last).to_contain_text("SPTJM")
    page.screenshot(path=str(SHOTS / "percakapan-thread-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    thread = Thread.objects.get(citizen=WAITING)
    assert thread.first_reply_seconds is not None
    reply = thread.messages.filter(direction=ChatMessage.Direction.STAFF).get()
    assert reply.outbound is not None
