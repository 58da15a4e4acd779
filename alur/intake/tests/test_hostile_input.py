"""Hostile input at the citizen's tracking page and in an application's names: digits outside
0–9 and invisible or formula characters get a message in Bahasa Indonesia, never a 500, and
never reach a document."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from alur.intake.choices import Channel
from alur.intake.models import Application
from alur.intake.nik import check_nik
from alur.intake.services import application_submit
from alur.intake.tests.conftest import NIK
from alur.intake.views import TRACKING_NO_MATCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(
    office: Callable[[str], Any], persona: Callable[[str], Any], birth_request: dict[str, Any]
) -> Application:
    return application_submit(
        office=office("18.08"),
        channel=Channel.COUNTER,
        actor=persona("waykanan.petugas.capil"),
        **birth_request,
    )


def test_lacak_unicode_last4_same_answer_for_real_and_fake(
    client: Client, application: Application
) -> None:
    answers = []
    for reference in (application.case.reference, "S2E-1808-000000-AAAAAA"):
        response = client.post("/lacak/", {"reference": reference, "last4": "١٢٣٤"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "angka biasa 0–9" in body
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
        answers.append(body.replace(reference, "NOMOR"))
    assert answers[0] == answers[1]
    assert TRACKING_NO_MATCH not in answers[0]


@pytest.fixture
def submit(
    office: Callable[[str], Any], persona: Callable[[str], Any], birth_request: dict[str, Any]
) -> Callable[..., Application]:
    def make(applicant_name: str = "Siti Aminah", **fields: str) -> Application:
        birth_request["applicant"]["name"] = applicant_name
        birth_request["fields"] |= fields
        return application_submit(
            office=office("18.08"),
            channel=Channel.COUNTER,
            actor=persona("waykanan.petugas.capil"),
            **birth_request,
        )

    return make


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200c",  # zero-width only
        "Budi\u202eotnaS",  # right-to-left override
        '=HYPERLINK("https://contoh.test","Klik")',
        "@Budi",
        "Budi\x07Santoso",
        "Budi\ue000",  # private use
    ],
)
def test_name_with_invisible_or_formula_characters_refused(
    submit: Callable[..., Application], name: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        submit(child_name=name)
    assert list(refused.value.message_dict) == ["child_name"]
    assert not Application.objects.exists()


def test_zero_width_only_name_refused(submit: Callable[..., Application]) -> None:
    with pytest.raises(ValidationError) as refused:
        submit(applicant_name="\u200b\u200d")
    assert "applicant_name" in refused.value.message_dict
    assert not Application.objects.exists()


def test_name_with_bidi_override_refused(submit: Callable[..., Application]) -> None:
    with pytest.raises(ValidationError) as refused:
        submit(child_name="Ahmad \u202eizuoR")
    assert any("karakter tak terlihat" in m for m in refused.value.messages)


@pytest.mark.parametrize(
    "name",
    ["Ma'ruf Amin", "Ma’ruf Amin", "Siti Nur-Aini", "Dr. H. Ahmad, S.Pd.", "Adé Rahmat"],
)
def test_real_names_are_taken_as_one_spelling(
    submit: Callable[..., Application], name: str
) -> None:
    """Apostrophes, hyphens, dots and commas pass; spaces and accents are stored one way (NFC,
    single spaces), so that the same name typed twice is the same name on the document."""
    typed = "  " + unicodedata.normalize("NFD", name).replace(" ", "  ") + " "
    application = submit(child_name=typed)
    assert application.fields["child_name"] == name


def test_nik_in_arabic_indic_digits_is_refused_with_a_message() -> None:
    arabic = "".join(chr(0x0660 + int(d)) for d in NIK)
    check = check_nik(arabic)
    assert check.errors == ["NIK harus ditulis dengan angka biasa 0–9 (16 angka)."]
