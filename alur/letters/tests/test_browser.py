"""The Kadis signs the weekly report on a phone: a wrong passphrase first, then the right one,
and the verification page the QR code points to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from alur.letters.models import LetterStatus
from alur.letters.tests.conftest import TTE_PASSPHRASE
from alur.letters.tests.test_letter_case import _done, _report
from alur.org.demo import DEMO_PASSWORD
from alur.workflow.tests.drive import active, holder, run_until_step, start


@pytest.mark.browser
def test_the_kadis_signs_a_report_on_a_phone(
    phone_page: Any, live_server: Any, persona: Callable[[str], Any], tte: Callable[..., Any]
) -> None:
    case = start("S0")
    letter = _report(case, holder(run_until_step(case, 5)))
    for step in (5, 6, 7, 8):
        _done(case, step)
    tte(persona("babel.kadis"))

    page = phone_page
    page.goto(f"{live_server.url}/masuk/?next=/perkara/{case.reference}/")
    page.get_by_label("Nama pengguna").fill("babel.kadis")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/perkara/{case.reference}/")
    expect(page.locator("#naskah")).to_contain_text("menunggu tanda tangan")

    page.get_by_label("Passphrase sertifikat TTE").fill("salah-ketik")
    page.get_by_role("button", name="Tandatangani (TTE)").click()
    expect(page.get_by_text("Kata sandi sertifikat salah")).to_be_visible()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REVIEW and letter.number_id is None

    page.get_by_label("Passphrase sertifikat TTE").fill(TTE_PASSPHRASE)
    page.get_by_role("button", name="Tandatangani (TTE)").click()
    expect(page.get_by_text("Naskah ditandatangani secara elektronik")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED
    assert [t.step for t in active(case)] == [10]
    expect(page.locator("#naskah")).to_contain_text(letter.number.number)

    page.locator("#naskah").get_by_role("link", name="Verifikasi").click()
    expect(page.get_by_text(letter.number.number)).to_be_visible()
    expect(page.get_by_text("Sah", exact=True)).to_be_visible()
