"""Need-to-know inside one office: every URL pattern, filled with the ids of Way Kanan's records,
walked (GET) as every position kind of Way Kanan. Each record carries its own sentinel name; each
sentinel shows up exactly for the posts the table in `org.access` (KIND_DATA and the unit rule)
lets see it, and does show up there, so that the walk is not blind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from weasyprint import HTML

from alur.complaints.services import complaint_submit
from alur.documents.models import CitizenDocument
from alur.front.tests.walking import paths, readable, tally, walked_routes
from alur.intake.services import application_submit
from alur.intake.tests.conftest import birth_request  # noqa: F401  (a fixture)
from alur.letters.services import LetterInput, letter_create
from alur.letters.tests.conftest import position
from alur.org.access import KIND_DATA, DataClass, posts_held, sees
from alur.org.choices import PositionKind
from alur.org.models import Office, Unit, User
from alur.org.services import appointment_create, position_create
from alur.outreach.inputs import ReferralInput
from alur.outreach.services.referrals import referral_submit
from alur.tte.models import DocumentKind
from alur.tte.services import document_archive

pytestmark = pytest.mark.django_db

# One sentinel per record; each names nobody but the record.
APPLICATION = "Pemohonwati Sentinel"  # an akta kelahiran application (Pencatatan Sipil)
DOCUMENT = "Aktawati Sentinel"  # the signed akta of that case, in the archive
COMPLAINT = "Pengaduwati Sentinel"  # a complaint (S2g: the complaints petugas)
REFERRAL_A = "Alfawati Sentinel"  # a resident referred by partner A (S3: Pendaftaran Penduduk)
REFERRAL_B = "Betawati Sentinel"  # a resident referred by partner B
LETTER = "Suratwati Sentinel"  # a letter of the office (correspondence, no resident)
SENTINELS = (APPLICATION, DOCUMENT, COMPLAINT, REFERRAL_A, REFERRAL_B, LETTER)
CAPIL = {APPLICATION, DOCUMENT}  # handled in the Bidang Pelayanan Pencatatan Sipil
DAFDUK = {REFERRAL_A, REFERRAL_B}  # handled in the Bidang Pelayanan Pendaftaran Penduduk

# Who sees what: the table of org.access applied to these records (asserted against it below).
# The Kabid Pendaftaran Penduduk and the Kasi Kelahiran dan Kematian are on the office's
# answering team (Tim Penjawab Aduan): the complaint is theirs to answer.
SEES: dict[str, tuple[str, set[str]]] = {
    "waykanan.kadis": (PositionKind.KADIS, {*CAPIL, *DAFDUK, COMPLAINT, LETTER}),
    "waykanan.sekretaris": (PositionKind.SEKRETARIS, {LETTER}),
    "waykanan.kabid.dafduk": (PositionKind.KABID, {*DAFDUK, COMPLAINT, LETTER}),  # another bidang
    "waykanan.kasi.capil": (PositionKind.KASI, {*CAPIL, COMPLAINT, LETTER}),  # the handling seksi
    "waykanan.kasi.pindah": (PositionKind.KASI, {*DAFDUK, LETTER}),  # another seksi
    "waykanan.operator.capil": (PositionKind.OPERATOR, {*CAPIL, LETTER}),
    "waykanan.operator": (PositionKind.OPERATOR, {*DAFDUK, LETTER}),
    "waykanan.petugas.capil": (PositionKind.PETUGAS, {*CAPIL, COMPLAINT, LETTER}),
    "waykanan.pengaduan": (PositionKind.PETUGAS, {COMPLAINT, LETTER}),  # Sekretariat
    "nk.pelaksana": (PositionKind.PELAKSANA, {*CAPIL, LETTER}),
    "nk.kasubag": (PositionKind.KASUBAG, {LETTER}),
    "nk.analis": (PositionKind.ANALIS, set()),
    "nk.korwil": (PositionKind.KORWIL, set()),
    "nk.penghubung": (PositionKind.PENGHUBUNG, set()),
    "nk.mitra.a": (PositionKind.MITRA, {REFERRAL_A}),
    "nk.mitra.b": (PositionKind.MITRA, {REFERRAL_B}),
}
# The posts the demo lacks in Way Kanan: (username, kind, unit name or None).
ADDED = (
    ("nk.pelaksana", PositionKind.PELAKSANA, "Seksi Kelahiran dan Kematian"),
    ("nk.kasubag", PositionKind.KASUBAG, "Sekretariat"),
    ("nk.analis", PositionKind.ANALIS, None),
    ("nk.korwil", PositionKind.KORWIL, None),
    ("nk.penghubung", PositionKind.PENGHUBUNG, None),
    ("nk.mitra.a", PositionKind.MITRA, None),
    ("nk.mitra.b", PositionKind.MITRA, None),
)


def _post(office: Office, username: str, kind: str, unit: str | None) -> User:
    user = User.objects.create_user(username=username, password="x", first_name=username)
    post = position_create(
        office=office,
        kind=kind,
        title=f"{kind} {username}",
        unit=Unit.objects.get(office=office, name=unit) if unit else None,
    )
    appointment_create(user=user, position=post, starts_on=date(2020, 1, 1))
    return user


def _refer(office: Office, partner: User, name: str) -> Any:
    return referral_submit(
        office=office,
        data=ReferralInput(
            reporter_name=partner.get_full_name() or partner.username,
            name=name,
            category="odgj",
            nik="1808011203900001" if name == REFERRAL_A else "1808011203900002",
            address=f"Gubuk {name}",
        ),
        actor=partner,
    )


@pytest.fixture
def records(
    office: Callable[[str], Office],
    persona: Callable[[str], User],
    birth_request: dict[str, Any],  # noqa: F811 - the intake tests' fixture, imported above
) -> dict[str, list[str]]:
    """Way Kanan's records, each with its sentinel, and the ids and codes that reach them."""
    waykanan = office("18.08")
    users = {name: _post(waykanan, name, kind, unit) for name, kind, unit in ADDED}
    birth_request["applicant"]["name"] = APPLICATION
    birth_request["fields"]["child_name"] = APPLICATION
    application = application_submit(office=waykanan, channel="counter", **birth_request)
    case = application.case
    now = timezone.now()
    akta = CitizenDocument.objects.create(
        case=case,
        office=waykanan,
        kind="akta_kelahiran",
        data={"child_name": DOCUMENT},
        created_at=now,
        updated_at=now,
    )
    issued = document_archive(
        office=waykanan,
        kind=DocumentKind.AKTA_KELAHIRAN,
        title=f"Kutipan Akta Kelahiran {DOCUMENT}",
        pdf=HTML(string=f"<p>Kutipan akta kelahiran atas nama {DOCUMENT}</p>").write_pdf(),
        number="1808-LT-07122026-0001",
        subject_person=DOCUMENT,
        cause=akta,
        actor=persona("waykanan.kadis"),
    )
    akta.issued = issued
    akta.save(update_fields=["issued"])
    complaint = complaint_submit(
        office=waykanan,
        channel="web",
        reporter_name=COMPLAINT,
        reporter_phone="081234567890",
        text=f"Keluhan {COMPLAINT}",
    )
    referral_a = _refer(waykanan, users["nk.mitra.a"], REFERRAL_A)
    referral_b = _refer(waykanan, users["nk.mitra.b"], REFERRAL_B)
    letter = letter_create(
        office=waykanan,
        actor=persona("waykanan.kasi.dafduk"),
        data=LetterInput(
            kind="surat",
            classification="400.12.2.1",
            subject=f"Undangan {LETTER}",
            body=f"Perihal {LETTER}.",
        ),
        signer=position(waykanan, "kadis"),
    )
    cases = [case, complaint.case, referral_a.case, referral_b.case]
    ids = {
        "task": [pk for c in cases for pk in c.tasks.values_list("pk", flat=True)],
        "attachment": list(application.attachments.values_list("pk", flat=True)),
        "complaint": [complaint.pk],
        "referral": [referral_a.pk, referral_b.pk],
        "letter": [letter.pk],
        "citizen_document": [akta.pk],
        "issued": [issued.pk],
    }
    return {
        **{kind: [str(pk) for pk in pks] for kind, pks in ids.items()},
        "reference": [c.reference for c in cases],
        "code": ["18.08", "S2e", "S2g", "S3"],
        "item": ["ktp_el"],
        "fmt": ["xlsx", "pdf"],
        "kind": ["domisili"],
    }


