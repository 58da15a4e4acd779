"""An akta kelahiran on a phone: the counter takes the application with its files, the case runs
to the Kadis, who signs on the case page; the signed kutipan verifies with pdfsig."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from alur.intake.tests import samples
from alur.intake.tests.conftest import NIK, PHONE
from alur.org.demo import DEMO_PASSWORD
from alur.tte.models import IssuedDocument
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow.models import Case
from alur.workflow.tests.drive import active, run_until_step


def _login(page: Any, base: str, username: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/masuk/?next={next_path}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


@pytest.mark.browser
def test_an_akta_kelahiran_from_the_counter_to_the_kadis_signing(
    phone_page: Any,
    live_server: Any,
    persona: Callable[[str], Any],
    poppler: Any,
    tmp_path: Any,
) -> None:
    page, base = phone_page, live_server.url
    _login(page, base, "waykanan.petugas.capil", "/loket/S2e/")
    page.wait_for_url(f"{base}/loket/S2e/")
    for name, value in {
        "applicant_name": "Siti Aminah",
        "applicant_nik": NIK,
        "applicant_phone": PHONE,
        "child_name": "Budi Santoso",
        "child_birth_date": "2026-10-01",
        "child_birth_place": "Blambangan Umpu",
    }.items():
        page.locator(f"[name={name}]").fill(value)
    for name, filename, mime, data in (
        ("file_birth_letter", "lahir.pdf", "application/pdf", samples.pdf()),
        ("file_marriage", "nikah.jpg", "image/jpeg", samples.jpeg()),
        ("file_kk", "kk.png", "image/png", samples.png()),
        ("file_f201", "f201.pdf", "application/pdf", samples.pdf()),
    ):
        page.set_input_files(f"[name={name}]", {"name": filename, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name=re.compile("Simpan|Kirim|Daftar")).click()
    expect(page.get_by_text("Permohonan diterima")).to_be_visible()
    reference = re.search(r"/perkara/([^/]+)/", page.url).group(1)
    case = Case.objects.get(reference=reference)
    # The working-day deadline and each step's standard time show on the case page.
    expect(page.get_by_text("Tenggat SOP")).to_be_visible()
    expect(page.get_by_text("Mutu baku")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    run_until_step(case, 9)  # the officers' steps in between, as the personas do them
    certificate_for(persona("waykanan.kadis"))
    _login(page, base, "waykanan.kadis", f"/perkara/{reference}/")
    page.get_by_label("Passphrase sertifikat TTE").fill("salah")
    page.get_by_role("button", name="Tandatangani (TTE)").click()
    expect(page.get_by_text("Kata sandi sertifikat salah")).to_be_visible()
    page.get_by_label("Passphrase sertifikat TTE").fill(PASSPHRASE)
    page.get_by_role("button", name="Tandatangani (TTE)").click()
    expect(page.get_by_text(re.compile("ditandatangani", re.IGNORECASE)).first).to_be_visible()
    assert 9 not in [t.step for t in active(case)]

    [document] = IssuedDocument.objects.filter(office__code="18.08", kind="akta_kelahiran")
    path = tmp_path / "akta.pdf"
    path.write_bytes(document.file.read())
    out = subprocess.run([poppler("pdfsig"), str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out
    text = subprocess.run(
        [poppler("pdftotext"), str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "KUTIPAN AKTA KELAHIRAN" in text and document.number in text
