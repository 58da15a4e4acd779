"""Pages link only where the person may go: a link that leads to a refusal is a dead end."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_mulai_prosedur_links_the_sop_only_for_those_who_may_read_it(client, persona) -> None:
    client.force_login(persona("metro.mitra.dinsos"))  # a partner: may start S3, not read SOPs
    body = client.get("/mulai/").content.decode()
    assert "S3" in body and 'href="/sop/S3/"' not in body
    assert client.get("/sop/S3/").status_code == 403
    client.force_login(persona("waykanan.petugas.capil"))  # staff: every SOP is theirs to read
    assert 'href="/sop/S2e/">baca SOP</a>' in client.get("/mulai/").content.decode()
