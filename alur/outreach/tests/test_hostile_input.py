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


def test_a_superscript_task_id_on_the_letters_form_is_not_a_500(
    metro: Office, persona: Any
) -> None:
    referral = referral_submit(
        office=metro, data=referral_input("Pak Kliwon"), actor=persona("metro.mitra.dinsos")
    )
    client = Client(raise_request_exception=False)
    client.force_login(persona("metro.kasi"))
    response = client.post(f"/siaga/{referral.pk}/surat/", {"task": "²", "kinds": []})
    assert response.status_code < 500
