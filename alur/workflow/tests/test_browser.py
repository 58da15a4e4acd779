"""Claiming and completing a task from the inbox in a real browser, on a phone-size screen."""

import re

import pytest
from playwright.sync_api import expect

from alur.org.demo import DEMO_PASSWORD
from alur.workflow.models import Task
from alur.workflow.tests.drive import run_until_step, start


@pytest.mark.browser
def test_a_kasi_claims_and_completes_a_task_from_the_inbox(phone_page, live_server) -> None:
    task = run_until_step(start("S2e"), 3)
    page = phone_page
    page.goto(f"{live_server.url}/masuk/?next=/tugas/")
    page.get_by_label("Nama pengguna").fill("waykanan.kasi.capil")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/tugas/")
    card = page.locator("section.task", has_text=task.case.reference)
    expect(card).to_contain_text("Tepat waktu")
    card.get_by_role("button", name="Ambil").click()
    expect(page.get_by_text("Tugas diambil.")).to_be_visible()
    page.locator("section.task", has_text=task.case.reference).get_by_role(
        "link", name="Buka perkara"
    ).click()
    expect(page).to_have_url(re.compile(rf"/perkara/{task.case.reference}/$"))
    page.get_by_label("Catatan / alasan").fill("Berkas lengkap dan sesuai")
    page.get_by_role("button", name="Simpan hasil langkah 3").click()
    expect(page.get_by_text("Langkah selesai; perkara diteruskan.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    task.refresh_from_db()
    assert task.status == "done" and task.completed_by.username == "waykanan.kasi.capil"
    assert Task.objects.filter(case=task.case, step=4, status="open").exists()
