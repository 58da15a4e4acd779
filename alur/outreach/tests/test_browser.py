"""A kelurahan volunteer refers a homeless man on the public form from a phone, in a real
browser: first without any way to find him (refused, with the reason), then complete."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from alur.outreach.models import Referral


@pytest.mark.browser
def test_a_referral_on_the_public_form_from_a_phone(phone_page: Any, live_server: Any) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/siaga/rujuk/")
    page.get_by_label("Nama pelapor").fill("Pak RT 03 Imopuro")
    page.get_by_label("Nama penduduk rentan").fill("Mbah Slamet")
    page.get_by_label("Kategori (Permendagri 96/2019)").select_option("terlantar")
    page.get_by_role("button", name="Kirim rujukan").click()
    expect(page.get_by_text("tidak ada cara menemukan penduduk")).to_be_visible()
    assert not Referral.objects.filter(name="MBAH SLAMET").exists()
    page.get_by_label("Alamat atau lokasi").fill("Emperan toko Jl. Ahmad Yani No. 12")
    page.get_by_label("Lintang (opsional)").fill("-5.1134")
    page.get_by_label("Bujur (opsional)").fill("105.3067")
    page.get_by_role("button", name="Kirim rujukan").click()
    expect(page.get_by_role("heading", name="Rujukan terkirim")).to_be_visible()
    number = page.locator(".reference").inner_text().strip()
    referral = Referral.objects.get(name="MBAH SLAMET")
    assert number == referral.number and referral.channel == "web" and referral.case is None
    assert referral.map_url.startswith("https://www.openstreetmap.org/?mlat=-5.113400")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
