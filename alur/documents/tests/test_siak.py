"""An office whose register of record is SIAK: Alur generates no NIK, No. KK or register number;
the operator records the numbers SIAK issued ("Entri di SIAK"), each checked and refused in
Bahasa Indonesia with nothing kept; the Kadis attaches the PDF SIAK printed (checked, archived
with its SHA-256) to finish the signing step; notices, registers, the weekly counts and the
coverage rollup read the same as in standalone mode."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from alur.core.errors import DomainError
from alur.core.uploads import DEFAULT_MAX_BYTES
from alur.documents import registers
from alur.documents.definitions import EnterRequest, service_for
from alur.documents.issuing import documents_sign
from alur.documents.models import CitizenDocument
from alur.documents.numbering import register_number_take
from alur.documents.services import entry_correct
from alur.documents.siak import entry_run
from alur.documents.siak_output import SiakFile, siak_documents_attach
from alur.documents.tests.entry import home, person
from alur.documents.tests.siak_pdfs import (
    broken_signature,
    changed_after_signing,
    plain_pdf,
    signed_pdf,
)
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.org.models import Office
from alur.org.selectors import holders_of
from alur.outbox.models import OutboundMessage
from alur.registry import rollup
from alur.registry.models import Family, Resident
from alur.registry.numbers import nik_generate, no_kk_generate
from alur.registry.services.families import family_create
from alur.reports.counts import own_counts
from alur.tte.models import IssuedDocument
from alur.tte.signing import sha256_hex
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow.models import Case, Task
from alur.workflow.services import task_complete
from alur.workflow.tests.drive import holder, run_to_end, run_until_step, start

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BORN = TODAY - timedelta(days=5)
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def refused(message: str) -> AbstractContextManager[Any]:
    """The service refuses with `message` (as the person reads it)."""
    return pytest.raises(DomainError, match=re.escape(message))


def to_siak(office: Office) -> None:
    office.registry_backend = "siak"
    office.save(update_fields=["registry_backend"])


def to_standalone(office: Office) -> None:
    office.registry_backend = "standalone"
    office.save(update_fields=["registry_backend"])


def nik_for(born: date, sex: str = "P", district: str = "180801", serial: str = "0001") -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{born:%m%y}{serial}"


def akta_number(serial: str = "0001", region: str = "1808", when: date = TODAY) -> str:
    return f"{region}-LT-{when:%d%m%Y}-{serial}"


def birth_data(family: Family, **extra: Any) -> dict[str, Any]:
    return {
        "no_kk": family.no_kk,
        "name": "Putri",
        "sex": "P",
        "birth_place": "Blambangan Umpu",
        "birth_date": BORN,
        "applied_on": TODAY,
        "mother_name": "Ibu",
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
        "siak_nik": nik_for(BORN),
        "siak_register_number": akta_number(),
        "siak_entered_on": TODAY,
    } | extra


def birth_case() -> tuple[Task, Any, Family]:
    """An S2e case at its entry step (step 6) in an office on SIAK, with the parents' KK (made
    before the office moved to SIAK)."""
    task = run_until_step(start("S2e"), 6)
    operator = holder(task)
    office = task.case.office
    to_standalone(office)
    father = person(office, operator, "Ayah")
    family = family_create(office=office, head=father, home=home(office), actor=operator)
    to_siak(office)
    return task, operator, family


def enter(task: Task, actor: Any, data: dict[str, Any]) -> Case:
    task_complete(task=task, actor=actor, outcome="done", data=data)
    return Case.objects.get(pk=task.case_id)


# --- the generators -------------------------------------------------------------------------


def test_alur_generates_no_number_for_an_office_on_siak() -> None:
    office = Office.objects.get(code="18.08")
    assert len(nik_generate(kecamatan_code="18.08.01", birth_date=BORN, sex="P", office=office))
    assert len(no_kk_generate(region_code="18.08.01", issued_on=TODAY, office=office)) == 16
    to_siak(office)
    with refused("NIK diterbitkan oleh SIAK, bukan oleh Alur"):
        nik_generate(kecamatan_code="18.08.01", birth_date=BORN, sex="P", office=office)
    with refused("No. KK diterbitkan oleh SIAK"):
        no_kk_generate(region_code="18.08.01", issued_on=TODAY, office=office)
    with refused("diterbitkan oleh SIAK"):
        person(office, None, "Tanpa NIK")  # a registration without the NIK SIAK issued
    task, _operator, _family = birth_case()
    document = CitizenDocument.objects.create(
        case=task.case,
        office=task.case.office,
        kind="akta_kelahiran",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    with pytest.raises(
        DomainError, match="Nomor register Kutipan akta kelahiran dari SIAK belum dicatat"
    ):
        register_number_take(document)
    document.refresh_from_db()
    assert document.register_serial is None and document.register_number == ""


# --- S2e: Entri di SIAK ---------------------------------------------------------------------


def test_birth_entry_refuses_each_wrong_siak_number_and_keeps_nothing() -> None:
    task, operator, family = birth_case()
    office = task.case.office
    to_standalone(office)
    twin = person(office, operator, "Kembar", sex="P", born=BORN)  # holds nik_for(BORN) itself
    to_siak(office)
    other_case = start("S2e")
    CitizenDocument.objects.create(
        case=other_case,
        office=office,
        kind="akta_kelahiran",
        register_number=akta_number("0009"),
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    free = nik_for(BORN, serial="0002")
    residents = Resident.objects.count()
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"siak_nik": ""}, "Isi NIK anak yang diterbitkan SIAK"),
        ({"siak_nik": free.translate(ARABIC)}, "angka biasa 0–9"),
        ({"siak_nik": free[:15]}, "16 angka"),
        ({"siak_nik": nik_for(BORN, district="180802")}, "kode kecamatan 18.08.02"),
        ({"siak_nik": nik_for(BORN, district="187201")}, "kode kabupaten/kota 18.72"),
        ({"siak_nik": nik_for(BORN - timedelta(days=1), serial="0002")}, "Tanggal lahir pada NIK"),
        ({"siak_nik": nik_for(BORN, sex="L", serial="0002")}, "Jenis kelamin pada NIK"),
        ({"siak_nik": twin.nik}, "sudah terdaftar atas nama KEMBAR"),
        ({"siak_register_number": ""}, "Isi nomor register Kutipan akta kelahiran"),
        ({"siak_register_number": "LT-1808-0001"}, "tidak sesuai format SIAK"),
        ({"siak_register_number": akta_number().translate(ARABIC)}, "angka biasa 0–9"),
        ({"siak_register_number": akta_number(region="1872")}, "memuat kode wilayah 1872"),
        ({"siak_register_number": akta_number(when=TODAY + timedelta(2))}, "belum tiba"),
        ({"siak_register_number": "1808-LT-31022026-0001"}, "bukan tanggal yang ada"),
        ({"siak_register_number": akta_number("0000")}, "tidak boleh 0"),
        ({"siak_register_number": akta_number("0009")}, f"perkara {other_case.reference}"),
        ({"siak_entered_on": TODAY + timedelta(days=1)}, "tidak boleh di masa depan"),
        ({"siak_entered_on": TODAY - timedelta(days=400)}, "sebelum permohonan diterima"),
    ]
    for change, message in refusals:
        with refused(message):
            enter(task, operator, birth_data(family, siak_nik=free) | change)
        assert Resident.objects.count() == residents, change
        assert not CitizenDocument.objects.filter(case=task.case).exists(), change
    case = enter(task, operator, birth_data(family, siak_nik=free))
    akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
    assert akta.resident.nik == free and akta.register_number == akta_number()
    assert family.members.filter(resident=akta.resident, until__isnull=True).exists()
    siak = akta.data["siak"]
    assert siak["entered_on"] == TODAY.isoformat() and siak["nik"] == free
    assert siak["entered_by"] == (operator.get_full_name() or operator.username)
    assert akta.printed_at is not None  # step 6 prints it for the register, with SIAK's number


def test_a_mistyped_siak_nik_is_corrected_at_the_entry_step_and_checked_again() -> None:
    task, operator, family = birth_case()
    case = Case.objects.get(pk=task.case_id)
    service = service_for("S2e")
    assert service is not None
    entry_run(service, EnterRequest(case=case, actor=operator, data=birth_data(family)))
    child = CitizenDocument.objects.get(case=case, kind="akta_kelahiran").resident
    other = nik_for(BORN, district="180802")
    with refused("kode kecamatan 18.08.02"):
        entry_correct(case=case, actor=operator, data=birth_data(family, siak_nik=other))
    right = nik_for(BORN, serial="0003")
    entry_correct(case=case, actor=operator, data=birth_data(family, siak_nik=right))
    child.refresh_from_db()
    akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
    assert child.nik == right and akta.data["siak"]["nik"] == right and akta.data["version"] == 2
    assert Resident.objects.filter(name="PUTRI").count() == 1  # the same child, one NIK


def test_the_entry_form_on_siak_keeps_what_was_typed_on_an_error(client) -> None:
    task, operator, family = birth_case()
    client.force_login(operator)
    page = client.get(f"/perkara/{task.case.reference}/")
    body = page.content.decode()
    assert "Entri di SIAK" in body and "NIK anak dari SIAK" in body
    assert "Nomor akta kelahiran dari SIAK" in body and "Tanggal entri di SIAK" in body
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in birth_data(family).items()}
    typed = nik_for(BORN, district="180802")
    data |= {"siak_nik": typed, "birth_order": "1", "marital_status": "belum_kawin"}
    answer = client.post(f"/tugas/{task.pk}/selesai/", data, follow=True)
    body = answer.content.decode()
    assert "kode kecamatan 18.08.02" in body
    assert f'value="{typed}"' in body and f'value="{akta_number()}"' in body
    assert not CitizenDocument.objects.filter(case=task.case).exists()


# --- S2e: the PDF SIAK printed --------------------------------------------------------------


def attach(
    case: Case, actor: Any, pdf: bytes, kind: str = "akta_kelahiran", name: str = "siak.pdf"
) -> None:
    siak_documents_attach(
        case=case, actor=actor, files={kind: SiakFile(pdf, "application/pdf", name)}
    )


def birth_at_signing() -> tuple[Case, Task, Any]:
    task, operator, family = birth_case()
    case = enter(task, operator, birth_data(family))
    sign = run_until_step(case, 9)
    return case, sign, holder(sign)


def test_the_kadis_attaches_the_signed_siak_pdf_and_each_wrong_one_is_refused(client) -> None:
    case, sign, kadis = birth_at_signing()
    number = akta_number()
    good = signed_pdf("KUTIPAN AKTA KELAHIRAN", f"Nomor: {number}", "PUTRI")
    archived = IssuedDocument.objects.count()
    refusals = [
        (b"bukan pdf sama sekali", "bukan PDF atau gambar yang sah"),
        (samples.png(), "isinya gambar PNG"),
        (plain_pdf(f"Nomor: {number}"), "tidak bertanda tangan elektronik"),
        (signed_pdf("Nomor: 1808-LT-01012020-0001"), f"nomor {number} yang dicatat"),
        (changed_after_signing(good), "tidak utuh atau tidak sah"),
        (broken_signature(good), "tidak utuh atau tidak sah"),
        (good + b"%" + b"0" * DEFAULT_MAX_BYTES, "terlalu besar"),
    ]
    for pdf, message in refusals:
        with refused(message):
            attach(case, kadis, pdf)
        akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
        assert akta.signed_at is None and akta.issued_id is None
        assert IssuedDocument.objects.count() == archived
        assert case.tasks.get(pk=sign.pk).status in ("open", "claimed")
    with refused("harus PDF yang dicetak dari SIAK"):
        attach(case, kadis, samples.png(), name="akta.png")
    operator = holder(case.tasks.get(step=6))
    with refused("belum sampai kepada Anda"):
        attach(case, operator, good)  # the SOP's step 9 is the Kadis's
    certificate_for(kadis)
    with refused("ditandatangani Kepala Dinas (TTE) di SIAK"):
        documents_sign(case=case, actor=kadis, passphrase=PASSPHRASE, base_url="https://a.test/")
    assert IssuedDocument.objects.count() == archived
    assert CitizenDocument.objects.get(case=case, kind="akta_kelahiran").register_number == number
    attach(case, kadis, good)
    akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
    assert akta.issued is not None and akta.issued.sha256 == sha256_hex(good)
    assert akta.issued.file.open("rb").read() == good and akta.issued.number == number
    assert akta.data["siak"]["pdf"]["sha256"] == sha256_hex(good)
    assert akta.resident.birth_certificate_no == number
    assert case.tasks.get(pk=sign.pk).status == "done"
    page = client.get(f"/verifikasi/{akta.issued.verify_code}/")
    shown = page.content.decode().replace("<wbr>", "")
    assert page.status_code == 200 and number in shown and sha256_hex(good) in shown
    client.force_login(kadis)
    download = client.get(f"/dokumen/{akta.pk}/berkas/")
    assert b"".join(download.streaming_content) == good
    archive = client.get("/arsip/", {"q": number}).content.decode()
    assert number in archive and akta.issued.verify_code in archive


def test_a_siak_pdf_is_refused_where_alur_signs_itself() -> None:
    case = start("S2e")
    to_standalone(case.office)
    kadis = next(u for u in holders_of(case.office, "kadis"))
    with refused("Kantor ini menandatangani dokumen di Alur"):
        attach(case, kadis, signed_pdf(f"Nomor: {akta_number()}"))
    assert not IssuedDocument.objects.filter(office=case.office).exists()


def test_a_siak_case_reads_the_same_in_notices_registers_counts_and_coverage() -> None:
    office = Office.objects.get(code="18.08")
    application = application_submit(
        office=office,
        channel="counter",
        service_code="S2e",
        applicant={"name": "Siti Aminah", "nik": "1808011708900001", "phone": "081234567890"},
        fields={
            "child_name": "Putri",
            "child_birth_date": BORN.isoformat(),
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
    task = run_until_step(case, 6)
    operator = holder(task)
    father = person(office, operator, "Ayah")
    family = family_create(office=office, head=father, home=home(office), actor=operator)
    before = sum(n for key, n in rollup.counts([office.pk]).items() if key[5])
    to_siak(office)
    enter(task, operator, birth_data(family))
    sign = run_until_step(case, 9)
    number = akta_number()
    attach(case, holder(sign), signed_pdf("KUTIPAN AKTA KELAHIRAN", f"Nomor: {number}"))
    case = run_to_end(case)
    assert case.status == "done"
    notice = OutboundMessage.objects.get(dedupe_key=f"case-notice:{case.reference}:done")
    assert "sudah selesai dan dapat diambil" in notice.payload["body"]
    rows = registers.register_rows(
        office=office, kind="akta_kelahiran", year=TODAY.year, month=TODAY.month
    )
    assert [(r.number, r.name) for r in rows] == [(number, "PUTRI")]
    assert own_counts(office, TODAY, TODAY, ["akta_lahir"]) == {"akta_lahir": 1}
    after = sum(n for key, n in rollup.counts([office.pk]).items() if key[5])
    assert after == before + 1  # the child now counts as holding an akta kelahiran


# --- S2a: KK baru ---------------------------------------------------------------------------


def kk_number(district: str = "180801", when: date = TODAY, serial: str = "0777") -> str:
    return f"{district}{when:%d%m%y}{serial}"


def test_a_new_kk_takes_the_no_kk_siak_issued_checked_and_its_siak_pdf() -> None:
    task = run_until_step(start("S2a"), 2)
    operator = holder(task)
    office = task.case.office
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    existing = family_create(
        office=office, head=person(office, operator, "Lain"), home=home(office), actor=operator
    )
    to_siak(office)
    data = {
        "head_nik": head.nik,
        "members": f"{wife.nik} istri",
        "address": "Jl. Uji No. 1",
        "district_code": "18.08.01",
        "siak_entered_on": TODAY,
    }
    families = Family.objects.count()
    refusals = [
        ({}, "No. KK diterbitkan oleh SIAK"),
        ({"siak_no_kk": kk_number().translate(ARABIC)}, "angka biasa 0–9"),
        ({"siak_no_kk": kk_number(district="180802")}, "kode kecamatan 18.08.02"),
        ({"siak_no_kk": kk_number(district="197101")}, "kode kabupaten/kota 19.71"),
        ({"siak_no_kk": kk_number(when=TODAY + timedelta(days=3))}, "sebelum permohonan"),
        ({"siak_no_kk": kk_number(when=TODAY - timedelta(days=40))}, "sebelum permohonan"),
        ({"siak_no_kk": kk_number(serial="0000")}, "tidak boleh 0000"),
        ({"siak_no_kk": existing.no_kk}, "sudah terdaftar untuk keluarga LAIN"),
        ({"siak_no_kk": kk_number(), "no_kk": existing.no_kk}, "hanya untuk KK baru"),
    ]
    for change, message in refusals:
        with refused(message):
            enter(task, operator, data | change)
        assert Family.objects.count() == families, change
        assert not CitizenDocument.objects.filter(case=task.case).exists(), change
    case = enter(task, operator, data | {"siak_no_kk": kk_number()})
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    assert kk.family.no_kk == kk_number() and kk.register_number == kk_number()
    assert kk.data["siak"]["no_kk"] == kk_number()
    sign = run_until_step(case, 5)
    kadis = holder(sign)
    with refused(f"nomor {kk_number()} yang dicatat"):
        attach(case, kadis, signed_pdf("KARTU KELUARGA", "No. 1808010101010001"), "kk")
    pdf = signed_pdf("KARTU KELUARGA", f"No. {kk_number()}", "KEPALA")
    attach(case, kadis, pdf, "kk")
    kk.refresh_from_db()
    assert kk.issued.sha256 == sha256_hex(pdf) and kk.status_label == "Ditandatangani di SIAK"
    case = run_to_end(case)
    assert case.status == "done" and kk.issued.number == kk_number()
    kk.refresh_from_db()
    assert kk.archived_at is not None  # S2a's archive step works on the attached PDF


# --- S2b: SKPWNI ----------------------------------------------------------------------------


def test_an_skpwni_takes_the_register_number_siak_issued_and_its_siak_pdf() -> None:
    task = run_until_step(start("S2b"), 2)
    operator = holder(task)
    office = task.case.office
    mover = person(office, operator, "Pindah")
    to_siak(office)
    number = f"SKPWNI/1808/{TODAY:%d%m%Y}/0042"
    data = {
        "niks": mover.nik,
        "destination_code": "18.71",
        "destination_address": "Jl. Tujuan No. 2, Bandar Lampung",
        "reason": "Pekerjaan",
        "moved_on": TODAY,
        "siak_entered_on": TODAY,
    }
    for change, message in [
        ({}, "Isi nomor register SKPWNI"),
        ({"siak_register_number": "SKPWNI/1808/0042"}, "tidak sesuai format SIAK"),
        ({"siak_register_number": f"SKPWNI/1872/{TODAY:%d%m%Y}/0042"}, "kode wilayah 1872"),
    ]:
        with refused(message):
            enter(task, operator, data | change)
        mover.refresh_from_db()
        assert mover.status == "alive" and not CitizenDocument.objects.filter(case=task.case)
    case = enter(task, operator, data | {"siak_register_number": number.lower()})
    skpwni = CitizenDocument.objects.get(case=case, kind="skpwni")
    assert skpwni.register_number == number
    sign = run_until_step(case, 5)
    with refused("tidak bertanda tangan"):
        attach(case, holder(sign), plain_pdf(number), "skpwni")
    pdf = signed_pdf("SURAT KETERANGAN PINDAH WNI", f"Nomor: {number}")
    attach(case, holder(sign), pdf, "skpwni")
    skpwni.refresh_from_db()
    assert skpwni.issued.sha256 == sha256_hex(pdf) and skpwni.issued.number == number


# --- S3: Dukcapil Siaga (KK and KTP-el, handed over) ----------------------------------------


def test_an_outreach_case_on_siak_records_siak_s_nik_and_no_kk_and_hands_over_its_siak_kk() -> None:
    from alur.outreach.tests.drivers import enter_data

    task = run_until_step(start("S3"), 4)
    operator = holder(task)
    office = task.case.office
    to_siak(office)
    data = enter_data(task.case, operator) | {"siak_entered_on": TODAY}
    born = data["birth_date"]
    nik = nik_for(born, sex=data["sex"], district="187201", serial="0555")
    no_kk = kk_number(district="187201")
    with refused("NIK diterbitkan oleh SIAK"):
        enter(task, operator, data | {"siak_no_kk": no_kk})
    with refused("No. KK diterbitkan oleh SIAK"):
        enter(task, operator, data | {"nik": nik})
    case = enter(task, operator, data | {"nik": nik, "siak_no_kk": no_kk})
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    assert kk.family.no_kk == no_kk and kk.family.head.nik == nik
    sign = run_until_step(case, 6)
    pdf = signed_pdf("KARTU KELUARGA", f"No. {no_kk}")
    attach(case, holder(sign), pdf, "kk")
    case = run_to_end(case)
    kk.refresh_from_db()
    assert case.status == "done" and kk.issued.sha256 == sha256_hex(pdf)
    assert kk.handed_over_at is not None and kk.signed_at is not None


# --- S2f: akta kematian and the updated KK, two SIAK prints ---------------------------------


def test_a_death_on_siak_takes_the_akta_number_and_both_siak_prints() -> None:
    task = run_until_step(start("S2f"), 6)
    operator = holder(task)
    office = task.case.office
    to_standalone(office)
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    family = family_create(
        office=office, head=head, home=home(office), members=[(wife, "istri")], actor=operator
    )
    to_siak(office)
    number = f"1808-KM-{TODAY:%d%m%Y}-0031"
    data = {
        "nik": wife.nik,
        "died_on": TODAY - timedelta(days=2),
        "death_place": "Rumah",
        "reporter_name": "Pelapor",
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
        "siak_entered_on": TODAY,
    }
    with refused("tidak sesuai format SIAK (1808-KM-DDMMYYYY-NNNN)"):
        enter(task, operator, data | {"siak_register_number": akta_number()})
    wife.refresh_from_db()
    assert wife.status == "alive"
    case = enter(task, operator, data | {"siak_register_number": number})
    documents = {d.kind: d for d in CitizenDocument.objects.filter(case=case)}
    assert documents["akta_kematian"].register_number == number
    assert documents["kk"].register_number == family.no_kk  # the updated KK keeps its number
    sign = run_until_step(case, 9)
    kadis = holder(sign)
    akta_pdf = signed_pdf("KUTIPAN AKTA KEMATIAN", f"Nomor: {number}")
    with refused("Lampirkan Kartu Keluarga yang dicetak dari SIAK"):
        attach(case, kadis, akta_pdf, "akta_kematian")
    assert not CitizenDocument.objects.filter(case=case, issued__isnull=False).exists()
    kk_pdf = signed_pdf("KARTU KELUARGA", f"No. {family.no_kk}")
    siak_documents_attach(
        case=case,
        actor=kadis,
        files={
            "akta_kematian": SiakFile(akta_pdf, "application/pdf", "akta.pdf"),
            "kk": SiakFile(kk_pdf, "application/pdf", "kk.pdf"),
        },
    )
    wife.refresh_from_db()
    assert wife.death_certificate_no == number
    issued = {d.kind: d.issued.sha256 for d in CitizenDocument.objects.filter(case=case)}
    assert issued == {"akta_kematian": sha256_hex(akta_pdf), "kk": sha256_hex(kk_pdf)}
    assert own_counts(office, TODAY, TODAY, ["akta_mati", "kk"]) == {"akta_mati": 1, "kk": 1}


def test_the_database_holds_a_siak_register_number_to_one_document() -> None:
    from django.db import IntegrityError, transaction

    first, second = start("S2e"), start("S2e")
    now = timezone.now()

    def document(case: Case, kind: str, number: str) -> CitizenDocument:
        return CitizenDocument.objects.create(
            case=case,
            office=case.office,
            kind=kind,
            register_number=number,
            created_at=now,
            updated_at=now,
        )

    document(first, "akta_kelahiran", akta_number("0077"))
    with pytest.raises(IntegrityError), transaction.atomic():
        document(second, "akta_kelahiran", akta_number("0077"))
    document(first, "kk", "1808010101200001")  # every version of a KK carries its No. KK
    document(second, "kk", "1808010101200001")
    assert CitizenDocument.objects.filter(register_number="1808010101200001").count() == 2
