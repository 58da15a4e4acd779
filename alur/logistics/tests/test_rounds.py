"""S1 rounds: how the province takes up kab/kota requests, its two letters (the request to Ditjen
Dukcapil and the covering letter to the Badan Penghubung), the airport pick-up, the share
notices of step 18, and the refusals on the way."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError, DomainError
from alur.letters.models import LetterStatus
from alur.letters.selectors import case_letter
from alur.logistics import rounds
from alur.logistics.choices import Item, RequestStatus
from alur.logistics.models import Allocation, BlankRequest, Shipment
from alur.logistics.services.requests import blank_request_submit
from alur.logistics.services.shares import SHARE_TEMPLATE
from alur.logistics.tests.conftest import s1_decide, s1_round
from alur.logistics.tests.drivers import sign_cover_letter
from alur.logistics.tests.test_s1 import complete, drive_to
from alur.outbox.models import OutboundMessage
from alur.sop.loader import SOP_DIR, load_file
from alur.workflow import services as workflow
from alur.workflow.choices import CaseStatus, Outcome, TaskStatus
from alur.workflow.models import Notification
from alur.workflow.tests.drive import active

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_sop_sends_the_letter_back_at_steps_3_5_6_and_7() -> None:
    sop = load_file(SOP_DIR / "S1-blanko-ktp-el.yaml")
    returns = {s.number: s.decision.if_no.back_to for s in sop.steps if s.decision is not None}
    assert returns == {3: 2, 5: 4, 6: 4, 7: 4}
    for step in sop.steps:
        if step.decision is not None:
            assert (step.decision.if_yes.label, step.decision.if_no.label) == (
                "Sesuai",
                "Perbaikan",
            )
    assert sop.step(12).form == "logistics.cover_letter"
    assert sop.step(12).action == "letters.deliver"
    assert sop.step(14).form == "logistics.pickup"


def test_a_request_reaches_the_province_as_work_and_a_round_answers_it(persona, office) -> None:
    province = office("19")
    before = Notification.objects.filter(user=persona("babel.kasi")).count()
    request = blank_request_submit(
        office=office("19.01"),
        item=Item.KTP_EL,
        quantity=300,
        backlog=120,
        justification="Perekaman pemilih pemula",
        letter_number="470/12/Disdukcapil/2026",
        actor=persona("bangka.kadis"),
    )
    notices = Notification.objects.filter(user=persona("babel.kasi")).order_by("-pk")
    assert notices.count() == before + 1
    assert f"{office('19.01')}: 300 keping" in notices[0].message
    assert Notification.objects.filter(user=persona("babel.kabid"), kind="logistics.request")
    assert request in rounds.waiting_requests(province)

    waiting = list(rounds.waiting_requests(province))
    with pytest.raises(DomainError, match="notulen"):
        rounds.round_start(
            office=province, request_ids=[request.pk], minutes=" ", actor=persona("babel.kasi")
        )
    with pytest.raises(DomainError, match="sedikitnya satu permohonan"):
        rounds.round_start(
            office=province, request_ids=[], minutes="Rapat", actor=persona("babel.kasi")
        )
    with pytest.raises(DomainError, match="tidak ditemukan di provinsi ini"):
        rounds.round_start(
            office=province, request_ids=["999999"], minutes="Rapat", actor=persona("babel.kasi")
        )
    case = rounds.round_start(
        office=province,
        request_ids=[r.pk for r in waiting if r.pk != request.pk],
        minutes="Stok menipis di empat kab/kota.",
        actor=persona("babel.kasi"),
    )
    assert case.sop.code == "S1" and case.status == CaseStatus.OPEN
    first = case.tasks.get(step=1)
    assert first.outcome == Outcome.DONE and first.reason == "Stok menipis di empat kab/kota."
    assert [t.step for t in active(case)] == [2]
    assert list(rounds.waiting_requests(province)) == [request]

    # Bangka's request came after the meeting: it joins the running round.
    with pytest.raises(ConflictError, match="sudah diproses provinsi"):
        rounds.round_join(case=case, request_ids=[waiting[0].pk], actor=persona("babel.kasi"))
    rounds.round_join(case=case, request_ids=[request.pk], actor=persona("babel.kasi"))
    request.refresh_from_db()
    assert (request.case, request.status) == (case, RequestStatus.ROUND)
    actions = AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    assert {"logistics.round_start", "logistics.round_join"} <= set(actions)


def test_the_allocation_takes_the_backlog_of_the_requests_the_round_answers(
    office, persona
) -> None:
    case = s1_round()
    asked = {r.office_id: r.backlog for r in BlankRequest.objects.filter(case=case)}
    assert asked
    drive_to(case, 16)
    allocation = Allocation.objects.get(case=case)
    for line in allocation.lines.all():
        assert line.backlog == asked.get(line.office_id, 0)
    assert set(BlankRequest.objects.filter(case=case).values_list("status", flat=True)) == {
        RequestStatus.ALLOCATED
    }
    late = blank_request_submit(
        office=office("19.02"),
        item=Item.KTP_EL,
        quantity=10,
        backlog=1,
        justification="Susulan",
        actor=persona("belitung.kadis"),
    )
    with pytest.raises(ConflictError, match="sudah membagi blankonya"):
        rounds.round_join(case=case, request_ids=[late.pk], actor=persona("babel.kasi"))


def test_the_request_letter_is_drafted_from_the_round_and_goes_to_the_pj_korwil(persona) -> None:
    case = s1_round()
    letter = rounds.request_letter_draft(case=case, actor=persona("babel.kasi"))
    assert case_letter(case) == letter
    for request in BlankRequest.objects.filter(case=case).select_related("office"):
        assert f"{request.office.name}: {request.quantity} keping" in letter.body
    (korwil,) = letter.recipients.all()
    assert korwil.step == 10 and korwil.channel == "whatsapp"
    assert korwil.address.endswith(persona("ditjen.korwil").phone[-7:])
    assert rounds.request_letter_draft(case=case, actor=persona("babel.kasi")) == letter


def test_a_correction_at_step_3_returns_the_letter_to_its_drafter(persona) -> None:
    case = s1_round()
    rounds.request_letter_draft(case=case, actor=persona("babel.kasi"))
    task = drive_to(case, 3)
    workflow.task_complete(
        task=task,
        actor=persona("babel.kabid"),
        outcome=Outcome.RETURN,
        return_to=2,
        reason="Lengkapi jumlah per kabupaten",
    )
    letter = case_letter(case)
    assert letter.status == LetterStatus.DRAFT
    assert letter.events.filter(kind="return", note="Lengkapi jumlah per kabupaten").exists()
    (again,) = active(case)
    assert again.step == 2 and again.assignee == persona("babel.kasi")


def test_step_12_needs_the_signed_covering_letter_and_sends_both_letters(persona) -> None:
    case = s1_round()
    task = drive_to(case, 12)
    with pytest.raises(DomainError, match="belum disusun"):
        complete(task)
    pelaksana = persona("babel.pelaksana")
    cover = rounds.cover_letter_draft(case=case, actor=pelaksana)
    assert [s.position.kind for s in cover.slots.order_by("order")] == ["kabid", "sekretaris"]
    assert cover.signer_position.kind == "kadis" and cover.case is None
    assert case_letter(case).number.number in cover.body
    assert rounds.cover_letter_draft(case=case, actor=pelaksana) == cover
    with pytest.raises(DomainError, match="belum ditandatangani"):
        complete(task)
    sign_cover_letter(task)
    cover.refresh_from_db()
    assert cover.status == LetterStatus.SIGNED
    complete(task)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    penghubung = persona("babel.penghubung")
    request = case_letter(case)
    for letter in (cover, request):  # what step 12 sent (step 10 sent the request to Ditjen)
        sent = letter.recipients.filter(message__isnull=False).exclude(step=10)
        assert [r.address[-7:] for r in sent] == [penghubung.phone[-7:]]
    assert request.recipients.get(address__endswith=penghubung.phone[-7:]).step == 12


def test_a_covering_letter_with_nobody_to_go_to_refuses_to_be_sent(persona) -> None:
    penghubung = persona("babel.penghubung")
    penghubung.phone = ""
    penghubung.save(update_fields=["phone"])
    case = s1_round()
    task = drive_to(case, 12)
    sign_cover_letter(task)
    with pytest.raises(DomainError, match="belum memiliki penerima"):
        complete(task)
    assert not OutboundMessage.objects.filter(object_type="letters.letter").filter(
        object_id=str(rounds.cover_letter_for(case).pk)
    )


def test_the_airport_pickup_is_recorded_with_its_document(persona) -> None:
    case = s1_round()
    task = drive_to(case, 14)
    with pytest.raises(DomainError, match="Berkas bukan PDF atau gambar"):
        complete(
            task, {"note": "Tim bidang", "upload": (b"MZ\x90\x00", "application/pdf", "a.pdf")}
        )
    complete(task, {"note": "Nur Aini dan sopir", "upload": (PDF, "application/pdf", "smu.pdf")})
    shipment = Shipment.objects.get(case=case)
    assert shipment.picked_up_by == persona("babel.pelaksana")
    assert shipment.pickup_note == "Nur Aini dan sopir"
    assert shipment.pickup_document.read() == PDF


def test_each_kab_kota_is_told_its_share_and_a_share_nobody_can_be_told_is_refused(
    persona, office
) -> None:
    codes = [o.code for o in office("19").children.order_by("code")]
    shares = dict.fromkeys(codes, 0) | {codes[0]: 600, codes[1]: 390}
    case = s1_round()
    task = drive_to(case, 18, s1_decide(kadis_shares=shares))
    from alur.logistics.tests.drivers import step_data

    belitung = persona("belitung.kadis")
    phone, belitung.phone = belitung.phone, ""
    belitung.save(update_fields=["phone"])
    with pytest.raises(DomainError) as refused:
        complete(task, step_data(task))
    assert str(office("19.02")) in refused.value.message
    assert str(office("19.01")) not in refused.value.message
    assert "tidak memiliki nomor WhatsApp Kepala Dinas maupun alamat surel" in (
        refused.value.message
    )
    assert not OutboundMessage.objects.filter(object_type="logistics.allocationline").exists()

    office_belitung = office("19.02")
    office_belitung.email = "disdukcapil@belitung.example.go.id"
    office_belitung.save(update_fields=["email"])
    complete(task, step_data(task))
    messages = OutboundMessage.objects.filter(object_type="logistics.allocationline")
    assert {(m.channel, m.recipient) for m in messages} == {
        ("whatsapp", "62" + persona("bangka.kadis").phone[1:]),
        ("email", "disdukcapil@belitung.example.go.id"),
    }
    bangka = messages.get(channel="whatsapp")
    assert "porsi blanko KTP-el untuk kantor Bapak/Ibu 600 keping" in bangka.payload["body"]
    assert case.reference in bangka.payload["body"]
    assert bangka.template_fallback["name"] == SHARE_TEMPLATE
    assert phone  # the demo Kadis had a number before the test took it away


def test_the_pages_start_a_round_and_keep_what_was_typed_on_an_error(
    client, persona, office
) -> None:
    client.force_login(persona("bangka.kadis"))
    assert client.get("/logistik/putaran/mulai/").status_code == 403
    client.force_login(persona("babel.kasi"))
    assert "Mulai putaran pengambilan blanko KTP-el" in client.get("/mulai/").content.decode()
    page = client.get("/logistik/permohonan/").content.decode()
    assert "Menunggu tindak lanjut provinsi" in page and "Mulai putaran S1" in page
    response = client.post("/logistik/putaran/mulai/", {"notulen": "Rapat monev 3 April"})
    assert texts(response) == [
        "Pilih sedikitnya satu permohonan kabupaten/kota yang dijawab putaran ini."
    ]
    assert "Rapat monev 3 April" in response.content.decode()
    waiting = [str(r.pk) for r in rounds.waiting_requests(office("19"))]
    response = client.post(
        "/logistik/putaran/mulai/", {"notulen": "Rapat monev 3 April", "permohonan": waiting}
    )
    case = BlankRequest.objects.get(pk=waiting[0]).case
    assert response.status_code == 302 and response.url == f"/perkara/{case.reference}/"
    page = client.get(response.url).content.decode()
    assert "Rapat monev 3 April" in page and "Susun konsep dari permohonan kab/kota" in page
    response = client.post(f"/logistik/perkara/{case.reference}/surat-permohonan/")
    assert "Konsep surat permohonan disusun" in texts(response)[-1]
    assert case_letter(case) is not None


def test_only_the_post_of_step_1_starts_a_round(client, persona, office) -> None:
    waiting = [r.pk for r in rounds.waiting_requests(office("19"))]
    with pytest.raises(DomainError, match="dimulai oleh Kasi Fasilitasi Dafduk"):
        rounds.round_start(
            office=office("19"), request_ids=waiting, minutes="Rapat", actor=persona("babel.kabid")
        )
    client.force_login(persona("babel.kabid"))
    assert client.get("/logistik/putaran/mulai/").status_code == 403
    page = client.get("/logistik/permohonan/").content.decode()
    assert "Menunggu tindak lanjut provinsi" in page and "Mulai putaran S1 untuk" not in page


def test_the_air_waybill_goes_up_with_the_shipment_and_only_its_readers_see_it(
    client, persona
) -> None:
    case = s1_round()
    task = drive_to(case, 13)
    client.force_login(persona("babel.penghubung"))
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and "surat muatan udara (JPG" in page
    fields = {"item": "ktp_el", "quantity": "1000", "carrier": "Garuda", "waybill": "126-7"}
    response = client.post(
        f"/tugas/{task.pk}/selesai/",
        fields | {"berkas": SimpleUploadedFile("smu.pdf", b"MZ\x90", "application/pdf")},
    )
    assert texts(response) == ["Berkas bukan PDF atau gambar yang sah (hanya JPG, PNG atau PDF)."]
    assert not Shipment.objects.filter(case=case).exists()
    response = client.post(
        f"/tugas/{task.pk}/selesai/",
        fields | {"berkas": SimpleUploadedFile("smu.pdf", PDF, "application/pdf")},
    )
    assert texts(response)[-1] == "Langkah selesai; perkara diteruskan."
    shipment = Shipment.objects.get(case=case)
    url = f"/logistik/pengiriman/{shipment.pk}/smu/"
    client.force_login(persona("babel.pelaksana"))
    assert url in client.get(f"/perkara/{case.reference}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF
    assert client.get(f"/logistik/pengiriman/{shipment.pk}/dokumen/").status_code == 404
    client.force_login(persona("waykanan.kadis"))
    assert client.get(url).status_code == 404


def test_a_refused_step_form_shows_again_with_what_was_typed(client, persona) -> None:
    case = s1_round()
    task = drive_to(case, 13)
    client.force_login(persona("babel.penghubung"))
    fields = {"item": "ktp_el", "quantity": "-5", "carrier": "Sriwijaya Cargo", "waybill": "977-1"}
    response = client.post(f"/tugas/{task.pk}/selesai/", fields)
    assert texts(response) == ["Jumlah yang dikirim tidak boleh negatif."]
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert 'value="Sriwijaya Cargo"' in page and 'value="977-1"' in page and 'value="-5"' in page
    page = client.get(f"/perkara/{case.reference}/").content.decode()
    assert 'value="Sriwijaya Cargo"' not in page  # shown once, then the form is fresh again
