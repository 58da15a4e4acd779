"""The document services' data entry with real data: its refusals (in Bahasa Indonesia), the
registry changes, corrections as new versions, the PDFs of each layout, the register book and
the issuance counts."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from alur.core.errors import ConflictError, DomainError, ValidationError
from alur.documents import registers
from alur.documents.models import CitizenDocument
from alur.documents.render import document_pdf
from alur.documents.services import entry_correct
from alur.documents.tests.entry import home, person
from alur.intake.services import application_submit
from alur.intake.tests import samples
from alur.org.models import Office
from alur.registry.choices import ResidentStatus
from alur.registry.models import Family, Resident
from alur.registry.services.events import death_record
from alur.registry.services.families import family_create
from alur.reports.counts import own_counts
from alur.workflow.models import Case, Task
from alur.workflow.services import task_complete
from alur.workflow.tests.drive import holder, run_until_step, start

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def entry_task(code: str) -> tuple[Task, Any]:
    number = {"S2a": 2, "S2b": 2, "S2e": 6, "S2f": 6}[code]
    task = run_until_step(start(code), number)
    return task, holder(task)


def enter(task: Task, actor: Any, data: dict[str, Any]) -> Case:
    task_complete(task=task, actor=actor, outcome="done", data=data)
    return task.case


def send_back(case: Case, step: int, to: int) -> Task:
    """The reviewer of `step` returns the case to step `to` (Perbaikan); the reopened task."""
    review = case.tasks.get(step=step, status="open")
    task_complete(
        task=review, actor=holder(review), outcome="return", return_to=to, reason="Perbaikan."
    )
    return case.tasks.get(step=to, status__in=("open", "claimed"))


def family_data(head: Resident, members: str, **extra: str) -> dict[str, Any]:
    return {
        "head_nik": head.nik,
        "members": members,
        "address": "Jl. Uji No. 1",
        "district_code": "18.08.01",
    } | extra


def current(family: Family) -> set[str]:
    return set(family.members.filter(until__isnull=True).values_list("resident__nik", flat=True))


# --- S2a ------------------------------------------------------------------------------------


def test_kk_members_listed_twice_or_without_relation_are_refused() -> None:
    task, operator = entry_task("S2a")
    office = task.case.office
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    with pytest.raises(DomainError, match="tercantum dua kali dalam daftar anggota KK"):
        enter(task, operator, family_data(head, f"{wife.nik} istri\n{wife.nik} anak"))
    with pytest.raises(DomainError, match="tercantum dua kali"):
        enter(task, operator, family_data(head, f"{head.nik} anak"))
    with pytest.raises(DomainError, match="tulis NIK lalu hubungan"):
        enter(task, operator, family_data(head, f"{wife.nik} sepupu jauh"))


def test_a_new_kk_is_corrected_by_the_operator_as_a_new_version() -> None:
    task, operator = entry_task("S2a")
    office = task.case.office
    head = person(office, operator, "Kepala")
    wife = person(office, operator, "Istri", sex="P")
    child = person(office, operator, "Anak", born=TODAY - timedelta(days=400))
    case = enter(task, operator, family_data(head, f"{wife.nik} istri\n{child.nik} Anak"))
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    assert current(kk.family) == {head.nik, wife.nik, child.nik} and kk.data["version"] == 1
    # The Kasi's correction: the child belongs to another KK; the Kasi sends it back
    # (Perbaikan) and the operator corrects the entry.
    send_back(case, 3, 2)
    entry_correct(case=case, actor=operator, data=family_data(head, f"{wife.nik} istri"))
    kk.refresh_from_db()
    kk.family.refresh_from_db()
    assert current(kk.family) == {head.nik, wife.nik}
    assert kk.data["version"] == 2 and kk.family.version == 2
    assert kk.data["entry"]["members"] == f"{wife.nik} istri"
    with pytest.raises(DomainError, match="tidak dapat diganti"):
        entry_correct(case=case, actor=operator, data=family_data(wife, ""))


def test_an_existing_kk_is_changed_with_a_reason() -> None:
    task, operator = entry_task("S2a")
    office = task.case.office
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    family = family_create(office=office, head=head, home=home(office), actor=operator)
    data = family_data(head, f"{wife.nik} istri", no_kk=family.no_kk)
    with pytest.raises(DomainError, match="alasan perubahan KK"):
        enter(task, operator, data)
    enter(task, operator, data | {"change_reason": "Menikah"})
    family.refresh_from_db()
    assert current(family) == {head.nik, wife.nik} and family.version == 2


# --- S2b ------------------------------------------------------------------------------------


def move_data(*niks: str, destination: str = "18.71") -> dict[str, Any]:
    return {
        "niks": "\n".join(niks),
        "destination_code": destination,
        "destination_address": "Jl. Tujuan 2",
        "reason": "Pekerjaan",
        "moved_on": TODAY,
    }


def test_skpwni_refuses_the_same_regency_and_a_mover_twice() -> None:
    task, operator = entry_task("S2b")
    mover = person(task.case.office, operator, "Pindah")
    with pytest.raises(DomainError, match="kabupaten/kota yang sama"):
        enter(task, operator, move_data(mover.nik, destination="18.08.01"))
    with pytest.raises(DomainError, match="dua kali dalam daftar yang pindah"):
        enter(task, operator, move_data(mover.nik, mover.nik))


def test_skpwni_marks_the_movers_and_a_correction_gives_back_the_wrong_one() -> None:
    task, operator = entry_task("S2b")
    office = task.case.office
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    family = family_create(
        office=office, head=head, home=home(office), members=[(wife, "istri")], actor=operator
    )
    case = enter(task, operator, move_data(head.nik, wife.nik))
    head.refresh_from_db()
    assert head.status == ResidentStatus.MOVED_OUT and current(family) == set()
    send_back(case, 3, 2)
    entry_correct(case=case, actor=operator, data=move_data(wife.nik))
    head.refresh_from_db()
    wife.refresh_from_db()
    assert head.status == ResidentStatus.ALIVE and current(family) == {head.nik}
    assert wife.status == ResidentStatus.MOVED_OUT
    document = CitizenDocument.objects.get(case=case, kind="skpwni")
    assert document.data["version"] == 2 and document.data["movers_nik"] == [wife.nik]
    assert document.data["origin"]["no_kk"] == family.no_kk
    assert document.data["classification"] == "Antar kabupaten/kota dalam satu provinsi"


# --- S2e ------------------------------------------------------------------------------------


def birth_data(family: Family, **extra: Any) -> dict[str, Any]:
    return {
        "no_kk": family.no_kk,
        "name": "Putri",
        "sex": "P",
        "birth_place": "Blambangan Umpu",
        "birth_date": TODAY - timedelta(days=5),
        "applied_on": TODAY,
        "mother_name": "Ibu",
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
    } | extra


def test_birth_refusals_and_the_child_joins_the_family_with_parents_from_it() -> None:
    task, operator = entry_task("S2e")
    office = task.case.office
    father, mother = person(office, operator, "Ayah"), person(office, operator, "Ibu", sex="P")
    stranger = person(office, operator, "Orang Lain")
    family = family_create(
        office=office, head=father, home=home(office), members=[(mother, "istri")], actor=operator
    )
    late = birth_data(family, birth_date=TODAY - timedelta(days=1), applied_on=TODAY - timedelta(2))
    with pytest.raises(DomainError, match="tidak boleh sesudah tanggal permohonan"):
        enter(task, operator, late)
    with pytest.raises(DomainError, match="tidak tercatat dalam KK"):
        enter(task, operator, birth_data(family, father_nik=stranger.nik))
    with pytest.raises(DomainError, match="dua orang saksi"):
        enter(task, operator, birth_data(family, witness_2=""))
    case = enter(task, operator, birth_data(family, father_nik=father.nik, mother_nik=mother.nik))
    akta = CitizenDocument.objects.get(case=case, kind="akta_kelahiran")
    assert akta.resident.nik in current(family)
    assert akta.resident.father_name == father.name and akta.data["mother"]["nik"] == mother.nik


def test_a_birth_entry_is_corrected_before_printing_and_refused_after() -> None:
    task, operator = entry_task("S2e")
    office = task.case.office
    father = person(office, operator, "Ayah")
    family = family_create(office=office, head=father, home=home(office), actor=operator)
    case = Case.objects.get(pk=task.case_id)
    akta = CitizenDocument
    # documents.enter and documents.print are one step: enter, then correct before signing.
    from alur.documents.definitions import EnterRequest
    from alur.documents.enter import enter_birth

    with_transaction = birth_data(family)
    enter_birth(EnterRequest(case=case, actor=operator, data=with_transaction))
    entry_correct(case=case, actor=operator, data=birth_data(family, name="Putri Ayu"))
    document = akta.objects.get(case=case, kind="akta_kelahiran")
    assert document.resident.name == "PUTRI AYU" and document.data["version"] == 2
    assert Resident.objects.filter(name__startswith="PUTRI").count() == 1  # one child, one NIK
    document.printed_at = timezone.now()  # printed for the register: still correctable
    document.save()
    entry_correct(case=case, actor=operator, data=birth_data(family, name="Putri Ayu Lestari"))
    document.signed_at = timezone.now()
    document.save()
    with pytest.raises(ConflictError, match="tidak dapat diubah lagi"):
        entry_correct(case=case, actor=operator, data=birth_data(family))


# --- S2f ------------------------------------------------------------------------------------


def death_data(nik: str, **extra: Any) -> dict[str, Any]:
    return {
        "nik": nik,
        "died_on": TODAY - timedelta(days=2),
        "death_place": "Rumah",
        "reporter_name": "Pelapor",
        "witness_1": "Saksi Satu",
        "witness_2": "Saksi Dua",
    } | extra


def test_a_death_updates_the_kk_and_refuses_someone_already_dead() -> None:
    task, operator = entry_task("S2f")
    office = task.case.office
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    family = family_create(
        office=office, head=head, home=home(office), members=[(wife, "istri")], actor=operator
    )
    death_record(resident=person(office, operator, "Lama"), died_on=TODAY, actor=None)
    dead = Resident.objects.get(name="LAMA")
    with pytest.raises(DomainError, match="sudah tercatat meninggal"):
        enter(task, operator, death_data(dead.nik))
    with pytest.raises(DomainError, match="NIK pelapor"):
        enter(task, operator, death_data(wife.nik, reporter_nik="12345"))
    case = enter(task, operator, death_data(wife.nik))
    kinds = set(CitizenDocument.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"akta_kematian", "kk"}  # "3 in 1": the akta and the updated KK
    family.refresh_from_db()
    assert current(family) == {head.nik} and family.version == 2
    # Entered and printed at step 6: no step of S2f sends it back, so it stays as entered.
    with pytest.raises(DomainError, match="kembalikan langkah Anda"):
        entry_correct(case=case, actor=operator, data=death_data(wife.nik, died_on=TODAY))
    wife.refresh_from_db()
    assert wife.died_on == TODAY - timedelta(days=2)
    document = CitizenDocument.objects.get(case=case, kind="akta_kematian")
    assert document.data["version"] == 1 and document.register_number


# --- S2c, S2d: the card's checks; a photo that is not an image ------------------------------


def test_ktp_el_replacement_needs_its_reason_and_kia_a_photo_over_five(persona) -> None:
    from alur.documents.tests.drivers import stock_up

    task = run_until_step(start("S2c"), 2)
    operator = holder(task)
    owner = person(task.case.office, operator, "Pemilik", biometrics=True)
    stock_up(task.case.office, "ktp_el")
    data = {"nik": owner.nik, "serials": {"ktp_el": "KTP-1"}}
    with pytest.raises(DomainError, match="alasan penggantian KTP-el"):
        task_complete(task=task, actor=operator, outcome="done", data=data)
    task = run_until_step(start("S2d"), 4)
    child = person(task.case.office, operator, "Anak", born=TODAY - timedelta(days=6 * 366))
    data = {"nik": child.nik, "serials": {"kia": "KIA-1"}}
    with pytest.raises(DomainError, match="pas foto berwarna anak wajib"):
        task_complete(task=task, actor=holder(task), outcome="done", data=data)
    teen = person(task.case.office, operator, "Remaja", born=TODAY - timedelta(days=18 * 366))
    with pytest.raises(DomainError, match="KIA hanya untuk anak di bawah 17 tahun"):
        task_complete(task=task, actor=holder(task), outcome="done", data=data | {"nik": teen.nik})


def test_a_kia_photo_that_is_not_an_image_is_refused() -> None:
    files = [
        (key, samples.pdf(), "application/pdf", f"{key}.pdf")
        for key in ("birth_certificate", "kk", "parents_ktp", "photo")
    ]
    with pytest.raises(ValidationError) as refused:
        application_submit(
            office=Office.objects.get(code="18.08"),
            service_code="S2d",
            channel="counter",
            applicant={"name": "Siti", "nik": "1808015503950001", "phone": "081234567890"},
            fields={
                "child_name": "Putri",
                "child_nik": "1808014501190001",
                "child_birth_date": "2019-01-05",
            },
            files=files,
        )
    problems = refused.value.message_dict
    assert list(problems) == ["file_photo"] and "gambar" in " ".join(problems["file_photo"])


# --- outputs, register book, counts ---------------------------------------------------------


def text_of(pdf: bytes, poppler: Callable[[str], str]) -> str:
    return subprocess.run(
        [poppler("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_each_paper_document_has_its_own_layout(poppler) -> None:
    task, operator = entry_task("S2f")
    office = task.case.office
    head, wife = person(office, operator, "Kepala"), person(office, operator, "Istri", sex="P")
    family_create(
        office=office, head=head, home=home(office), members=[(wife, "istri")], actor=operator
    )
    case = enter(task, operator, death_data(wife.nik))
    death = text_of(document_pdf(case.citizen_documents.get(kind="akta_kematian")).pdf, poppler)
    assert "KUTIPAN AKTA KEMATIAN" in death and "telah meninggal dunia" in death
    assert "ISTRI" in death and "KONSEP" in death
    kk = text_of(document_pdf(case.citizen_documents.get(kind="kk")).pdf, poppler)
    assert "KARTU KELUARGA" in kk and "KEPALA" in kk and "ISTRI" not in kk
    task, operator = entry_task("S2e")
    family = family_create(
        office=office, head=person(office, operator, "Ayah"), home=home(office), actor=operator
    )
    case = enter(task, operator, birth_data(family, birth_order=2))
    birth = text_of(document_pdf(case.citizen_documents.get(kind="akta_kelahiran")).pdf, poppler)
    assert "KUTIPAN AKTA KELAHIRAN" in birth and "telah lahir" in birth and "DUA" in birth
    task, operator = entry_task("S2b")
    case = enter(task, operator, move_data(person(office, operator, "Pindah").nik))
    move = text_of(document_pdf(case.citizen_documents.get(kind="skpwni")).pdf, poppler)
    assert "SURAT KETERANGAN PINDAH" in move and "DATA DAERAH ASAL" in move
    assert "DATA KEPINDAHAN" in move and "PINDAH" in move


def issued(kind: str, code: str, when: Any, serial: int) -> CitizenDocument:
    case = start(code)
    office = case.office
    resident = person(office, None, f"Orang {serial}")
    return CitizenDocument.objects.create(
        case=case,
        office=office,
        kind=kind,
        resident=resident,
        created_at=when,
        updated_at=when,
        signed_at=when if kind != "kia" else None,
        printed_at=when,
        register_year=when.year,
        register_serial=serial,
        register_number=f"1808-LT-{when:%d%m%Y}-{serial:04d}" if kind != "kia" else "",
        card_serial=f"KIA-{serial}" if kind == "kia" else "",
    )


def test_the_register_book_as_pdf_and_excel_and_the_counts(poppler, client, persona) -> None:
    from openpyxl import load_workbook

    now = timezone.now()
    office = Office.objects.get(code="18.08")
    issued("akta_kelahiran", "S2e", now, 2)
    issued("akta_kelahiran", "S2e", now, 1)
    issued("akta_kelahiran", "S2e", now - timedelta(days=400), 3)  # another year
    issued("kia", "S2d", now, 1)
    local = timezone.localdate(now)
    rows = registers.register_rows(
        office=office, kind="akta_kelahiran", year=local.year, month=local.month
    )
    assert [r.number[-4:] for r in rows] == ["0001", "0002"]
    sheet = load_workbook(
        io.BytesIO(
            registers.register_xlsx(
                office=office, kind="akta_kelahiran", year=local.year, month=local.month
            )
        )
    ).active
    assert sheet["A1"].value == "BUKU REGISTER KUTIPAN AKTA KELAHIRAN"
    assert [sheet.cell(row=r, column=2).value[-4:] for r in (5, 6)] == ["0001", "0002"]
    pdf = registers.register_pdf(office=office, kind="akta_kelahiran", year=local.year)
    assert "BUKU REGISTER KUTIPAN AKTA KELAHIRAN" in text_of(pdf, poppler)
    counts = registers.issuance_counts(office, local.replace(day=1), local, "month")
    assert counts == {local.replace(day=1): {"S2e": 2, "S2d": 1}}
    daily = registers.issuance_counts(office, local, local, "day")
    assert daily == {local: {"S2e": 2, "S2d": 1}}
    # The weekly report (S0) is prefilled from them.
    assert own_counts(office, local, local, ["akta_lahir", "kia", "kk"]) == {
        "akta_lahir": 2,
        "kia": 1,
    }
    client.force_login(persona("waykanan.operator.capil"))
    page = client.get("/dokumen/register/", {"kantor": "18.08", "jenis": "akta_kelahiran"})
    assert page.status_code == 200 and rows[0].number in page.content.decode()
    excel = client.get("/dokumen/register/", {"kantor": "18.08", "format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(persona("babel.kadis"))
    other = client.get("/dokumen/register/", {"kantor": "18.08", "jenis": "akta_kelahiran"})
    assert rows[0].number not in other.content.decode()
