"""The referral pages: rate limit, the open list with its map, the partners' list."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from alur.outreach.models import Referral
from alur.outreach.services.referrals import referral_create, referral_submit
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
                "name": f"Orang {'ABCDE'[index]}",
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
    referral_submit(
        office=metro, data=referral_input("Pak Kliwon"), actor=persona("metro.mitra.dinsos")
    )
    referral_create(
        office=metro,
        data=referral_input("Bu Tumi", latitude=None, longitude=None),
        actor=None,
        channel="web",
    )
    page = staff.get("/siaga/").content.decode()
    assert "PAK KLIWON" in page and "BU TUMI" in page and "menunggu mitra" in page
    assert page.count("<circle") == circles + 1 and "openstreetmap.org/?mlat=-5.118000" in page
    # The points are SVG numbers, not Indonesian ones ("40,2"): each stays where it belongs.
    places = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', page)
    assert places and all(re.fullmatch(r"\d+(\.\d+)?", n) for place in places for n in place)
    assert len(set(places)) == len(places) > 1
    # Partners read their own referrals and the public ones still waiting for a partner.
    partner = Client()
    partner.force_login(persona("metro.mitra.kelurahan"))
    own = partner.get("/siaga/mitra/").content.decode()
    assert "BU TUMI" in own and "PAK KLIWON" not in own
    kliwon = Referral.objects.get(name="PAK KLIWON")
    assert partner.get(f"/siaga/{kliwon.pk}/").status_code == 404
    other = partner.get(f"/perkara/{kliwon.case.reference}/")
    assert other.status_code == 404 or "Nomor rujukan" not in other.content.decode()
    dinsos = Client()
    dinsos.force_login(persona("metro.mitra.dinsos"))
    mine = dinsos.get(f"/siaga/{kliwon.pk}/").content.decode()
    assert "PAK KLIWON" in mine and "/perkara/" not in mine
    # A partner at the staff list is taken to their own list.
    response = partner.get("/siaga/")
    assert response.status_code == 302 and response.url == "/siaga/mitra/"
    outsider = Client()
    outsider.force_login(persona("waykanan.kasi.dafduk"))
    assert "PAK KLIWON" not in outsider.get("/siaga/").content.decode()


def test_dukcapil_siaga_loaded_by_another_process_shows_in_the_menu_at_once(persona) -> None:
    """Which offices run S3 is read from the SOP table on each request, not kept by the process:
    a revision stored elsewhere (no signal reaches this process) counts on the next page."""
    from alur.front.nav import items_for
    from alur.sop.models import SopRevision

    labels = [label for label, _url in items_for(persona("metro.kasi"))]
    assert "Dukcapil Siaga" in labels
    labels = [label for label, _url in items_for(persona("waykanan.kasi.capil"))]
    assert "Dukcapil Siaga" not in labels
    kept = SopRevision.objects.filter(code="S3").first()
    assert kept is not None
    SopRevision.objects.bulk_create(  # another process's load_sops: no post_save here
        [
            SopRevision(
                code="S3",
                revision=kept.revision + 1,
                name=kept.name,
                office_code="18.08",
                definition=kept.definition,
                checksum=kept.checksum,
                source=kept.source,
            )
        ]
    )
    labels = [label for label, _url in items_for(persona("waykanan.kasi.capil"))]
    assert "Dukcapil Siaga" in labels
