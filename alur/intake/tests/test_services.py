from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError, ValidationError
from alur.intake.choices import Channel
from alur.intake.models import Application, Attachment
from alur.intake.services import application_submit, attachment_add
from alur.intake.tests import samples
from alur.intake.validation import normalize_phone
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Case

pytestmark = pytest.mark.django_db


def submit(office: Any, request: dict[str, Any], **kwargs: Any) -> Application:
    return application_submit(office=office, channel=Channel.COUNTER, **request, **kwargs)


def test_submit_starts_the_case_and_stores_everything(
    persona: Callable[[str], Any], office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    petugas = persona("waykanan.petugas.capil")
    application = submit(office("18.08"), birth_request, actor=petugas)

    case = application.case
    assert case.reference.startswith("S2E-1808-")
    assert case.subject == "Akta kelahiran — Budi Santoso"
    assert case.status == CaseStatus.OPEN
    first, second = case.tasks.order_by("step")
    assert (first.step, first.status) == (1, TaskStatus.DONE)
    assert (second.step, second.status) == (2, TaskStatus.OPEN)
    assert application.applicant_phone == "6281234567890"
    assert application.fields["child_birth_date"] == "2026-10-01"
    assert application.created_by == petugas
    attachments = list(application.attachments.order_by("requirement"))
    assert [a.requirement for a in attachments] == ["birth_letter", "f201", "kk", "marriage"]
    kk = next(a for a in attachments if a.requirement == "kk")
    assert kk.mime == "image/png"
    assert kk.file.name.startswith("intake/1808/")
    assert kk.file.name.endswith(".png")
    assert default_storage.open(kk.file.name).read() == samples.png()
    event = AuditEvent.objects.get(action="intake.application_submit", object_id=application.pk)
    assert event.actor == petugas
    assert event.after["case"] == case.reference


def test_missing_requirement_lists_exactly_what_is_missing(
    persona: Callable[[str], Any], office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    birth_request["files"] = [f for f in birth_request["files"] if f[0] not in ("kk", "f201")]
    cases = Case.objects.count()
    with pytest.raises(ValidationError) as caught:
        submit(office("18.08"), birth_request, actor=persona("waykanan.petugas.capil"))
    assert caught.value.message_dict == {
        "file_kk": ["Belum dilampirkan: Kartu Keluarga (KK)."],
        "file_f201": ["Belum dilampirkan: Formulir F-2.01 (pelaporan pencatatan sipil)."],
    }
    assert Case.objects.count() == cases
    assert not Application.objects.exists()


def test_invalid_nik_names_the_field(
    office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    birth_request["applicant"]["nik"] = "1808013208900001"  # day 32
    with pytest.raises(ValidationError) as caught:
        submit(office("18.08"), birth_request)
    assert list(caught.value.message_dict) == ["applicant_nik"]
    assert "Tanggal lahir pada NIK tidak sah" in caught.value.message_dict["applicant_nik"][0]


def test_nik_mismatch_is_kept_as_warning(
    office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    birth_request["service_code"] = "S2d"
    birth_request["fields"] = {
        "child_name": "Rina",
        "child_nik": "1808015506230002",  # a girl born 15-06-2023
        "child_birth_date": "2023-06-16",
    }
    birth_request["files"] = [
        (key, samples.pdf(), "application/pdf", "a.pdf")
        for key in ("birth_certificate", "kk", "parents_ktp")
    ]
    application = submit(office("18.08"), birth_request)
    assert application.case.subject == "KIA — Rina"
    assert application.fields["warnings"] == [
        "NIK anak: Tanggal lahir pada NIK (15-06-2023) berbeda dengan tanggal lahir yang dicatat "
        "(16-06-2023)."
    ]


def test_photo_must_be_an_image(
    office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    birth_request["service_code"] = "S2d"
    birth_request["fields"] = {
        "child_name": "Rina",
        "child_nik": "1808015506230002",
        "child_birth_date": "2023-06-15",
    }
    birth_request["files"] = [
        (key, samples.pdf(), "application/pdf", "a.pdf")
        for key in ("birth_certificate", "kk", "parents_ktp", "photo")
    ]
    with pytest.raises(ValidationError) as caught:
        submit(office("18.08"), birth_request)
    assert caught.value.message_dict == {
        "file_photo": ["Persyaratan ini hanya menerima gambar (JPG/PNG)."]
    }


def test_fake_pdf_is_refused_and_nothing_is_written(
    office: Callable[[str], Any], birth_request: dict[str, Any], settings: Any
) -> None:
    birth_request["files"][0] = ("birth_letter", samples.EXE, "application/pdf", "surat.pdf")
    with pytest.raises(ValidationError) as caught:
        submit(office("18.08"), birth_request)
    assert caught.value.message_dict["file_birth_letter"] == [
        "Berkas bukan PDF atau gambar yang sah (hanya JPG, PNG atau PDF)."
    ]
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_unknown_service(office: Callable[[str], Any], birth_request: dict[str, Any]) -> None:
    birth_request["service_code"] = "S9"
    with pytest.raises(DomainError, match="tidak dikenal"):
        submit(office("18.08"), birth_request)


def test_another_offices_staff_is_refused(
    persona: Callable[[str], Any], office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        submit(office("18.08"), birth_request, actor=persona("metro.kasi"))
    assert not Application.objects.exists()


def test_whatsapp_channel_without_actor(
    office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    application = application_submit(
        office=office("18.08"), channel=Channel.WHATSAPP, **birth_request
    )
    assert application.created_by is None
    assert application.case.started_by is None


def test_attachment_add(office: Callable[[str], Any], birth_request: dict[str, Any]) -> None:
    application = submit(office("18.08"), birth_request)
    added = attachment_add(
        application=application,
        requirement_key="kk",
        data=samples.jpeg(),
        declared_mime="image/jpeg",
        filename="kk-baru.jpg",
        source_media_id="wamid.1",
    )
    assert added.mime == "image/jpeg"
    assert application.attachments.filter(requirement="kk").count() == 2
    assert AuditEvent.objects.filter(action="intake.attachment_add").count() == 1
    with pytest.raises(ValidationError, match="bukan PDF"):
        attachment_add(
            application=application,
            requirement_key="kk",
            data=b"MZ....",
            declared_mime="image/jpeg",
            filename="kk.jpg",
        )
    with pytest.raises(ValidationError, match="tidak dikenal"):
        attachment_add(
            application=application,
            requirement_key="nope",
            data=samples.jpeg(),
            declared_mime="image/jpeg",
            filename="kk.jpg",
        )
    assert Attachment.objects.filter(application=application).count() == 5


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0812-3456-7890", "6281234567890"), ("+62 812 3456 7890", "6281234567890")],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_normalize_phone_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="Nomor HP tidak sah"):
        normalize_phone("12ab")


def test_checked_files_are_not_added_to_until_the_case_is_returned_to_the_applicant(
    office: Callable[[str], Any], birth_request: dict[str, Any]
) -> None:
    """Once the officer passed the requirements (S2e step 2), a file sent later is refused; a
    return to the applicant opens the file list again."""
    from alur.workflow.services import task_complete
    from alur.workflow.tests.drive import holder

    application = submit(office("18.08"), birth_request)
    check = application.case.tasks.get(step=2)
    task_complete(task=check, actor=holder(check), outcome="done")
    application.refresh_from_db()
    kwargs = {
        "requirement_key": "kk",
        "data": samples.jpeg(),
        "declared_mime": "image/jpeg",
        "filename": "kk-lain.jpg",
    }
    with pytest.raises(ValidationError, match="sudah diperiksa petugas"):
        attachment_add(application=application, **kwargs)
    assert application.attachments.filter(requirement="kk").count() == 1

    kasi = application.case.tasks.get(step=3)
    task_complete(task=kasi, actor=holder(kasi), outcome="return", return_to=2, reason="KK buram.")
    back = application.case.tasks.get(step=2, status__in=("open", "claimed"))
    task_complete(
        task=back, actor=holder(back), outcome="return", return_to="applicant", reason="KK buram."
    )
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.WAITING
    attachment_add(application=application, **kwargs)
    assert application.attachments.filter(requirement="kk").count() == 2
