"""File fields speak Bahasa in a browser whose own language is English (front/file-input.js):
a "Pilih berkas" button and a line naming the chosen file, while the native input stays
focusable and keeps its label, so set_input_files and screen readers work as before."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from alur.intake.tests import samples
from alur.org.demo import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def english_phone(browser: Any, demo_transactional: None) -> Iterator[Any]:
    """A 390×844 phone whose browser speaks English (the native file field says "Choose File")."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.browser
def test_a_file_field_says_pilih_berkas_and_names_the_chosen_file(
    english_phone: Any, live_server: Any
) -> None:
    page, base = english_phone, live_server.url
    page.goto(f"{base}/masuk/?next=/loket/S2e/")
    page.get_by_label("Nama pengguna").fill("waykanan.petugas.capil")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/loket/S2e/")

    field = page.locator("[name=file_birth_letter]")
    pick = page.locator("[name=file_birth_letter] + .file-pick")
    expect(pick.get_by_text("Pilih berkas")).to_be_visible()
    expect(pick.get_by_text("Belum ada berkas dipilih")).to_be_visible()
    text = page.inner_text("body")
    assert "Choose File" not in text and "No file chosen" not in text
    # The native field (which would say "Choose File") is out of sight but not removed: it
    # still takes the keyboard's focus, and its own label still names it.
    assert field.evaluate("e => e.getBoundingClientRect().width") <= 1
    assert field.evaluate("e => getComputedStyle(e).display") != "none"
    field.focus()
    assert field.evaluate("e => document.activeElement === e")
    label = page.locator("label[for=id_file_birth_letter]").first.inner_text()
    expect(page.get_by_label(label, exact=True)).to_have_attribute("name", "file_birth_letter")

    page.get_by_label(label, exact=True).set_input_files(
        {"name": "surat-lahir.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()}
    )
    expect(pick.locator(".file-pick-status")).to_contain_text("surat-lahir.pdf")
    expect(pick.locator(".file-pick-status")).to_contain_text("B")  # its size
    # A tap on the button opens the phone's file picker for that field.
    marriage = page.locator("[name=file_marriage] + .file-pick")
    with page.expect_file_chooser() as chooser:
        marriage.get_by_text("Pilih berkas").click()
    assert chooser.value.element.get_attribute("name") == "file_marriage"
    chooser.value.set_files(
        {"name": "buku-nikah.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg()}
    )
    expect(marriage.locator(".file-pick-status")).to_contain_text("buku-nikah.jpg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "file-input-phone.png"), full_page=True)

    # A field added later and taking images only asks for a photo; several files are counted.
    page.evaluate(
        """() => { const i = document.createElement('input'); i.type = 'file';
        i.accept = 'image/jpeg,image/png'; i.multiple = true; i.name = 'photos';
        document.querySelector('main').appendChild(i); }"""
    )
    photos = page.locator("[name=photos] + .file-pick")
    expect(photos.get_by_text("Pilih foto")).to_be_visible()
    page.set_input_files(
        "[name=photos]",
        [
            {"name": "depan.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg()},
            {"name": "belakang.png", "mimeType": "image/png", "buffer": samples.png()},
        ],
    )
    expect(photos.locator(".file-pick-status")).to_contain_text("2 berkas: depan.jpg")
    expect(photos.locator(".file-pick-status")).to_contain_text("belakang.png")
