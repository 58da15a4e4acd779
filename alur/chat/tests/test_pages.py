"""The inbox's pages on bad input: Bahasa messages and 4xx, never a 500, what was typed kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alur.chat.models import Thread
from alur.chat.services import REPLY_LIMIT, thread_open
from alur.whatsapp_cloud.models import BusinessNumber

pytestmark = pytest.mark.django_db


def test_bad_input_is_refused_in_bahasa_and_the_typed_reply_is_kept(persona: Any) -> None:
    number = BusinessNumber.objects.get(phone_number_id="108117961700")
    thread = thread_open(number=number, citizen="6281234500099", reason=Thread.Reason.ASKED)
    client = Client()
    client.force_login(persona("waykanan.operator.capil"))
    url = f"/percakapan/{thread.pk}/"
    for data in (
        {"action": "assign", "assignee": "abc"},
        {"action": "assign", "assignee": "٣"},
        {"action": "assign", "assignee": "9" * 40},
        {"action": "hapus"},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "Petugas" in response.content.decode() or "Tindakan" in response.content.decode()
    too_long = "x" * (REPLY_LIMIT + 1)
    response = client.post(url, {"action": "reply", "text": too_long})
    page = response.content.decode()
    assert response.status_code == 400 and "terlalu panjang" in page and too_long in page
    assert client.get("/percakapan/999999/").status_code == 404
    assert client.get(f"/percakapan/{thread.pk}/berkas/1/").status_code == 404
    thread.refresh_from_db()
    assert thread.assigned_to is None and not thread.messages.filter(direction="out").exists()
