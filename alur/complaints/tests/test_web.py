"""The public form, the public tracking page, the counter, and the staff pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alur.complaints import services, views
from alur.complaints.choices import Category, Channel, Status
from alur.complaints.models import Complaint
from alur.complaints.tests.conftest import E164, OFFICER, OFFICIAL, PHONE, TEAM, TEAM_LEAD
from alur.core.web import TRACKING_LIMIT
from alur.workflow.choices import Outcome
from alur.workflow.services import task_complete

pytestmark = pytest.mark.django_db

Persona = Callable[[str], Any]
FORM = "/pengaduan/"
TRACK = "/pengaduan/lacak/"


def form_data(office: Callable[[str], Any], **overrides: str) -> dict[str, str]:
    data = {
        "office": str(office("18.08").pk),
        "reporter_name": "Budi Santoso",
        "reporter_phone": PHONE,
        "reporter_email": "",
        "application_reference": "",
        "text": "Antrean loket perekaman KTP-el sangat panjang dan tidak ada nomor antrean.",
        "token": "token-abc-123",
    }
    data.update(overrides)
    return data


def logged_in(client: Client, persona: Persona, username: str) -> Client:
    client.force_login(persona(username))
    return client


def test_the_urls() -> None:
    assert reverse("complaints:public_form") == FORM
    assert reverse("complaints:tracking") == TRACK
    assert reverse("complaints:counter") == "/pengaduan/loket/"


def test_the_public_form_files_a_complaint_once_however_often_it_is_sent(
    client: Client, office: Callable[[str], Any]
) -> None:
    page = client.get(FORM)
    assert page.status_code == 200 and 'name="token"' in page.content.decode()
    first = client.post(FORM, form_data(office))
    assert first.status_code == 302 and first.url == "/pengaduan/terkirim/"
    second = client.post(FORM, form_data(office))  # a double click sends the same token
    assert second.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WEB and complaint.reporter_phone == E164
    assert complaint.case.status == "open"
    sent = client.get("/pengaduan/terkirim/")
    assert complaint.case.reference in sent.content.decode()
    # A new form (new token) is a new complaint.
    client.post(FORM, form_data(office, token="token-def-456"))
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "   ", "Isi pengaduan wajib diisi"),
        ("reporter_phone", "12345", "Nomor HP tidak sah"),
        ("reporter_phone", "", "Nomor HP wajib diisi"),
        ("reporter_name", "", "Nama pelapor wajib diisi"),
        ("application_reference", "S2E-1808-260101-ZZZZZZ", "tidak ditemukan"),
        ("reporter_email", "bukan-surel", "Alamat surel tidak sah"),
    ],
)
def test_bad_input_on_the_public_form_says_why_and_files_nothing(
    client: Client, office: Callable[[str], Any], field: str, value: str, message: str
) -> None:
    response = client.post(FORM, form_data(office, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_public_form_is_rate_limited_per_address(
    client: Client, office: Callable[[str], Any]
) -> None:
    for i in range(views.FORM_LIMIT):
        assert client.post(FORM, form_data(office, token=f"t{i}")).status_code == 302
    refused = client.post(FORM, form_data(office, token="one-more"))
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan" in refused.content.decode()
    assert Complaint.objects.count() == views.FORM_LIMIT
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(FORM, form_data(office, token="elsewhere")).status_code == 302


def test_a_complaint_links_to_the_application_it_concerns(
    file_complaint: Callable[..., Complaint], persona: Persona, office: Callable[[str], Any]
) -> None:
    from alur.intake.models import Application
    from alur.workflow.services import case_start

    case = case_start(
        code="S2e", office=office("18.08"), subject="Akta", actor=None, submitted=True
    )
    application = Application.objects.create(
        case=case,
        office=case.office,
        service_code="S2e",
        channel="counter",
        applicant_name="Budi",
        applicant_nik="1808011708900001",
        applicant_phone=E164,
        created_at=case.started_at,
    )
    complaint = file_complaint(application_reference=case.reference.lower())
    assert complaint.application == application
    client = logged_in(Client(), persona, OFFICER)
    page = client.get(f"/perkara/{complaint.case.reference}/").content.decode()
    assert f"/perkara/{case.reference}/" in page  # the link to the application's case


def test_tracking_shows_the_answer_and_takes_the_satisfaction_score(
    client: Client, file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    reference = complaint.case.reference
    waiting = client.post(TRACK, {"reference": reference, "last4": PHONE[-4:]})
    body = waiting.content.decode()
    assert waiting.status_code == 200 and "Diterima" in body and "Perkiraan selesai" in body
    assert "Siti" not in body  # no names on the public page
    wrong = client.post(TRACK, {"reference": reference, "last4": "0000"})
    assert views.NO_MATCH in wrong.content.decode()
    services.complaint_register(complaint=complaint, actor=persona(OFFICER), category="data")
    services.complaint_answer(
        complaint=complaint, actor=persona(OFFICER), answer="Data Anda sudah kami perbaiki."
    )
    answered = client.post(TRACK, {"reference": reference.lower(), "last4": PHONE[-4:]})
    body = answered.content.decode()
    assert "Data Anda sudah kami perbaiki." in body and 'name="score"' in body
    bad = client.post(TRACK, {"reference": reference, "last4": PHONE[-4:], "score": "9"})
    assert "angka 1 sampai 5" in bad.content.decode()
    rated = client.post(TRACK, {"reference": reference, "last4": PHONE[-4:], "score": "5"})
    assert "Terima kasih atas penilaian Anda" in rated.content.decode()
    again = client.post(TRACK, {"reference": reference, "last4": PHONE[-4:], "score": "1"})
    assert "sudah diberikan" in again.content.decode()
    complaint.refresh_from_db()
    assert complaint.satisfaction == 5


def test_tracking_is_rate_limited(client: Client) -> None:
    for _ in range(TRACKING_LIMIT):
        client.post(TRACK, {"reference": "S2G-1808-260101-AAAAAA", "last4": "1234"})
    refused = client.post(TRACK, {"reference": "S2G-1808-260101-AAAAAA", "last4": "1234"})
    assert refused.status_code == 429


def test_the_counter_takes_a_complaint_and_prints_the_answer(
    client: Client, persona: Persona, office: Callable[[str], Any]
) -> None:
    client = logged_in(client, persona, OFFICER)
    assert client.get("/pengaduan/loket/").status_code == 200
    data = form_data(office, reporter_phone="", reporter_name="Pak Darto")
    data.pop("reporter_email")
    response = client.post("/pengaduan/loket/", data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == f"/perkara/{complaint.case.reference}/"
    assert complaint.channel == Channel.COUNTER and complaint.created_by == persona(OFFICER)
    assert complaint.reporter_phone == ""  # optional at the counter
    bad = client.post("/pengaduan/loket/", {**data, "reporter_phone": "08-12"})
    assert "Nomor HP tidak sah" in bad.content.decode()
    # The case page shows the register form in place of the generic outcome form.
    page = client.get(response.url).content.decode()
    assert "Catat di register pengaduan" in page and "Simpan hasil langkah 2" not in page
    client.post(
        f"/pengaduan/{complaint.pk}/catat/", {"category": Category.STAFF, "analysis": "Antrean"}
    )
    page = client.get(response.url).content.decode()
    assert "Jawab langsung dan tutup" in page and "Teruskan ke pejabat pengelola" in page
    client.post(f"/pengaduan/{complaint.pk}/jawab/", {"answer": "Nomor antrean kini tersedia."})
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED
    sheet = client.get(f"/pengaduan/{complaint.pk}/cetak/").content.decode()
    assert "Lembar jawaban pengaduan" in sheet and "Nomor antrean kini tersedia." in sheet
    assert complaint.register_number in sheet


def test_what_the_officer_typed_survives_a_refusal(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    officer = logged_in(Client(), persona, OFFICER)
    refused = officer.post(
        f"/pengaduan/{complaint.pk}/catat/",
        {"category": "", "analysis": "Data ibu tertukar saat konsolidasi."},
        follow=True,
    ).content.decode()
    assert "Pilih kategori pengaduan" in refused
    assert "Data ibu tertukar saat konsolidasi." in refused
    officer.post(f"/pengaduan/{complaint.pk}/catat/", {"category": Category.DATA})
    refused = officer.post(
        f"/pengaduan/{complaint.pk}/jawab/", {"answer": "x" * 3001}, follow=True
    ).content.decode()
    assert "Teks terlalu panjang" in refused and "x" * 3001 in refused
    # Kept once: the next visit shows the form as it starts.
    assert "x" * 3001 not in officer.get(f"/perkara/{complaint.case.reference}/").content.decode()


def test_the_escalation_through_the_case_page(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    url = f"/perkara/{complaint.case.reference}/"
    officer = logged_in(Client(), persona, OFFICER)
    officer.post(f"/pengaduan/{complaint.pk}/catat/", {"category": Category.DATA})
    empty = officer.post(f"/pengaduan/{complaint.pk}/teruskan/", {"note": ""}, follow=True)
    assert "Tuliskan mengapa" in empty.content.decode()
    officer.post(f"/pengaduan/{complaint.pk}/teruskan/", {"note": "Perlu keputusan."})
    step4 = complaint.case.tasks.get(step=4)
    officer.post(f"/tugas/{step4.pk}/selesai/", {"outcome": Outcome.DONE})
    for username in TEAM:
        member = logged_in(Client(), persona, username)
        assert "Catat pendapat" in member.get(url).content.decode()
        member.post(f"/pengaduan/{complaint.pk}/pendapat/", {"text": f"Pendapat {username}"})
    outsider = logged_in(Client(), persona, "waykanan.kadis")  # reads it, not on the team
    assert "Catat pendapat" not in outsider.get(url).content.decode()
    refused = outsider.post(f"/pengaduan/{complaint.pk}/pendapat/", {"text": "x"}, follow=True)
    assert "bukan anggota Tim Penjawab Aduan" in refused.content.decode()
    # Another unit's Kasi, off the team, does not handle the complaint: not even its page.
    stranger = logged_in(Client(), persona, "waykanan.kasi.pindah")
    assert stranger.get(url).status_code == 404
    assert stranger.post(f"/pengaduan/{complaint.pk}/pendapat/", {"text": "x"}).status_code == 404
    lead = logged_in(Client(), persona, TEAM_LEAD)
    lead.post(f"/pengaduan/{complaint.pk}/solusi/", {"solution": "Perbaiki data di SIAK."})
    official = logged_in(Client(), persona, OFFICIAL)
    page = official.get(url).content.decode()
    assert "Putuskan dan serahkan kepada petugas" in page and "Perbaiki data di SIAK." in page
    official.post(f"/pengaduan/{complaint.pk}/putuskan/", {"decision": "Data diperbaiki hari ini."})
    page = officer.get(url).content.decode()
    assert "Sampaikan jawaban kepada pelapor" in page and "Data diperbaiki hari ini." in page
    officer.post(f"/pengaduan/{complaint.pk}/jawab/", {"answer": "Data diperbaiki hari ini."})
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED and complaint.opinions.count() == 3
    closed = officer.post(f"/pengaduan/{complaint.pk}/jawab/", {"answer": "Lagi"}, follow=True)
    assert "sudah ditutup" in closed.content.decode()


def test_another_offices_staff_get_404(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    stranger = logged_in(Client(), persona, "metro.kasi")
    assert stranger.get(f"/pengaduan/{complaint.pk}/cetak/").status_code == 404
    assert (
        stranger.post(f"/pengaduan/{complaint.pk}/catat/", {"category": "data"}).status_code == 404
    )
    assert stranger.get("/pengaduan/register/").status_code == 404  # Metro takes no complaints
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_the_register_and_the_recap(
    file_complaint: Callable[..., Complaint],
    persona: Persona,
    django_assert_max_num_queries: Any,
) -> None:
    answered = file_complaint(channel="whatsapp")
    services.complaint_register(complaint=answered, actor=persona(OFFICER), category="data")
    services.complaint_answer(complaint=answered, actor=persona(OFFICER), answer="Selesai.")
    services.complaint_rate(complaint=answered, score=4, channel="whatsapp")
    file_complaint()  # still at step 2
    client = logged_in(Client(), persona, OFFICER)
    with django_assert_max_num_queries(12):
        register = client.get("/pengaduan/register/")
    body = register.content.decode()
    assert answered.case.reference in body and "0001/PGD/18.08/" in body
    assert "kepuasan 4/5" in body
    with django_assert_max_num_queries(12):
        recap = client.get("/pengaduan/rekap/")
    data = recap.context["recap"]
    assert data.total.received == 2 and data.total.answered == 1
    row = next(r for r in data.rows if r.label == Category.DATA.label)
    assert row.received == 1 and row.answered == 1 and row.median_hours is not None
    assert data.satisfaction_average == 4 and data.on_time == 1
    assert dict(data.by_channel)["WhatsApp"] == 1


def test_the_case_page_of_a_procedure_without_a_complaint_keeps_the_generic_form(
    persona: Persona,
) -> None:
    from alur.workflow.tests.drive import run_until_step, start

    task = run_until_step(start("S2g"), 2)
    client = logged_in(Client(), persona, OFFICER)
    page = client.get(f"/perkara/{task.case.reference}/").content.decode()
    assert "Simpan hasil langkah 2" in page and "Catat di register pengaduan" not in page


def test_the_decision_step_hands_the_answer_back_to_the_receiving_officer(
    file_complaint: Callable[..., Complaint], persona: Persona
) -> None:
    complaint = file_complaint()
    services.complaint_register(complaint=complaint, actor=persona(OFFICER), category="data")
    services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="Kompleks")
    task_complete(task=complaint.case.tasks.get(step=4), actor=persona(OFFICER), outcome="done")
    services.complaint_opinion_add(complaint=complaint, actor=persona(TEAM[1]), text="Ya")
    services.complaint_resolve(complaint=complaint, actor=persona(TEAM_LEAD), solution="Cetak")
    services.complaint_decide(complaint=complaint, actor=persona(OFFICIAL), decision="Cetak ulang")
    step7 = complaint.case.tasks.get(step=7)
    assert step7.assignee == persona(OFFICER)


def test_the_menu_offers_the_register_only_where_complaints_are_taken(persona: Any) -> None:
    from alur.front.nav import items_for

    labels = [label for label, _url in items_for(persona("waykanan.kasi.dafduk"))]
    assert "Register pengaduan" in labels and "Rekap pengaduan" in labels
    labels = [label for label, _url in items_for(persona("babel.kabid"))]
    assert "Register pengaduan" not in labels and "Rekap pengaduan" not in labels
    assert "Stok blanko" in labels  # the province's other entries are still there


def test_an_sop_loaded_by_another_process_shows_in_the_menu_at_once(persona: Any) -> None:
    """Which offices take complaints is read from the SOP table on each request, not kept by the
    process: a revision stored elsewhere (no signal reaches this process) counts at once."""
    from alur.front.nav import items_for
    from alur.org.access import Capability, offices_for
    from alur.sop.models import SopRevision

    labels = [label for label, _url in items_for(persona("babel.kabid"))]
    assert "Register pengaduan" not in labels
    province = offices_for(persona("babel.kabid"), Capability.HANDLE_CASES).get()
    kept = SopRevision.objects.filter(code="S2g").first()
    assert kept is not None
    SopRevision.objects.bulk_create(  # another process's load_sops: no post_save here
        [
            SopRevision(
                code="S2g",
                revision=kept.revision + 1,
                name=kept.name,
                office_code=province.code,
                definition=kept.definition,
                checksum=kept.checksum,
                source=kept.source,
            )
        ]
    )
    labels = [label for label, _url in items_for(persona("babel.kabid"))]
    assert "Register pengaduan" in labels and "Rekap pengaduan" in labels
