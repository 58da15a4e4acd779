"""The admin shows working time but changes nothing: changes go through the audited services."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from alur.org.models import Office, User
from alur.worktime.models import Closure

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.django_db
def test_admin_lists_closures_read_only(client: Client) -> None:
    admin = User.objects.create_superuser("uji.admin.jamkerja", password="Uji-Admin-2026!x")
    waykanan = Office.objects.get(code="18.08")
    closure = Closure.objects.create(
        office=waykanan,
        starts_at=datetime(2031, 10, 1, 8, tzinfo=WIB),
        ends_at=datetime(2031, 10, 1, 12, tzinfo=WIB),
        reason="Pemeliharaan server",
        created_by=admin,
    )
    client.force_login(admin)
    listing = client.get("/admin/worktime/closure/", {"office__id__exact": waykanan.pk})
    assert listing.status_code == 200
    assert "Pemeliharaan server" in listing.content.decode()
    assert client.get(f"/admin/worktime/closure/{closure.pk}/change/").status_code == 200
    assert client.get("/admin/worktime/closure/add/").status_code == 403
    assert client.post(f"/admin/worktime/closure/{closure.pk}/delete/").status_code == 403
    assert Closure.objects.filter(pk=closure.pk).exists()
    assert client.get("/admin/worktime/weeklyhours/").status_code == 200
    assert client.get("/admin/worktime/weeklyhours/add/").status_code == 403
