"""An outside party's step recorded by the staff who witnessed it, and what the applicant hears
when their case goes back to them."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError, ValidationError
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.outbox.models import OutboundMessage
from alur.workflow import engine, outside, services
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import ApplicantNotice, Case, OutsideRecord, Task
from alur.workflow.selectors import done_phrase
from alur.workflow.tests.drive import active, holder, run_until_step, start, step_once


def at_signing(case: Case) -> Task:
    """S2e driven to step 7, where the applicant and witnesses sign the register."""
    run_until_step(case, 6)
    step_once(case)  # the operator enters and prints
    waiting = active(case)
    assert [(t.step, t.status) for t in waiting] == [(7, TaskStatus.WAITING)]
    return waiting[0]


def local_minute(case: Case, moment=None) -> str:
    return engine.local(case.office, moment or timezone.now()).strftime("%Y-%m-%dT%H:%M")


def test_an_activity_reads_as_done() -> None:
    assert (
        done_phrase("Pemohon dan Saksi menandatangani Register Akta Kelahiran")
        == "Pemohon dan Saksi telah menandatangani Register Akta Kelahiran"
    )
    assert done_phrase("Surat diterima") == "Surat diterima — sudah dilakukan"


@pytest.mark.django_db
def test_staff_record_the_signing_with_a_photo_and_the_case_goes_on(client, persona) -> None:
    case = start("S2e")
    signing = at_signing(case)
    officer = persona("waykanan.petugas.capil")
    client.force_login(officer)
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Menunggu pihak luar: Masyarakat/Pemohon." in page
    assert "Catat: Pemohon dan Saksi telah menandatangani Register Akta Kelahiran" in page
    photo = samples.png(4, 4)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/tugas/{signing.pk}/catat/",
        {
            f"catat-{signing.pk}-party": "Ani Lestari (pemohon); Budi, Citra (saksi)",
            f"catat-{signing.pk}-occurred_at": local_minute(case),
            f"catat-{signing.pk}-note": "Ditandatangani di loket 2",
            f"catat-{signing.pk}-file": SimpleUploadedFile("register.png", photo, "image/png"),
        },
    )
    assert response.status_code == 302
    signing.refresh_from_db()
    assert signing.status == TaskStatus.DONE and signing.completed_by == officer
    entry = OutsideRecord.objects.get(task=signing)
    assert entry.party == "Ani Lestari (pemohon); Budi, Citra (saksi)"
    assert entry.mime == "image/png" and entry.size == len(photo)
    import hashlib

    assert entry.sha256 == hashlib.sha256(photo).hexdigest()
    event = AuditEvent.objects.get(action="case.outside_record", object_id=str(signing.pk))
    assert event.after["file_sha256"] == entry.sha256 and event.after["step"] == 7
    assert [t.step for t in active(case)] == [8]  # on to the Kadis
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert "Dicatat petugas: Masyarakat/Pemohon — Ani Lestari" in page
    assert "lihat foto/pindaian" in page
    served = client.get(f"/perkara/{case.reference}/catatan/{entry.pk}/berkas/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == photo
    client.force_login(persona("metro.kasi"))  # another office: nothing
    assert client.get(f"/perkara/{case.reference}/catatan/{entry.pk}/berkas/").status_code == 404


@pytest.mark.django_db
def test_a_record_that_is_wrong_is_refused_and_keeps_what_was_typed(client, persona) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = start("S2e")
    signing = at_signing(case)
    client.force_login(persona("waykanan.operator.capil"))
    prefix = f"catat-{signing.pk}"
    later = local_minute(case, timezone.now() + timedelta(hours=2))
    response = client.post(
        f"/tugas/{signing.pk}/catat/",
        {f"{prefix}-party": "Ani Lestari", f"{prefix}-occurred_at": later},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Waktu tidak boleh di masa depan." in body
    assert 'value="Ani Lestari"' in body  # nothing typed is lost
    earlier = local_minute(case, signing.created_at - timedelta(hours=1))
    response = client.post(
        f"/tugas/{signing.pk}/catat/",
        {f"{prefix}-party": "Ani", f"{prefix}-occurred_at": earlier},
    )
    assert "sebelum langkah ini dimulai" in response.content.decode()
    response = client.post(
        f"/tugas/{signing.pk}/catat/",
        {
            f"{prefix}-party": "  ",
            f"{prefix}-occurred_at": local_minute(case),
            f"{prefix}-file": SimpleUploadedFile("register.png", samples.EXE, "image/png"),
        },
    )
    body = response.content.decode()
    assert "Tuliskan nama pihak yang melakukannya." in body
    response = client.post(
        f"/tugas/{signing.pk}/catat/",
        {
            f"{prefix}-party": "Ani",
            f"{prefix}-occurred_at": local_minute(case),
            f"{prefix}-file": SimpleUploadedFile("register.png", samples.EXE, "image/png"),
        },
    )
    assert "bukan PDF atau gambar yang sah" in response.content.decode()
    signing.refresh_from_db()
    assert signing.status == TaskStatus.WAITING and not OutsideRecord.objects.exists()
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("Catatan belum")


@pytest.mark.django_db
def test_only_the_office_s_staff_record_and_only_outside_steps(persona) -> None:
    case = start("S2e")
    signing = at_signing(case)
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        outside.outside_step_record(
            task=signing, actor=persona("metro.kasi"), party="Ani", occurred_at=now
        )
    with pytest.raises(ValidationError):
        outside.outside_step_record(
            task=signing,
            actor=persona("waykanan.kadis"),
            party="Ani",
            occurred_at=now + timedelta(days=1),
        )
    outside.outside_step_record(
        task=signing, actor=persona("waykanan.kadis"), party="Ani", occurred_at=now
    )
    staff_step = active(case)[0]
    with pytest.raises(DomainError, match="pemegang jabatannya"):
        outside.outside_step_record(
            task=staff_step, actor=persona("waykanan.kadis"), party="Ani", occurred_at=now
        )
    with pytest.raises(DomainError):  # recorded once: a second time is told it is done
        outside.outside_step_record(
            task=signing, actor=persona("waykanan.kadis"), party="Ani", occurred_at=now
        )


@pytest.mark.django_db
def test_an_applicant_who_comes_back_is_recorded_and_the_step_that_returned_reopens(
    persona,
) -> None:
    case = start("S2e")
    check = run_until_step(case, 2)
    services.task_complete(
        task=check,
        actor=holder(check),
        outcome=Outcome.RETURN,
        return_to="applicant",
        reason="Surat keterangan lahir belum ada",
    )
    case.refresh_from_db()
    waiting = active(case)[0]
    assert case.status == CaseStatus.WAITING and waiting.resume_step == 2
    # A case without an application (started by a channel in this test): told at the counter.
    notice = ApplicantNotice.objects.get(case=case)
    assert notice.kind == "return" and notice.channels == "loket"
    assert "Surat keterangan lahir belum ada" in notice.text
    outside.outside_step_record(
        task=waiting,
        actor=persona("waykanan.petugas.capil"),
        party="Ani Lestari",
        occurred_at=timezone.now(),
        note="Membawa surat keterangan lahir ke loket",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.paused_at is None
    assert [t.step for t in active(case)] == [2]


@pytest.mark.django_db
def test_a_whatsapp_applicant_hears_the_return_with_the_reason(persona) -> None:
    from alur.whatsapp_cloud.models import BusinessNumber

    number = BusinessNumber.objects.get(display_number="08117961700")
    application = application_submit(
        office=number.office,
        channel="whatsapp",
        whatsapp_number=number,
        service_code="S2e",
        applicant={"name": "Siti Aminah", "nik": "1808011708900001", "phone": "081234567890"},
        fields={
            "child_name": "Budi Santoso",
            "child_birth_date": "2026-10-01",
            "child_birth_place": "Blambangan Umpu",
        },
        files=[
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
    )
    case = application.case
    check = active(case)[0]
    services.task_complete(
        task=check,
        actor=persona("waykanan.petugas.capil"),
        outcome=Outcome.RETURN,
        return_to="applicant",
        reason="Foto KK tidak terbaca",
    )
    message = OutboundMessage.objects.get(
        dedupe_key=f"case-notice:{case.reference}:return:{check.pk}"
    )
    assert (
        message.recipient == "6281234567890" and "Foto KK tidak terbaca" in message.payload["body"]
    )
    notice = ApplicantNotice.objects.get(case=case)
    assert notice.channels == "WhatsApp" and notice.text == message.payload["body"]
    client_page = f"/perkara/{case.reference}/"
    from django.test import Client

    client = Client()
    client.force_login(persona("waykanan.petugas.capil"))
    body = client.get(client_page).content.decode()
    assert "Pemberitahuan kepada pemohon" in body and "lewat WhatsApp" in body


@pytest.mark.django_db
def test_the_inbox_lists_what_waits_on_outside_parties_in_the_unit(client, persona) -> None:
    case = start("S2e")
    signing = at_signing(case)
    assert signing.unit.name == "Bidang Pelayanan Pencatatan Sipil"
    client.force_login(persona("waykanan.petugas.capil"))
    body = client.get("/tugas/").content.decode()
    assert "Menunggu pihak luar" in body and case.reference in body
    assert f"#tugas-{signing.pk}" in body
    for other in ("waykanan.petugas", "metro.kasi"):  # another bidang, another office
        client.force_login(persona(other))
        assert case.reference not in client.get("/tugas/").content.decode(), other


def test_another_office_s_post_that_nobody_holds_is_recorded_by_the_case_s_staff() -> None:
    from alur.org.models import User

    task = Task(status=TaskStatus.OPEN, office_id=2, position_kind="korwil")
    assert outside.may_record_outside(task, 1, [])  # nobody holds it: nothing waits on them
    assert not outside.may_record_outside(task, 1, [User(username="korwil")])
    assert not outside.may_record_outside(task, 2, [])  # the case's own office does its steps
    task.status = TaskStatus.WAITING
    assert outside.may_record_outside(task, 2, [])
