"""S3 Dukcapil Siaga end to end as the Kota Metro personas, through the pages they use, and
the bad input the issue names."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.documents.models import CitizenDocument
from alur.documents.tests.drivers import stock_up
from alur.logistics.ledger import balance_of
from alur.outreach.models import Referral
from alur.outreach.services.letters import (
    letter_send,
    letters_chase,
    letters_require,
    referral_verify,
)
from alur.outreach.services.referrals import (
    DuplicateReferral,
    referral_create,
    referral_forward,
    referral_submit,
)
from alur.outreach.services.visits import visit_record, visit_schedule
from alur.outreach.tests.drivers import referral_input
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Notification
from alur.workflow.services import task_complete

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def login(persona: Any, username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def open_task(referral: Referral, step: int):
    return referral.case.tasks.get(step=step, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))


def post_ok(client: Client, url: str, data: dict, **extra: Any) -> None:
    response = client.post(url, data, follow=True, **extra)
    assert response.status_code == 200
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert not errors, errors


def test_s3_runs_end_to_end_as_the_metro_personas(metro, persona, poppler, tmp_path) -> None:
    # 1. A partner (kelurahan staff) refers a homeless man from their account.
    partner = login(persona, "metro.mitra.kelurahan")
    form = {
        "office": metro.pk,
        "name": "Paijo",
        "category": "terlantar",
        "sex": "L",
        "birth_place": "Metro",
        "birth_date": "1975-08-17",
        "address": "Emperan pasar Cendrawasih, Metro Pusat",
        "village": "Imopuro",
        "latitude": "-5.1130",
        "longitude": "105.3070",
        "contact_phone": "081234567890",
    }
    response = partner.post("/siaga/mitra/baru/", form)
    referral = Referral.objects.get(name="PAIJO")
    assert response.status_code == 302 and response.url == f"/siaga/{referral.pk}/"
    case = referral.case
    assert case.sop.code == "S3" and case.tasks.get(step=1).completed_by.username == (
        "metro.mitra.kelurahan"
    )
    # 2. The officer finds he needs a domicile letter and a police letter (no identity).
    petugas = login(persona, "metro.petugas")
    page = petugas.get(f"/perkara/{case.reference}/")
    assert b"Surat pendukung yang diperlukan" in page.content
    post_ok(
        petugas,
        f"/tugas/{open_task(referral, 2).pk}/selesai/",
        {"kinds": ["domisili", "polisi"]},
    )
    # 3. The Kasi cannot pass the file on before the letters are in; she records them.
    kasi = login(persona, "metro.kasi")
    page = kasi.get(f"/perkara/{case.reference}/").content.decode()
    assert "Berkas terverifikasi" in page and "Minta surat kepada mitra" in page
    response = kasi.post(f"/siaga/{referral.pk}/verifikasi/", {"next": "case"}, follow=True)
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and "surat pendukung belum lengkap" in errors[0] and "kepolisian" in errors[0]
    assert open_task(referral, 3)
    for kind in ("domisili", "polisi"):
        post_ok(
            kasi,
            f"/siaga/{referral.pk}/surat/{kind}/terima/",
            {"file": _png(kind), "next": "case"},
        )
    post_ok(kasi, f"/siaga/{referral.pk}/verifikasi/", {"next": "case"})
    # 4. The operator registers him: a new NIK, head of a new KK.
    operator = login(persona, "metro.operator")
    enter_task = open_task(referral, 4)
    page = operator.get(f"/perkara/{case.reference}/")
    assert b"Daftarkan, buat NIK dan konsep KK" in page.content
    registration = {
        "name": "Paijo",
        "sex": "L",
        "birth_place": "Metro",
        "birth_date": "1975-08-17",
        "religion": "islam",
        "marital_status": "belum_kawin",
        "occupation": "Belum/tidak bekerja",
        "address": "Emperan pasar Cendrawasih",
        "rt": "2",
        "rw": "4",
        "village": "Imopuro",
        "district_code": "18.72.01",
    }
    post_ok(operator, f"/tugas/{enter_task.pk}/selesai/", registration)
    referral.refresh_from_db()
    resident = referral.resident
    assert resident.nik == "1872011708750001" and referral.family.head == resident
    assert referral.family.no_kk.startswith("187201")
    draft = operator.get(f"/dokumen/{CitizenDocument.objects.get(kind='kk').pk}/konsep/")
    assert draft["Content-Type"] == "application/pdf"
    # 5. The Kabid validates; 6. the Kadis signs the KK with TTE.
    task_complete(task=open_task(referral, 5), actor=persona("metro.kabid"), outcome="done")
    kadis_user = persona("metro.kadis")
    certificate_for(kadis_user)
    kadis = login(persona, "metro.kadis")
    response = kadis.post(
        f"/dokumen/perkara/{case.reference}/tandatangani/", {"passphrase": "salah"}, follow=True
    )
    assert any("salah" in m.message for m in response.context["messages"])
    post_ok(kadis, f"/dokumen/perkara/{case.reference}/tandatangani/", {"passphrase": PASSPHRASE})
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    assert kk.signed_at and kk.issued.kind == "kk" and kk.issued.number == referral.family.no_kk
    # The signed KK verifies with pdfsig and its QR page shows it.
    pdf = kk.issued.file.read()
    path = tmp_path / "kk.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([poppler("pdfsig"), str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "KARTU KELUARGA" in text and resident.nik in text and referral.family.no_kk in text
    assert f"/verifikasi/{kk.issued.verify_code}/" in "".join(text.split())
    public = Client().get(f"/verifikasi/{kk.issued.verify_code}/")
    assert public.status_code == 200 and referral.family.no_kk.encode() in public.content
    # 7. Jemput bola: the Kasi schedules the recording officer; only he records the result.
    visit_task = open_task(referral, 7)
    recorder = persona("metro.perekaman")
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    post_ok(
        kasi,
        f"/siaga/{referral.pk}/kunjungan/",
        {"scheduled_for": when, "officer": recorder.pk, "address": "", "next": "case"},
    )
    visit = referral.visits.get()
    visit_task.refresh_from_db()
    assert visit_task.assignee == recorder and visit.address.startswith("Emperan pasar")
    page = login(persona, "metro.perekaman").get(f"/perkara/{case.reference}/")
    assert b"openstreetmap.org/?mlat=-5.113000" in page.content
    with pytest.raises(DomainError, match="hanya dapat dicatat oleh petugas yang ditugaskan"):
        visit_record(visit=visit, actor=persona("metro.petugas"), result="recorded")
    # A first visit finds nobody: the recording officer schedules his next one himself.
    post_ok(
        login(persona, "metro.perekaman"),
        f"/siaga/kunjungan/{visit.pk}/hasil/",
        {"result": "not_found", "note": "Sedang ke pasar lain", "next": "case"},
    )
    assert open_task(referral, 7).assignee == recorder
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT08:00")
    post_ok(
        login(persona, "metro.perekaman"),
        f"/siaga/{referral.pk}/kunjungan/",
        {"scheduled_for": later, "officer": recorder.pk, "address": "", "next": "case"},
    )
    second = referral.visits.get(result="")
    post_ok(
        login(persona, "metro.perekaman"),
        f"/siaga/kunjungan/{second.pk}/hasil/",
        {"result": "recorded", "note": "", "next": "case"},
    )
    resident.refresh_from_db()
    assert resident.biometrics_recorded_at is not None
    # 8. The operator issues the KK and the KTP-el: a blanko out of stock, its serial recorded.
    stock_up(metro, "ktp_el")
    before = balance_of(metro, "ktp_el")
    print_task = open_task(referral, 8)
    post_ok(operator, f"/tugas/{print_task.pk}/selesai/", {"serial_ktp_el": "KTPEL-1872-0001"})
    assert balance_of(metro, "ktp_el") == before - 1
    card = CitizenDocument.objects.get(case=case, kind="ktp_el")
    assert card.card_serial == "KTPEL-1872-0001" and card.printed_at
    # 9. Handed over in person, with proof.
    handover = open_task(referral, 9)
    response = petugas.post(
        f"/tugas/{handover.pk}/selesai/",
        {"method": "in_person", "recipient_name": "", "recipient_id": ""},
        follow=True,
    )
    assert any("nama penerima" in m.message for m in response.context["messages"])
    post_ok(
        petugas,
        f"/tugas/{handover.pk}/selesai/",
        {
            "method": "in_person",
            "recipient_name": "Paijo",
            "recipient_id": resident.nik,
            "proof": _png("bukti"),
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    assert all(d.handed_over_at for d in CitizenDocument.objects.filter(case=case))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "outreach.referral_create",
        "outreach.letters_require",
        "outreach.letter_receive",
        "registry.resident_register",
        "registry.family_create",
        "documents.sign",
        "outreach.visit_schedule",
        "outreach.visit_record",
        "registry.biometrics_record",
        "documents.print",
        "documents.handover",
    } <= actions
    # Finished referrals leave the open list.
    assert referral.number.encode() not in kasi.get("/siaga/").content


def _png(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"{name}.png", PNG, content_type="image/png")


def test_a_referral_with_no_way_to_find_the_resident_is_refused(metro, persona) -> None:
    with pytest.raises(DomainError, match="tidak ada cara menemukan penduduk"):
        referral_submit(
            office=metro,
            data=referral_input(
                "Tanpa Alamat", address="", latitude=None, longitude=None, contact_phone=""
            ),
            actor=persona("metro.mitra.dinsos"),
        )
    assert not Referral.objects.filter(name="TANPA ALAMAT").exists()


def test_a_duplicate_referral_is_refused_with_a_link_to_the_first(metro, persona) -> None:
    partner = persona("metro.mitra.dinsos")
    first = referral_submit(office=metro, data=referral_input("Mbah Karto"), actor=partner)
    with pytest.raises(DuplicateReferral) as refused:
        referral_create(office=metro, data=referral_input("mbah  karto"), actor=None, channel="web")
    assert refused.value.existing == first and refused.value.url == f"/siaga/{first.pk}/"
    assert first.number in refused.value.message
    # Same NIK, different spelling: refused too, and the page links the first referral.
    before = Referral.objects.count()
    referral_create(
        office=metro,
        data=referral_input("Wagiman", nik="1872011708750009", birth_date=None),
        actor=None,
        channel="web",
    )
    client = login(persona, "metro.mitra.kelurahan")
    response = client.post(
        "/siaga/mitra/baru/",
        {
            "office": metro.pk,
            "name": "Wagimin",
            "category": "odgj",
            "nik": "1872011708750009",
            "address": "Jl. Ahmad Yani",
        },
    )
    assert response.status_code == 200
    assert "sudah dirujuk sebelumnya" in response.content.decode()
    assert b"/siaga/" in response.content and Referral.objects.count() == before + 1
    # Once the first is refused, the person may be referred again.
    petugas = login(persona, "metro.petugas")
    assert "Tutup rujukan" in petugas.get(f"/perkara/{first.case.reference}/").content.decode()
    post_ok(
        petugas,
        f"/siaga/{first.pk}/tutup/",
        {"reason": "Sudah memiliki KTP-el di Lampung Timur", "next": "case"},
    )
    first.case.refresh_from_db()
    assert first.case.status == CaseStatus.CANCELLED
    assert Notification.objects.filter(user=partner, kind="outreach.closed").exists()
    referral_create(office=metro, data=referral_input("Mbah Karto"), actor=None, channel="web")


def test_a_public_referral_waits_for_a_partner_to_take_it_up(metro, persona) -> None:
    referral = referral_create(
        office=metro, data=referral_input("Bu Ijah"), actor=None, channel="web"
    )
    assert referral.case is None
    with pytest.raises(DomainError, match="Hanya mitra"):
        referral_forward(referral=referral, actor=persona("metro.petugas"))
    referral_forward(referral=referral, actor=persona("metro.mitra.dinsos"))
    referral.refresh_from_db()
    assert referral.case.tasks.get(step=2).status == TaskStatus.OPEN


def test_the_visit_step_cannot_be_finished_without_the_officers_recording(metro, persona) -> None:
    from alur.workflow.tests.drive import run_until_step

    referral = referral_submit(
        office=metro, data=referral_input("Pak Darto"), actor=persona("metro.mitra.dinsos")
    )
    task = run_until_step(referral.case, 7)
    with pytest.raises(DomainError, match="Belum ada kunjungan"):
        task_complete(task=task, actor=persona("metro.perekaman"), outcome="done")
    # A recording officer schedules his own visit; giving it to a colleague is the Kasi's act.
    with pytest.raises(PermissionDenied):
        visit_schedule(
            referral=referral,
            when=timezone.now(),
            officer=persona("metro.petugas"),
            actor=persona("metro.perekaman"),
        )
    visit = visit_schedule(
        referral=referral,
        when=timezone.now(),
        officer=persona("metro.perekaman"),
        actor=persona("metro.perekaman"),
    )
    task.refresh_from_db()
    assert task.assignee == persona("metro.perekaman") and visit.officer == task.assignee


def test_another_offices_staff_get_404(metro, persona) -> None:
    referral = referral_submit(
        office=metro, data=referral_input("Pak Tarno"), actor=persona("metro.mitra.dinsos")
    )
    client = login(persona, "waykanan.kasi.dafduk")
    assert client.get(f"/siaga/{referral.pk}/").status_code == 404
    task = referral.case.tasks.get(step=2)
    assert client.post(f"/tugas/{task.pk}/selesai/", {"kinds": ["dinsos"]}).status_code == 404
    referral.refresh_from_db()
    assert referral.letters.count() == 0


def test_the_kasi_asks_the_referring_partner_for_a_missing_letter(metro, persona) -> None:
    dinsos = persona("metro.mitra.dinsos")
    referral = referral_submit(office=metro, data=referral_input("Pak Wiryo"), actor=dinsos)
    petugas, kasi = persona("metro.petugas"), persona("metro.kasi")
    letters_require(referral=referral, kinds=["dinsos"], actor=petugas)
    task_complete(task=open_task(referral, 2), actor=petugas, outcome="done")
    with pytest.raises(DomainError, match="surat pendukung belum lengkap"):
        referral_verify(referral=referral, actor=kasi)
    letters_chase(referral=referral, actor=kasi, note="Mohon segera.")
    notice = Notification.objects.get(user=dinsos, kind="outreach.letters")
    assert referral.number in notice.message and "Dinas Sosial" in notice.message
    assert referral.letters.get().chased_at is not None
    # Only the partner who referred sends it, and with its scan.
    with pytest.raises(PermissionDenied):
        letter_send(
            referral=referral,
            kind="dinsos",
            actor=persona("metro.mitra.kelurahan"),
            upload=(PNG, "image/png", "surat.png"),
        )
    with pytest.raises(DomainError, match="Pilih berkas"):
        letter_send(referral=referral, kind="dinsos", actor=dinsos, upload=None)
    letter_send(
        referral=referral, kind="dinsos", actor=dinsos, upload=(PNG, "image/png", "surat.png")
    )
    letter = referral.letters.get()
    assert letter.received_by == dinsos and letter.file
    with pytest.raises(DomainError, match="tidak ada yang perlu diminta"):
        letters_chase(referral=referral, actor=kasi)
    # The partner and the staff open the scan; another partner does not.
    url = f"/siaga/{referral.pk}/surat/dinsos/berkas/"
    assert login(persona, "metro.mitra.dinsos").get(url)["Content-Type"] == "image/png"
    assert login(persona, "metro.kasi").get(url).status_code == 200
    assert login(persona, "metro.mitra.kelurahan").get(url).status_code == 404
    referral_verify(referral=referral, actor=kasi)
    assert open_task(referral, 4)
