"""Pemberitahuan and what is about to miss its promise, in a real browser at 390×844."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alur.org.demo import DEMO_PASSWORD
from alur.workflow.models import Case, Notification
from alur.workflow.tests.drive import run_until_step, start

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
def test_a_kasi_reads_her_notice_opens_the_case_and_sees_what_is_about_to_miss(
    phone_390: Any, live_server: Any
) -> None:
    case = run_until_step(start("S2e"), 3).case
    Case.objects.filter(pk=case.pk).update(promise_warn_at=timezone.now() - timedelta(minutes=1))
    page = phone_390
    page.goto(f"{live_server.url}/masuk/?next=/pemberitahuan/")
    page.get_by_label("Nama pengguna").fill("waykanan.kasi.capil")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/pemberitahuan/")
    item = page.locator("li.notice", has_text=case.reference).first
    expect(item).to_contain_text("menunggu keputusan Anda")
    expect(item.locator(".badge")).to_have_text("baru")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "pemberitahuan-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    item.get_by_role("link", name="Buka").click()
    expect(page).to_have_url(re.compile(rf"/perkara/{case.reference}/$"))
    page.go_back()
    page.locator("li.notice", has_text=case.reference).first.get_by_role(
        "button", name="Sudah dibaca"
    ).click()
    page.wait_for_url(f"{live_server.url}/pemberitahuan/")
    unread = Notification.objects.filter(
        user__username="waykanan.kasi.capil", task__case=case, read_at__isnull=True
    )
    assert not unread.exists()

    page.locator("summary", has_text="Cara pemberitahuan").click()
    page.get_by_label("Hanya di aplikasi (tanpa pesan)").check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Cara pemberitahuan disimpan.")).to_be_visible()

    page.goto(f"{live_server.url}/tugas/hampir-lewat/")
    card = page.locator("section.task", has_text=case.reference)
    expect(card).to_contain_text("sisa")
    expect(card).to_contain_text("langkah 3")
    page.screenshot(path=str(SHOTS / "hampir-lewat-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
