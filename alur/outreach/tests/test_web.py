"""The referral pages: rate limit, the open list with its map, the partners' list."""

from __future__ import annotations

import pytest
from django.test import Client

from alur.outreach import services
from alur.outreach.tests.drivers import referral_input

pytestmark = pytest.mark.django_db


def test_the_public_form_is_rate_limited_per_address(metro) -> None:
    client = Client()
    for index in range(5):
        response = client.post(
            "/siaga/rujuk/",
            {
                "office": metro.pk,
                "reporter_name": "Warga",
                "name": f"Orang {index}",
                "category": "terlantar",
                "contact_phone": "081234567890",
            },
        )
        assert response.status_code == 302
    response = client.post("/siaga/rujuk/", {"office": metro.pk})
    assert response.status_code == 429
    assert "Terlalu banyak rujukan" in response.content.decode()


def test_the_open_list_has_a_map_and_partners_see_their_referrals(metro, persona) -> None:
    staff = Client()
    staff.force_login(persona("metro.kasi"))
    circles = staff.get("/siaga/").content.decode().count("<circle")
    services.referral_submit(
        office=metro, data=referral_input("Pak Kliwon"), actor=persona("metro.mitra.dinsos")
    )
    services.referral_create(
        office=metro,
        data=referral_input("Bu Tumi", latitude=None, longitude=None),
        actor=None,
        channel="web",
    )
    page = staff.get("/siaga/").content.decode()
    assert "PAK KLIWON" in page and "BU TUMI" in page and "menunggu mitra" in page
    assert page.count("<circle") == circles + 1 and "openstreetmap.org/?mlat=-5.118000" in page
    partner = Client()
    partner.force_login(persona("metro.mitra.kelurahan"))
    assert "BU TUMI" in partner.get("/siaga/mitra/").content.decode()
    assert partner.get("/siaga/").status_code == 403
    outsider = Client()
    outsider.force_login(persona("waykanan.kasi.dafduk"))
    assert "PAK KLIWON" not in outsider.get("/siaga/").content.decode()
