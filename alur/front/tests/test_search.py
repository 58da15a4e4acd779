"""The staff search (`/cari/`): what it finds, for whom, and what it does with bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from alur.complaints.choices import Channel as ComplaintChannel
from alur.complaints.models import Complaint
from alur.complaints.services import complaint_submit
from alur.intake.choices import Channel
from alur.intake.models import Application
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.sop.models import SopRevision
from alur.workflow.models import Case
from alur.workflow.search import Hit, Match, Query, Section, parse
from alur.workflow.selectors import Reach, case_reach

pytestmark = pytest.mark.django_db

NIK = "1808011708900001"
PHONE = "081234567890"
URL = "/cari/"


@pytest.fixture
def way_kanan(office: Callable[[str], Any], persona: Callable[[str], Any]) -> Application:
    """A Way Kanan akta kelahiran application (handled by the Pencatatan Sipil bidang) and a
    complaint about it."""
    application = application_submit(
        office=office("18.08"),
        channel=Channel.COUNTER,
        actor=persona("waykanan.petugas.capil"),
        service_code="S2e",
        applicant={"name": "Siti Aminah", "nik": NIK, "phone": PHONE},
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
    complaint_submit(
        office=office("18.08"),
        channel=ComplaintChannel.COUNTER,
        reporter_name="Siti Aminah",
        reporter_phone=PHONE,
        text="Akta anak saya belum selesai.",
        application_reference=application.case.reference,
        actor=persona("waykanan.pengaduan"),
    )
    return application


@pytest.fixture
def metro(office: Callable[[str], Any]) -> Application:
    """The same NIK and phone at another office (Kota Metro): its own case and application."""
    metro_office = office("18.72")
    now = timezone.now()
    case = Case.objects.create(
        sop=SopRevision.objects.filter(code="S2e").first(),
        office=metro_office,
        reference="S2E-1872-261201-METRO1",
        subject="Akta kelahiran — Siti Aminah",
        started_at=now,
    )
    return Application.objects.create(
        case=case,
        office=metro_office,
        service_code="S2e",
        channel=Channel.COUNTER,
        applicant_name="Siti Aminah",
        applicant_nik=NIK,
        applicant_phone="6281234567890",
        created_at=now,
    )


def search_as(client: Client, user: Any, q: str) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(URL, {"q": q})
    return response.status_code, response.content.decode()


def section(body: str, key: str) -> str:
    """The HTML of one source's results ("" when it found nothing)."""
    start = body.find(f'id="hasil-{key}"')
    if start < 0:
        return ""
    end = body.find("</section>", start)
    return body[start:end]


def test_a_nik_finds_its_case_application_and_complaint_and_nothing_of_another_office(
    client: Client, persona: Callable[[str], Any], way_kanan: Application, metro: Application
) -> None:
    reference = way_kanan.case.reference
    complaint = Complaint.objects.get(application=way_kanan)
    status, body = search_as(client, persona("waykanan.kadis"), NIK)
    assert status == 200
    for key in ("cases", "applications", "complaints"):
        assert reference in section(body, key) or complaint.case.reference in section(body, key)
    assert reference in section(body, "cases")
    assert reference in section(body, "applications")
    assert f"/perkara/{complaint.case.reference}/" in section(body, "complaints")
    assert "NIK cocok" in body
    assert f"<mark>{NIK}</mark>" in body
    assert metro.case.reference not in body
    # Kota Metro's head finds Metro's application, and none of Way Kanan's.
    _status, other = search_as(client, persona("metro.kadis"), NIK)
    assert metro.case.reference in section(other, "applications")
    assert reference not in other
    assert complaint.case.reference not in other


def test_the_search_keeps_to_the_unit_that_handles_the_case(
    client: Client, persona: Callable[[str], Any], way_kanan: Application
) -> None:
    handler, other_unit = persona("waykanan.kasi.capil"), persona("waykanan.kasi.dafduk")
    assert case_reach(handler, way_kanan.case) == Reach.PERSONAL
    assert case_reach(other_unit, way_kanan.case) < Reach.PERSONAL
    _status, found = search_as(client, handler, "Siti Aminah")
    assert way_kanan.case.reference in section(found, "applications")
    _status, hidden = search_as(client, other_unit, "Siti Aminah")
    assert way_kanan.case.reference not in hidden
    assert not section(hidden, "applications")
    # What it does find is what the case rule lets the person read (here the complaint, which
    # its office-wide steps bring to every seksi that serves the public).
    complaint = Complaint.objects.get(application=way_kanan)
    shown = complaint.case.reference in hidden
    assert shown == (case_reach(other_unit, complaint.case) == Reach.PERSONAL)


