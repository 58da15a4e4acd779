"""Hostile input on the complaints pages: digits outside 0–9 in the tracking form, the year of
the register and recap, and the satisfaction score get a message, never a 500; a reporter's name
with invisible or formula characters is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.complaints import services
from alur.complaints.choices import Category, Channel
from alur.complaints.models import Complaint
from alur.complaints.tests.conftest import OFFICER, PHONE
from alur.core.errors import DomainError

pytestmark = pytest.mark.django_db

TRACK = "/pengaduan/lacak/"


def _without_token(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def test_lacak_unicode_last4_same_answer_for_real_and_fake(
    client: Client, file_complaint: Callable[..., Complaint]
) -> None:
    real = file_complaint().case.reference
    answers = []
    for reference in (real, "S2G-1808-260101-AAAAAA"):
        response = client.post(TRACK, {"reference": reference, "last4": "٧٨٩٠"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "angka biasa 0–9" in body
        answers.append(_without_token(body).replace(reference, "NOMOR"))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("url", ["/pengaduan/register/", "/pengaduan/rekap/"])
@pytest.mark.parametrize("year", ["²", "²⁰²⁶", "٢٠٢٦"])
def test_tahun_superscript_is_refused_not_500(
    client: Client, persona: Callable[[str], Any], url: str, year: str
) -> None:
    client.force_login(persona(OFFICER))
    response = client.get(url, {"tahun": year})
    assert response.status_code == 200


def test_a_superscript_score_is_refused_with_the_range_message(
    client: Client, file_complaint: Callable[..., Complaint], persona: Callable[[str], Any]
) -> None:
    complaint = file_complaint()
    services.complaint_register(complaint=complaint, actor=persona(OFFICER), category=Category.DATA)
    services.complaint_answer(complaint=complaint, actor=persona(OFFICER), answer="Sudah selesai.")
    response = client.post(
        TRACK, {"reference": complaint.case.reference, "last4": PHONE[-4:], "score": "⁵"}
    )
    assert response.status_code == 200
    assert "angka 1 sampai 5" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.satisfaction is None


@pytest.mark.parametrize("name", ["\u200b", "Siti\u202eanimA", '=HYPERLINK("x")', "+62 Siti"])
def test_a_reporter_name_with_invisible_or_formula_characters_is_refused(
    office: Callable[[str], Any], name: str
) -> None:
    with pytest.raises(DomainError) as refused:
        services.complaint_submit(
            office=office("18.08"),
            channel=Channel.WEB,
            reporter_name=name,
            reporter_phone=PHONE,
            text="Antrean lama.",
        )
    assert refused.value.code == "name"
    assert not Complaint.objects.exists()
