from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alur.core.tests.csp import inline_script, inline_style
from alur.intake.models import Application
from alur.intake.tests import samples
from alur.intake.tests.conftest import NIK, PHONE
from alur.workflow.models import Case

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def birth_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant_name": "Siti Aminah",
        "applicant_nik": NIK,
        "applicant_phone": PHONE,
        "child_name": "Budi Santoso",
        "child_birth_date": "2026-10-01",
        "child_birth_place": "Blambangan Umpu",
        "file_birth_letter": SimpleUploadedFile("lahir.pdf", samples.pdf(), "application/pdf"),
        "file_marriage": SimpleUploadedFile("nikah.jpg", samples.jpeg(), "image/jpeg"),
        "file_kk": SimpleUploadedFile("kk.png", samples.png(), "image/png"),
        "file_f201": SimpleUploadedFile("f201.pdf", samples.pdf(), "application/pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_counter_lists_the_offices_services(client: Client, persona: Callable[[str], Any]) -> None:
    response = login(client, persona("waykanan.petugas.capil")).get(reverse("intake:counter"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Akta kelahiran" in body
    assert "Akta kematian" in body
    assert reverse("intake:counter_form", args=["S2e"]) in body
    assert "Loket" in body  # the navigation item


def test_counter_form_renders_every_requirement(
    client: Client, persona: Callable[[str], Any]
) -> None:
    response = login(client, persona("waykanan.petugas.capil")).get(
        reverse("intake:counter_form", args=["S2e"])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    for name in ("file_birth_letter", "file_marriage", "file_kk", "file_f201", "child_name"):
        assert f'name="{name}"' in body
    assert not inline_style(body)
    assert not inline_script(body)


def test_counter_submit_redirects_to_the_case_with_the_tracking_number(
    client: Client, persona: Callable[[str], Any]
) -> None:
    petugas = persona("waykanan.petugas.capil")
    response = login(client, petugas).post(
        reverse("intake:counter_form", args=["S2e"]), birth_post()
    )
    application = Application.objects.get()
    reference = application.case.reference
    assert response.status_code == 302
    assert response.url == f"/perkara/{reference}/"
    assert application.created_by == petugas
    assert application.attachments.count() == 4
    page = client.get(response.url)
    assert f"Nomor permohonan (untuk lacak): {reference}" in page.content.decode()


def test_counter_missing_requirement_and_invalid_nik_saves_nothing(
    client: Client, persona: Callable[[str], Any]
) -> None:
    cases = Case.objects.count()
    response = login(client, persona("waykanan.petugas.capil")).post(
        reverse("intake:counter_form", args=["S2e"]),
        birth_post(file_kk=None, applicant_nik="1808011713900001"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "applicant_nik": ["Bulan lahir pada NIK tidak sah."],
        "file_kk": ["Belum dilampirkan: Kartu Keluarga (KK)."],
    }
    assert "Belum dilampirkan: Kartu Keluarga (KK)." in response.content.decode()
    assert Case.objects.count() == cases
    assert not Application.objects.exists()


def test_counter_service_errors_are_shown_per_field(
    client: Client, persona: Callable[[str], Any]
) -> None:
    response = login(client, persona("waykanan.petugas.capil")).post(
        reverse("intake:counter_form", args=["S2e"]),
        birth_post(
            applicant_nik="1808011713900001",  # month 13
            file_birth_letter=SimpleUploadedFile("lahir.pdf", samples.EXE, "application/pdf"),
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["applicant_nik"] == ["Bulan lahir pada NIK tidak sah."]
    assert errors["file_birth_letter"] == [
        "Berkas bukan PDF atau gambar yang sah (hanya JPG, PNG atau PDF)."
    ]
    body = response.content.decode()
    assert "Bulan lahir pada NIK tidak sah." in body
    assert "Permohonan belum tersimpan" in body
    assert not Application.objects.exists()


def test_another_offices_staff_gets_404(client: Client, persona: Callable[[str], Any]) -> None:
    metro = login(client, persona("metro.kasi"))
    assert metro.get(reverse("intake:counter_form", args=["S2e"])).status_code == 404
    response = metro.post(reverse("intake:counter_form", args=["S2e"]), birth_post())
    assert response.status_code == 404
    assert not Application.objects.exists()
    assert "Akta kelahiran" not in metro.get(reverse("intake:counter")).content.decode()


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("intake:counter_form", args=["S2e"]))
    assert response.status_code == 302
    assert "login" in response.url or "masuk" in response.url


def test_unknown_service_is_404(client: Client, persona: Callable[[str], Any]) -> None:
    client = login(client, persona("waykanan.petugas.capil"))
    assert client.get(reverse("intake:counter_form", args=["S9"])).status_code == 404
