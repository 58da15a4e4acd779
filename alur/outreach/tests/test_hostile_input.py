"""A step id typed with a digit outside 0–9 on the referral's letters form gets an answer,
never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alur.org.models import Office
from alur.outreach.services.referrals import referral_submit
from alur.outreach.tests.drivers import referral_input

pytestmark = pytest.mark.django_db


def test_a_letter_kind_not_on_the_list_is_refused_and_completes_nothing(
    metro: Office, persona: Any
) -> None:
    referral = referral_submit(
        office=metro, data=referral_input("Pak Kliwon"), actor=persona("metro.mitra.dinsos")
    )
    task = referral.case.tasks.get(step=2)
    client = Client(raise_request_exception=False)
    client.force_login(persona("metro.kasi"))
    response = client.post(f"/tugas/{task.pk}/selesai/", {"kinds": ["²"]}, follow=True)
    assert response.status_code == 200
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == ["Pilih surat pendukung dari daftar yang ada."]
    task.refresh_from_db()
    assert task.status != "done" and referral.letters.count() == 0
