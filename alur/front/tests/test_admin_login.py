"""The Django admin's sign-in goes through ours, which limits attempts per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alur.front.login import LOGIN_LIMIT
from alur.org.models import User

pytestmark = pytest.mark.django_db


def test_the_admin_sign_in_is_ours() -> None:
    answer = Client().get("/admin/login/", {"next": "/admin/org/user/"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/masuk/?next=")
    assert "admin/org/user" in answer["Location"]


def test_attempts_through_the_admin_meet_the_limit_per_address(settings: Any) -> None:
    """Posting to /admin/login/ signs no one in: the only form that does is limited."""
    User.objects.create_user("staf.admin", password="Benar-Sekali-2026!", is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.9")
    answer = client.post("/admin/login/", {"username": "staf.admin", "password": "x"})
    assert answer.status_code == 302 and answer["Location"].startswith("/masuk/")
    for attempt in range(LOGIN_LIMIT + 1):
        last = client.post("/masuk/", {"username": f"orang{attempt}", "password": "salah"})
    assert last.status_code == 429


def test_a_signed_in_person_the_admin_does_not_admit_is_refused_not_looped() -> None:
    user = User.objects.create_user("warga.biasa", password="Benar-Sekali-2026!")
    client = Client()
    client.force_login(user)
    assert client.get("/admin/login/", {"next": "/admin/"}).status_code == 403