# Which records a family of pages is about (its first id), by the start of its route; the
# other pages (office, logistics, reports, outbox) hold no record of a resident and get "1".
ABOUT = (
    ("loket/berkas/", "attachment"),
    ("siaga/kunjungan/", ""),
    ("siaga/", "referral"),
    ("pengaduan/", "complaint"),
    ("arsip/", "issued"),
    ("dokumen/tugas/", "task"),
    ("dokumen/", "citizen_document"),
    ("naskah/", "letter"),
    ("perkara/", ""),
    ("tugas/", "task"),
    ("loket/tugas/", "task"),
    ("logistik/tugas/", "task"),
    ("laporan/tugas/", "task"),
)


def _values(route: str, records: dict[str, list[str]]) -> dict[str, list[str]]:
    about = next((kind for prefix, kind in ABOUT if route.startswith(prefix)), "")
    return {**records, "int": records[about] if about else ["1"]}


# The office's audit trail names residents until their values are redacted for retention: it
# is the oversight record of the managers (DataClass.AUDIT_TRAIL), checked on its own.
AUDIT_ROUTE = "kantor/<str:code>/audit/"


def _seen(
    client: Client, values: dict[str, list[str]], poppler: Any, walker: str
) -> dict[str, set[str]]:
    """Each sentinel the person reads, with the pages where it shows (the audit trail apart)."""
    seen: dict[str, set[str]] = {}
    for route, name in walked_routes():
        if route == AUDIT_ROUTE:
            continue
        for path in paths(route, _values(route, values)):
            tally("every post of one office", walker, "get", route)
            text = readable(client.get(path), poppler)
            for sentinel in SENTINELS:
                if sentinel.encode() in text:
                    seen.setdefault(sentinel, set()).add(f"{path} ({name})")
    return seen


