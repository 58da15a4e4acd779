"""The public survey page (by token, no sign-in) and the IKM page: who sees which office's index
(management of the office; the province its kab/kota; never a counter operator or another
office), the Excel export in the offices' form, and bad input answered without a 500."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from alur.front import nav
from alur.survey.models import Survey
from alur.survey.selectors import ikm_office_ids
from alur.survey.services import survey_record_paper

pytestmark = pytest.mark.django_db

NINE = {f"u{n}": "3" for n in range(1, 10)}


def test_the_public_page_keeps_answers_on_error_and_takes_them_once(
    client: Client, answered_complaint: Callable[..., Any]
) -> None:
    survey = Survey.objects.get(case=answered_complaint().case)
    url = f"/survei/{survey.token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Bagaimana pendapat Anda tentang kewajaran biaya/tarif" in page.content.decode()
    missing = {k: v for k, v in NINE.items() if k != "u7"} | {"u2": "4", "education": "s1"}
    refused = client.post(url, missing)
    body = refused.content.decode()
    assert refused.status_code == 200 and "Pilih jawaban untuk pertanyaan 7." in body
    assert 'name="u2" value="4" checked' in body  # what was chosen is still chosen
    assert '<option value="s1" selected>' in body
    assert not survey.answers.exists()
    done = client.post(url, NINE | {"gender": "L"})
    assert "sudah kami terima" in done.content.decode()
    again = client.post(url, NINE | {"u1": "1"})
    assert "sudah diisi" in again.content.decode()
    assert survey.answers.get(element=1).score == 3


@pytest.mark.parametrize(
    "token", ["0" * 32, "..%2F..", "x" * 300, "٣٣٣", "'; DROP TABLE survey;--"]
)
def test_an_unknown_token_is_a_bahasa_404(client: Client, token: str) -> None:
    response = client.get(f"/survei/{token}/")
    assert response.status_code == 404
    assert "tidak ditemukan" in response.content.decode().lower()


def test_bad_scores_are_refused_in_bahasa(
    client: Client, answered_complaint: Callable[..., Any]
) -> None:
    survey = Survey.objects.get(case=answered_complaint().case)
    for wrong in ("5", "0", "٣", "34", "=1+1", "x" * 5000):
        response = client.post(f"/survei/{survey.token}/", NINE | {"u4": wrong})
        assert response.status_code == 200
        assert (
            "1 sampai 4" in response.content.decode() or "pertanyaan 4" in response.content.decode()
        )
    assert not survey.answers.exists()


def test_who_reads_which_index(persona: Callable[[str], Any], office: Callable[[str], Any]) -> None:
    waykanan, metro, babel, bangka = (office(c) for c in ("18.08", "18.72", "19", "19.01"))
    assert ikm_office_ids(persona("waykanan.kadis")) == {waykanan.pk}
    assert ikm_office_ids(persona("waykanan.sekretaris")) == {waykanan.pk}
    assert ikm_office_ids(persona("waykanan.operator")) == frozenset()
    assert ikm_office_ids(persona("waykanan.petugas")) == frozenset()
    province = ikm_office_ids(persona("babel.kabid"))
    assert babel.pk in province and bangka.pk in province
    assert waykanan.pk not in province and metro.pk not in province
    assert ikm_office_ids(persona("babel.pelaksana")) == frozenset()  # staff, not management
    assert ikm_office_ids(persona("bangka.kadis")) == {bangka.pk}  # not the province, not a sibling
    labels = [label for label, _url in nav.items_for(persona("waykanan.kadis"))]
    assert "Indeks Kepuasan Masyarakat" in labels
    labels = [label for label, _url in nav.items_for(persona("waykanan.operator"))]
    assert "Indeks Kepuasan Masyarakat" not in labels


def test_the_ikm_page_by_person(client: Client, persona: Callable[[str], Any]) -> None:
    client.force_login(persona("waykanan.operator"))
    assert client.get("/survei/ikm/").status_code == 403
    assert client.get("/survei/ikm/?kantor=18.72").status_code == 403
    client.force_login(persona("waykanan.kadis"))
    own = client.get("/survei/ikm/")
    assert own.status_code == 200 and "Indeks Kepuasan Masyarakat" in own.content.decode()
    assert client.get("/survei/ikm/?kantor=18.72").status_code == 403  # another kab/kota
    assert client.get("/survei/ikm/?kantor=19.01").status_code == 403
    odd = client.get("/survei/ikm/?tahun=²⁰²⁶&triwulan=9")  # a wrong period: the current one
    assert odd.status_code == 200
    client.force_login(persona("babel.kabid"))
    province = client.get("/survei/ikm/?kantor=19")
    assert province.status_code == 200 and "Kabupaten/kota" in province.content.decode()
    assert client.get("/survei/ikm/?kantor=19.01").status_code == 200
    assert client.get("/survei/ikm/?kantor=18.08").status_code == 403
    assert client.get("/survei/ikm/excel/?kantor=18.08").status_code == 403


def test_the_excel_export(
    client: Client, persona: Callable[[str], Any], office: Callable[[str], Any]
) -> None:
    waykanan = office("18.08")
    survey = survey_record_paper(
        office=waykanan, service_code="ZZ", scores={n: 4 for n in range(1, 10)}, actor=None
    )
    Survey.objects.filter(pk=survey.pk).update(service_label='=HYPERLINK("http://x")')
    client.force_login(persona("waykanan.kadis"))
    response = client.get("/survei/ikm/excel/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ikm-1808-')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["IKM kantor"]
    heads = [c.value for c in sheet[6]]
    assert heads[:5] == ["Unsur", "Nama unsur", "Jumlah nilai", "Jumlah jawaban", "NRR per unsur"]
    assert [sheet.cell(row=r, column=1).value for r in range(7, 16)] == [
        f"U{n}" for n in range(1, 10)
    ]
    labels = {
        sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=3).value for r in range(17, 21)
    }
    assert set(labels) == {
        "IKM (Σ NRR tertimbang)",
        "IKM unit pelayanan (IKM × 25)",
        "Mutu pelayanan",
        "Kinerja unit pelayanan",
    }
    assert 25 <= labels["IKM unit pelayanan (IKM × 25)"] <= 100
    typed = book["IKM ZZ"]["B3"]  # the service's label, as it was typed
    assert typed.value == '=HYPERLINK("http://x")'
    assert typed.data_type == "s" and typed.quotePrefix  # text, never a formula


def test_the_dashboard_shows_the_index_to_management_only(
    client: Client, persona: Callable[[str], Any]
) -> None:
    client.force_login(persona("waykanan.kadis"))
    page = client.get("/laporan/dasbor/").content.decode()
    assert "Indeks Kepuasan Masyarakat — Triwulan" in page  # the demo's questionnaires
    assert 'href="/survei/ikm/?kantor=18.08"' in page and "mutu " in page
    client.force_login(persona("waykanan.operator"))
    page = client.get("/laporan/dasbor/").content.decode()
    assert "Indeks Kepuasan Masyarakat" not in page


def test_the_case_page_shows_the_qr_code_to_the_officer(
    client: Client, persona: Callable[[str], Any], answered_complaint: Callable[..., Any]
) -> None:
    complaint = answered_complaint()
    survey = Survey.objects.get(case=complaint.case)
    client.force_login(persona("waykanan.pengaduan"))
    page = client.get(f"/perkara/{complaint.case.reference}/").content.decode()
    assert "Survei kepuasan masyarakat" in page and "<svg" in page
    assert f"/survei/{survey.token}/" in page


def test_the_printed_answer_sheet_carries_the_survey_qr_code(
    client: Client, persona: Callable[[str], Any], answered_complaint: Callable[..., Any]
) -> None:
    complaint = answered_complaint()
    survey = Survey.objects.get(case=complaint.case)
    client.force_login(persona("waykanan.pengaduan"))
    sheet = client.get(f"/pengaduan/{complaint.pk}/cetak/").content.decode()
    assert "Survei Kepuasan Masyarakat." in sheet and "Kode QR survei kepuasan" in sheet
    assert f"/survei/{survey.token}/" in sheet


def test_after_berhenti_the_case_page_says_the_survey_was_not_sent(
    client: Client, persona: Callable[[str], Any], answered_complaint: Callable[..., Any]
) -> None:
    """The citizen said BERHENTI: the survey's first message is withheld, and the case page says
    so and offers the QR code and link instead of "sent on WhatsApp"."""
    from alur.complaints.choices import Channel as ComplaintChannel
    from alur.org.models import Office
    from alur.outbox.consent import opt_out
    from alur.survey.tests.conftest import CITIZEN, WAY_KANAN
    from alur.whatsapp_cloud.models import BusinessNumber

    waykanan = Office.objects.get(code=WAY_KANAN)
    for number in BusinessNumber.objects.filter(office=waykanan):
        opt_out(office=waykanan, sender=number.phone_number_id, recipient=CITIZEN)
    complaint = answered_complaint(ComplaintChannel.WHATSAPP)
    survey = Survey.objects.get(case=complaint.case)
    client.force_login(persona("waykanan.pengaduan"))
    page = client.get(f"/perkara/{complaint.case.reference}/").content.decode()
    assert "Survei dikirim lewat WhatsApp" not in page
    assert "tidak dikirim lewat WhatsApp karena warga menolak pesan" in page
    assert f"/survei/{survey.token}/" in page and "<svg" in page