@pytest.mark.parametrize(
    "typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "0812 3456 7890"]
)
def test_a_phone_is_found_however_it_is_written(
    client: Client, persona: Callable[[str], Any], way_kanan: Application, typed: str
) -> None:
    _status, body = search_as(client, persona("waykanan.kasi.capil"), typed)
    assert way_kanan.case.reference in section(body, "applications")
    assert "Nomor HP cocok" in body


@pytest.mark.parametrize("typed", ["Siti Aminah", "siti aminh", "Sity Aminah", "AMINAH"])
def test_a_name_is_found_despite_a_typo(
    client: Client, persona: Callable[[str], Any], way_kanan: Application, typed: str
) -> None:
    _status, body = search_as(client, persona("waykanan.kasi.capil"), typed)
    assert way_kanan.case.reference in section(body, "applications")
    assert "<mark>Aminah</mark>" in section(body, "applications")


def test_a_reference_in_lower_case_finds_its_case(
    client: Client, persona: Callable[[str], Any], way_kanan: Application
) -> None:
    reference = way_kanan.case.reference
    _status, body = search_as(client, persona("waykanan.kasi.capil"), f" {reference.lower()} ")
    assert f"<mark>{reference}</mark>" in section(body, "cases")
    assert "Nomor perkara cocok" in body


def test_digits_of_another_script_read_as_a_nik(
    client: Client, persona: Callable[[str], Any], way_kanan: Application
) -> None:
    arabic = NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    _status, body = search_as(client, persona("waykanan.kasi.capil"), arabic)
    assert way_kanan.case.reference in section(body, "applications")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("%", "terlalu pendek"),
        ("_", "terlalu pendek"),
        ("%%%", "terlalu pendek"),
        ("   ", "Ketik NIK"),
        ("\u200b\u200b", "Ketik NIK"),
        ("a" * 101, "terlalu panjang"),
        ("9" * 5000, "terlalu panjang"),
        ("ab", "terlalu pendek"),
    ],
)
def test_input_that_cannot_be_searched_is_told_in_bahasa_never_a_500(
    client: Client, persona: Callable[[str], Any], way_kanan: Application, typed: str, message: str
) -> None:
    status, body = search_as(client, persona("waykanan.kasi.capil"), typed)
    assert status == 200
    assert message in body
    assert way_kanan.case.reference not in body


def test_percent_and_underscore_are_ordinary_characters(
    client: Client, persona: Callable[[str], Any], way_kanan: Application
) -> None:
    for typed in ("%%%a%", "S2E_1808%", "Siti%Aminah_"):
        status, body = search_as(client, persona("waykanan.kadis"), typed)
        assert status == 200
        assert way_kanan.case.reference not in section(body, "cases"), typed
    query = parse("Siti%Aminah_")
    assert query.words == ("siti", "aminah")


def test_the_query_reads_each_kind_of_number() -> None:
    assert parse("1808 0117 0890 0001").nik == NIK
    assert parse("+62 812-3456-7890").phone == "6281234567890"
    assert parse("s2e-1808-261123-k7qm4x").reference == "S2E-1808-261123-K7QM4X"
    assert parse("470/012/Disdukcapil/2026").words == ()
    assert parse("Ma'ruf Amin").words == ("ruf", "amin")  # words as pg_trgm splits them


def test_user_data_is_escaped_not_marked_up() -> None:
    hit = Hit(
        title="<script>alert(1)</script>",
        url="/perkara/X/",
        meta="<b>meta</b>",
        matches=(Match("Nama mirip", "Perihal", (("<img src=x>", True), (" rest", False))),),
    )
    html = render_to_string(
        "front/search.html",
        {
            "q": "<x>",
            "query": Query(text="<x>", words=("xxx",)),
            "sections": [Section("cases", "Perkara", [hit])],
            "found": 1,
        },
    )
    assert "<script>alert" not in html
    assert "<mark>&lt;img src=x&gt;</mark>" in html
    assert "&lt;b&gt;meta&lt;/b&gt;" in html


def test_a_partner_has_no_search(client: Client, persona: Callable[[str], Any]) -> None:
    status, body = search_as(client, persona("metro.mitra.dinsos"), NIK)
    assert status == 403
    assert "hanya untuk petugas" in body
    assert 'class="topbar-search"' not in body
    _status, staff = search_as(client, persona("waykanan.operator"), NIK)
    assert 'class="topbar-search"' in staff


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL, {"q": NIK})
    assert response.status_code == 302
    assert "/masuk/" in response["Location"]
