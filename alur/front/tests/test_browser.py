"""The staff shell in a real browser (Debian's chromium via Playwright), on a phone-size screen."""

from pathlib import Path

import pytest

from alur.org.demo import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.mark.browser
def test_a_way_kanan_operator_logs_in_on_a_phone(phone_page, live_server) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert "/masuk/" in page.url
    page.get_by_label("Nama pengguna").fill("waykanan.operator")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Selamat datang, Rizky Pratama").is_visible()
    assert page.get_by_text("Operator Pelayanan Online").is_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-phone.png"), full_page=True)
    # The menu opens and leads to the office page.
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Kantor").click()
    page.get_by_role("link", name="Disdukcapil Kab. Way Kanan").click()
    assert page.get_by_text("PEMERINTAH KABUPATEN WAY KANAN").is_visible()