def test_the_walk_expects_what_the_table_says() -> None:
    """The expectations follow org.access: personal sentinels only for kinds that see personal
    data, a partner's referral only for kinds that see their own referrals, letters only for
    kinds that see the correspondence."""
    personal = {APPLICATION, DOCUMENT, COMPLAINT}
    for username, (kind, expected) in SEES.items():
        classes = KIND_DATA[kind]
        assert not (expected & personal) or DataClass.PERSONAL in classes, username
        assert not (expected & DAFDUK) or classes & {DataClass.PERSONAL, DataClass.OWN_REFERRALS}
        assert (LETTER in expected) == (DataClass.CORRESPONDENCE in classes), username


def test_every_position_kind_of_an_office_sees_only_what_its_work_needs(
    records: dict[str, list[str]], persona: Callable[[str], User], poppler: Any
) -> None:
    wrong = []
    for username, (kind, expected) in SEES.items():
        user = persona(username)
        assert user.appointments.filter(position__kind=kind).exists(), username
        client = Client(raise_request_exception=False)  # a 500 shows nothing
        client.force_login(user)
        seen = _seen(client, records, poppler, username)
        for sentinel in sorted(set(seen) - expected):
            wrong.append(f"{username} reads {sentinel} at {sorted(seen[sentinel])[:3]}")
        for sentinel in sorted(expected - set(seen)):
            wrong.append(f"{username} never reaches {sentinel}")
        trail = readable(client.get("/kantor/18.08/audit/"), poppler)
        managers = any(sees(post.kind, DataClass.AUDIT_TRAIL) for post in posts_held(user))
        if not managers and any(s.encode() in trail for s in SENTINELS):
            wrong.append(f"{username} reads residents in the audit trail")
        if managers and APPLICATION.encode() not in trail:
            wrong.append(f"{username} never reaches the audit trail")
    assert not wrong, "\n".join(wrong)
