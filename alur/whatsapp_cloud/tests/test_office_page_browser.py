"""The office page's WhatsApp section on a 390×844 phone: the numbers, each notice's template
with its state, the account's templates, and Sinkronkan for the Kadis; nothing wider than the
screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from alur.org.demo import DEMO_PASSWORD
from alur.whatsapp_cloud.models import DEMO_WABA_ID
from alur.whatsapp_cloud.services import templates_sync
from alur.whatsapp_cloud.tests.conftest import control
from peers.graph_api import RunningServer
from peers.graph_api.catalogue import SEED

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def phone(browser: Any, demo_transactional: None) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.browser
def test_the_office_page_shows_the_templates_on_a_phone(
    phone: Any, live_server: Any, graph: RunningServer
) -> None:
    paused = dict(SEED[3]) | {"status": "PAUSED"}
    control(graph, "templates", {"templates": [*SEED[:3], paused, *SEED[4:7]]})
    templates_sync(waba_id=DEMO_WABA_ID)

    page, base = phone, live_server.url
    page.goto(f"{base}/masuk/?next=/kantor/18.08/")
    page.get_by_label("Nama pengguna").fill("waykanan.kadis")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/kantor/18.08/")

    section = page.locator("#templat-whatsapp")
    expect(section.get_by_role("heading", name="WhatsApp: nomor dan templat")).to_be_visible()
    expect(section.get_by_text("08117961700")).to_be_visible()
    ready = section.locator('li[data-template="permohonan_dikembalikan"]')
    expect(ready.get_by_text("Disetujui")).to_be_visible()
    expect(section.locator('li[data-template="pembaruan_pengaduan"]')).to_contain_text("Dijeda")
    expect(section.locator('li[data-template="alur_tugas_menunggu"]')).to_contain_text(
        "Belum terdaftar di WhatsApp Manager"
    )
    expect(section.get_by_role("button", name="Sinkronkan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    section.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "office-whatsapp-templates-phone.png"))
