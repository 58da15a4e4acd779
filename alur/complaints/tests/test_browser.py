"""A reporter files a complaint on the public form on a phone and reads the answer on the
public tracking page, in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from alur.complaints import services
from alur.complaints.choices import Category, Status
from alur.complaints.models import Complaint
from alur.complaints.tests.conftest import OFFICER

PHONE = "0812 3456 7890"


@pytest.mark.browser
def test_a_reporter_files_a_complaint_and_follows_it_to_the_answer(
    phone_page: Any, live_server: Any, persona: Callable[[str], Any]
) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/pengaduan/")
    page.get_by_label("Nama Anda").fill("Siti Aminah")
    page.get_by_label("Nomor HP (WhatsApp)").fill(PHONE)
    page.get_by_label("Isi pengaduan").fill("Akta kelahiran anak saya salah ketik nama ibu.")
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", name="Pengaduan terkirim")).to_be_visible()
    reference = page.locator(".reference").inner_text().strip()
    complaint = Complaint.objects.get(case__reference=reference)
    assert complaint.reporter_name == "Siti Aminah" and complaint.status == Status.RECEIVED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    services.complaint_register(complaint=complaint, actor=persona(OFFICER), category=Category.DATA)
    services.complaint_answer(
        complaint=complaint,
        actor=persona(OFFICER),
        answer="Nama ibu pada akta sudah kami perbaiki; akta baru dapat diambil besok.",
    )

    page.get_by_role("link", name="Lacak pengaduan").click()
    page.get_by_label("Nomor pengaduan").fill(reference)
    page.get_by_label("4 angka terakhir nomor HP").fill("7890")
    page.get_by_role("button", name="Lacak").click()
    expect(page.locator(".status")).to_have_text("Dijawab")
    expect(page.locator(".answer")).to_contain_text("sudah kami perbaiki")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_text("Terima kasih atas penilaian Anda.")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4
