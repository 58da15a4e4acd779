"""The province's stock view in a real browser, on a phone-size screen."""

import pytest
from playwright.sync_api import expect

from alur.org.demo import DEMO_PASSWORD
from alur.org.models import Office


@pytest.mark.browser
def test_the_province_looks_at_its_kab_kota_stock(phone_page, live_server) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/masuk/?next=/logistik/")
    page.get_by_label("Nama pengguna").fill("babel.kabid")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/logistik/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stok blanko")
    chart = page.get_by_role("img", name="Stok Blanko KTP-el per kantor")
    expect(chart).to_be_visible()
    table = page.locator("table.stock-position")
    children = Office.objects.filter(parent__code="19")
    for child in children:
        expect(table).to_contain_text(str(child))
    assert chart.locator("rect").count() == children.count() + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Barang").select_option("kia")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("img", name="Stok Blanko KIA per kantor")).to_be_visible()
    table.get_by_role("link", name=str(children.order_by("code").first()), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Buku stok Blanko KIA")
