"""S2c's registry.check on a 390-px phone in webservice mode: the operator types the applicant's
data, asks Dukcapil (the local server) and reads the answer per element."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from alur.documents.tests.entry import person
from alur.org.demo import DEMO_PASSWORD
from alur.registry.identity import last_check
from alur.workflow.tests.drive import run_until_step, start
from peers.siak import DEV_PASSWORD, RunningServer, start_server
from peers.siak.tests.conftest import control

SCREENSHOT = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "identity_check_390.png"


@pytest.fixture
def siak_live(settings: Any) -> Iterator[RunningServer]:
    server = start_server(port=0)
    settings.IDENTITY_BACKEND = "webservice"
    settings.DUKCAPIL_WS_URL = server.verify_url
    settings.DUKCAPIL_WS_USER = "disdukcapil-demo"
    settings.DUKCAPIL_WS_PASSWORD = DEV_PASSWORD
    settings.DUKCAPIL_WS_TIMEOUT_SECONDS = 2
    yield server
    server.stop()


@pytest.mark.browser
def test_the_operator_checks_the_applicant_against_dukcapil_on_a_phone(
    browser: Any, demo_transactional: None, live_server: Any, persona: Any, siak_live: RunningServer
) -> None:
    case = start("S2c")
    operator = persona("waykanan.operator")
    owner = person(case.office, operator, "Dewi Lestari", sex="P", biometrics=True)
    control(
        siak_live,
        "residents",
        [
            {
                "nik": owner.nik,
                "name": owner.name,
                "birth_place": owner.birth_place,
                "birth_date": owner.birth_date.isoformat(),
                "sex": owner.sex,
            }
        ],
    )
    run_until_step(case, 2)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    page.goto(f"{base}/masuk/?next=/perkara/{case.reference}/")
    page.get_by_label("Nama pengguna").fill("waykanan.operator")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/perkara/{case.reference}/")

    panel = page.locator("#cek-identitas")
    panel.get_by_label("NIK").fill(owner.nik)
    panel.get_by_label("Nama lengkap").fill("Dewi Lestari")
    panel.get_by_label("Tempat lahir").fill("Metro")
    panel.get_by_label("Tanggal lahir").fill("1990-05-17")
    panel.get_by_label("Jenis kelamin").select_option("L")
    panel.get_by_role("button", name="Cek identitas ke Dukcapil").click()
    expect(
        page.locator("#cek-identitas").get_by_text("Tidak sesuai", exact=True).first
    ).to_be_visible()
    result = last_check(case)
    assert result is not None and result.status == "mismatch"

    page.locator("#cek-identitas summary").click()
    page.locator("#cek-identitas").get_by_label("Jenis kelamin").select_option("P")
    page.locator("#cek-identitas").get_by_role("button", name="Cek identitas ke Dukcapil").click()
    expect(page.get_by_text("Semua elemen data sesuai").first).to_be_visible()
    expect(page.locator("#cek-identitas").get_by_text("Sesuai (100)").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#cek-identitas").evaluate("element => element.scrollIntoView(true)")
    page.screenshot(path=str(SCREENSHOT))
    context.close()
