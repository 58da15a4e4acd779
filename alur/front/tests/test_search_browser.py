"""The search box and the inbox's filters in a real browser, at a phone's 390×844."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alur.intake.choices import Channel
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.org.demo import DEMO_PASSWORD
from alur.org.models import Office, User

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
WIDTH = 390
NIK = "1808011708900001"


@pytest.fixture
def phone(browser: Any, demo_transactional: None) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def application() -> str:
    created = application_submit(
        office=Office.objects.get(code="18.08"),
        channel=Channel.COUNTER,
        actor=User.objects.get(username="waykanan.petugas.capil"),
        service_code="S2e",
        applicant={"name": "Siti Aminah", "nik": NIK, "phone": "081234567890"},
        fields={
            "child_name": "Budi Santoso",
            "child_birth_date": "2026-10-01",
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
    )
    return created.case.reference


@pytest.mark.browser
def test_a_nik_typed_in_the_header_finds_the_case_on_a_phone(phone, live_server) -> None:  # type: ignore[no-untyped-def]
    reference = application()
    page = phone
    sign_in(page, live_server.url, "waykanan.kasi.capil")
    box = page.get_by_role("searchbox", name="Cari NIK, nama, nomor HP atau nomor")
    box.fill("1808 0117 0890 0001")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/cari/?q=*")
    assert page.get_by_role("heading", name="Perkara").first.is_visible()
    assert page.get_by_role("heading", name="Permohonan").first.is_visible()
    assert page.locator("mark", has_text=NIK).first.is_visible()
    assert page.get_by_text(reference).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=True)
    # A name with a typo, then input that cannot be searched: a message, the text kept.
    page.get_by_label("NIK, No. KK, nama, nomor HP").fill("sity aminah")
    page.get_by_role("button", name="Cari", exact=True).last.click()
    assert page.locator("mark", has_text="Aminah").first.is_visible()
    page.get_by_label("NIK, No. KK, nama, nomor HP").fill("%_")
    page.get_by_role("button", name="Cari", exact=True).last.click()
    assert page.get_by_text("Kata pencarian terlalu pendek").is_visible()
    assert page.get_by_label("NIK, No. KK, nama, nomor HP").input_value() == "%_"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


@pytest.mark.browser
def test_the_inbox_filter_panel_opens_and_keeps_its_choices_on_a_phone(phone, live_server) -> None:  # type: ignore[no-untyped-def]
    reference = application()
    page = phone
    sign_in(page, live_server.url, "waykanan.petugas.capil")
    page.goto(f"{live_server.url}/tugas/")
    assert page.get_by_text(reference).first.is_visible()
    page.get_by_text("Saring dan urutkan").click()
    page.get_by_label("Prosedur (SOP)").select_option("S2e")
    page.get_by_label("Status SLA").select_option("overdue")
    page.get_by_label("Urutkan").select_option("terbaru")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inbox-filters-phone.png"), full_page=True)
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**/tugas/?*sla=overdue*")
    assert "sop=S2e" in page.url and "urut=terbaru" in page.url
    assert page.get_by_text("Tidak ada tugas yang cocok dengan saringan.").is_visible()
    assert page.get_by_label("Status SLA").input_value() == "overdue"
    page.get_by_role("link", name="Hapus saringan").click()
    page.wait_for_url(f"{live_server.url}/tugas/")
    assert page.get_by_text(reference).first.is_visible()
