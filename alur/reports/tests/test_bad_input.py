"""Bad input, each refused with a message per cell or row and nothing half-imported: a wrong
template, text where a number belongs, negative counts, a duplicate kab/kota, a closed period,
a numerator above its denominator."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from alur.core.errors import DomainError
from alur.org.selectors import holders_of
from alur.reports.choices import JobStatus
from alur.reports.files import form_bytes
from alur.reports.models import CoverageImport, CoverageRow, Submission
from alur.reports.services.periods import period_aggregate, period_ensure
from alur.reports.services.weekly import submission_save, upload_form
from alur.reports.tests.conftest import kab_kota
from alur.reports.tests.drivers import coverage_csv, figures, import_coverage
from alur.workflow.tests.drive import holder, run_until_step, start

pytestmark = pytest.mark.django_db


def _filled(period: Any, office: Any, changes: dict[str, Any]) -> bytes:
    """The period's form for the office with column C filled, then `changes` (cell → value)."""
    data = form_bytes(period, office, figures(office, period.definition.field_keys))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Laporan"]
    for cell, value in changes.items():
        sheet[cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(period: Any, office: Any, data: bytes) -> Submission:
    return upload_form(
        period=period,
        office=office,
        actor=holders_of(office, "kadis")[0],
        data=data,
        filename="laporan.xlsx",
        send=True,
    )


def test_a_good_upload_sends_the_figures(clock: Any, s0_collecting: Any) -> None:
    _case, period = s0_collecting()
    office = kab_kota()[0]
    submission = _upload(period, office, _filled(period, office, {"C8": 123}))
    assert submission.status == "submitted" and submission.values["kk"] == 123
    assert submission.source == "excel" and submission.file.name.endswith(".xlsx")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"C9": "dua belas"}, "C9: «dua belas» bukan angka."),
        ({"C10": -4}, "C10: jumlah tidak boleh negatif (-4)."),
        ({"C8": None}, "C8: wajib diisi"),
        ({"C11": 2.5}, "C11: «2.5» bukan bilangan bulat."),
        ({"A12": "kk"}, "A12: kode layanan «kk» sudah ada di baris 8."),
        ({"A13": "paspor"}, "A13: kode layanan «paspor» tidak ada dalam formulir."),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_taken(
    clock: Any, s0_collecting: Any, changes: dict[str, Any], message: str
) -> None:
    _case, period = s0_collecting()
    office = kab_kota()[0]
    with pytest.raises(DomainError) as refused:
        _upload(period, office, _filled(period, office, changes | {"C14": "x"}))
    assert message in refused.value.message
    assert "C14: «x» bukan angka." in refused.value.message  # every cell, not the first only
    assert not Submission.objects.filter(period=period, office=office).exists()


def test_the_wrong_template_is_refused(clock: Any, s0_collecting: Any) -> None:
    _case, period = s0_collecting()
    office = kab_kota()[0]
    other = Workbook()
    other.active.append(["Jenis layanan", "Jumlah"])
    out = io.BytesIO()
    other.save(out)
    with pytest.raises(DomainError, match="Templat salah"):
        _upload(period, office, out.getvalue())
    with pytest.raises(DomainError, match="bukan buku kerja Excel"):
        _upload(period, office, b"%PDF-1.4 not a workbook")
    # Another office's form is not this office's report.
    with pytest.raises(DomainError, match="milik kantor"):
        _upload(period, office, _filled(period, kab_kota()[1], {}))


def test_values_typed_on_the_web_form_are_checked_per_field(clock: Any, s0_collecting: Any) -> None:
    _case, period = s0_collecting()
    office = kab_kota()[0]
    values = {k: "1" for k in period.definition.field_keys} | {"kk": "sepuluh", "kia": "-2"}
    with pytest.raises(DomainError) as refused:
        submission_save(
            period=period, office=office, actor=holders_of(office, "operator")[0], values=values
        )
    assert "Kartu Keluarga (KK): «sepuluh» bukan angka." in refused.value.message
    assert "Kartu Identitas Anak (KIA): jumlah tidak boleh negatif." in refused.value.message


def _s4_period(persona: Any) -> tuple[Any, Any]:
    case = start("S4")
    run_until_step(case, 3)
    return case, period_ensure(case=case, actor=persona("sumbar.staf"))


def _csv_with(period: Any, edit: Any) -> bytes:
    lines = coverage_csv(period).decode().splitlines()
    return ("\n".join(edit(lines)) + "\n").encode()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda lines: [*lines, lines[1]],
            "kabupaten/kota 13.01 sudah ada di baris 2",
        ),
        (
            lambda lines: [
                lines[0],
                lines[1].replace(lines[1].split(",")[2], "9999999", 1),
                *lines[2:],
            ],
            "Baris 2 (13.01): pembilang akta_lahir_0_18 (9999999) lebih besar dari penyebutnya",
        ),
        (
            lambda lines: [
                lines[0],
                lines[1].replace(lines[1].split(",")[3], "banyak", 1),
                *lines[2:],
            ],
            "Baris 2, akta_lahir_0_18_penyebut (D2): «banyak» bukan angka.",
        ),
        (
            lambda lines: [*lines, "13.99,Kab. Entah," + ",".join(["1"] * 8)],
            "kode 13.99 bukan kabupaten/kota",
        ),
        (
            lambda lines: [lines[0].replace("kia_penyebut", "kia_jumlah"), *lines[1:]],
            "Templat salah: kolom kia_penyebut tidak ada",
        ),
    ],
)
def test_a_bad_coverage_file_is_refused_by_row_and_nothing_is_imported(
    persona: Any, edit: Any, message: str
) -> None:
    _case, period = _s4_period(persona)
    job = import_coverage(period, persona("sumbar.staf"), _csv_with(period, edit))
    assert job.status == JobStatus.FAILED
    assert any(message in e for e in job.errors), job.errors
    assert not CoverageRow.objects.filter(period=period).exists()


def test_a_closed_period_refuses_submissions_and_imports(
    clock: Any, s0_collecting: Any, persona: Any
) -> None:
    _case, period = s0_collecting()
    office = kab_kota()[0]
    period_aggregate(period=period, actor=None)
    with pytest.raises(DomainError, match="sudah ditutup"):
        submission_save(
            period=period,
            office=office,
            actor=holders_of(office, "operator")[0],
            values=figures(office, period.definition.field_keys),
        )
    _s4, coverage_period = _s4_period(persona)
    period_aggregate(period=coverage_period, actor=None)
    with pytest.raises(DomainError, match="sudah ditutup"):
        import_coverage(coverage_period, persona("sumbar.staf"), coverage_csv(coverage_period))


def test_an_oversized_upload_is_refused_by_its_size_before_it_is_read(persona: Any) -> None:
    case = start("S4")
    staff = holder(run_until_step(case, 3))
    period = period_ensure(case=case, actor=staff)
    client = Client()
    client.force_login(staff)
    huge = SimpleUploadedFile("piak.csv", b"kode,x\n" + b"1" * (11 * 1024 * 1024), "text/csv")
    page = client.post(f"/laporan/periode/{period.pk}/impor/", {"file": huge}, follow=True)
    assert "Berkas terlalu besar: paling besar 10 MB." in page.content.decode()
    assert not CoverageImport.objects.filter(period=period).exists()
