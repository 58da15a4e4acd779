"""The offices live in Excel: the weekly form as a workbook made from the definition, reading it
back (every problem named by its cell, nothing taken when one is wrong), the recap, the PIAK
coverage file (Excel or CSV) and the LAKIP export."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from alur.core.cells import defuse, new_workbook
from alur.core.validators import is_ascii_digits
from alur.reports.catalogue import DENOMINATOR_SUFFIX, NUMERATOR_SUFFIX

MARKER_CELL = "B5"
MARKER_PREFIX = "ALUR-LAPORAN"
FIRST_ROW = 8  # the first service row of the form
MAX_ROWS = 5000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E6E6E6")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
ZIP_MAGIC = b"PK\x03\x04"
# A workbook of this project's size opens to a few MB; a zip bomb opens to gigabytes. The sizes
# are read from the zip directory, and Python's zipfile never inflates a member past its size.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
ZIP_BOMB = "Berkas Excel tidak wajar: isinya terlalu besar bila dibuka. Kirim formulir aslinya."


class ImportRejected(Exception):
    """The file is refused; `problems` name each cell or row, in Bahasa Indonesia."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def marker(definition_code: str, starts_on: str, office_code: str) -> str:
    return f"{MARKER_PREFIX}:{definition_code}:{starts_on}:{office_code}"


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    defuse(workbook).save(out)  # a label or name typed as "=..." stays text
    return out.getvalue()


def check_zip(data: bytes) -> None:
    """ImportRejected when the workbook would unpack to more than it reasonably can."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportRejected(["Berkas Excel tidak dapat dibaca (BadZipFile)."]) from error
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES or any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise ImportRejected([ZIP_BOMB])


def _open(data: bytes) -> Workbook:
    if not data.startswith(ZIP_MAGIC):
        raise ImportRejected(["Berkas bukan buku kerja Excel (.xlsx)."])
    check_zip(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected(
            [f"Berkas Excel tidak dapat dibaca ({error.__class__.__name__})."]
        ) from error


# --- the weekly form ----------------------------------------------------------------------


def form_xlsx(
    *,
    title: str,
    office_code: str,
    office_name: str,
    period_label: str,
    deadline_text: str,
    definition_code: str,
    starts_on: str,
    fields: list[dict[str, str]],
    values: dict[str, int] | None = None,
) -> bytes:
    """The form of one kab/kota for one period: fill column C, keep the rest as it is."""
    values = values or {}
    wb, ws = new_workbook("Laporan")
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    rows = [
        ("Kantor", f"{office_code} {office_name}"),
        ("Periode", period_label),
        ("Tenggat", deadline_text),
        ("Kode formulir (jangan diubah)", marker(definition_code, starts_on, office_code)),
    ]
    for index, (label, value) in enumerate(rows, start=2):
        ws.cell(row=index, column=1, value=label).font = BOLD
        ws.cell(row=index, column=2, value=value)
    for column, head in enumerate(("Kode", "Jenis layanan", "Jumlah"), start=1):
        cell = ws.cell(row=FIRST_ROW - 1, column=column, value=head)
        cell.font, cell.fill = BOLD, HEAD_FILL
    for offset, item in enumerate(fields):
        row = FIRST_ROW + offset
        ws.cell(row=row, column=1, value=item["key"])
        ws.cell(row=row, column=2, value=item["label"])
        cell = ws.cell(row=row, column=3, value=values.get(item["key"]))
        cell.fill = INPUT_FILL
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 14
    return _save(wb)


def _integer(value: Any, where: str, problems: list[str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(f"{where}: wajib diisi (tulis 0 bila tidak ada).")
        return None
    if isinstance(value, bool):
        problems.append(f"{where}: «{value}» bukan angka.")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(" ", "")
        if is_ascii_digits(text.lstrip("-")):
            value = int(text)
        else:
            problems.append(f"{where}: «{value}» bukan angka.")
            return None
    if not isinstance(value, int):
        problems.append(f"{where}: «{value}» bukan bilangan bulat.")
        return None
    if value < 0:
        problems.append(f"{where}: jumlah tidak boleh negatif ({value}).")
        return None
    return value


def form_read(
    data: bytes, *, definition_code: str, starts_on: str, office_code: str, keys: list[str]
) -> dict[str, int]:
    """The counts of a filled form, or ImportRejected naming every bad cell."""
    wb = _open(data)
    ws = wb["Laporan"] if "Laporan" in wb.sheetnames else None
    found = ws[MARKER_CELL].value if ws is not None else None
    if ws is None or not isinstance(found, str) or not found.startswith(MARKER_PREFIX + ":"):
        raise ImportRejected(
            [
                "Templat salah: berkas ini bukan formulir laporan dari Alur (sel B5 lembar "
                "«Laporan» tidak berisi kode formulir). Unduh formulir periode ini dan isi kolom "
                "Jumlah."
            ]
        )
    parts = found.split(":")
    if len(parts) != 4 or parts[1] != definition_code:
        raise ImportRejected(["Templat salah: formulir ini untuk laporan lain."])
    problems: list[str] = []
    if parts[2] != starts_on:
        problems.append(
            f"B5: formulir ini untuk periode yang dimulai {parts[2]}, bukan periode ini "
            f"({starts_on})."
        )
    if parts[3] != office_code:
        problems.append(f"B5: formulir ini milik kantor {parts[3]}, bukan {office_code}.")
    values: dict[str, int] = {}
    seen: dict[str, int] = {}
    rows = ws.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + MAX_ROWS, max_col=3)
    for number, (key_cell, _label, count_cell) in enumerate(rows, start=FIRST_ROW):
        key = key_cell.value
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        key = str(key).strip()
        if key not in keys:
            problems.append(f"A{number}: kode layanan «{key}» tidak ada dalam formulir.")
            continue
        if key in seen:
            problems.append(f"A{number}: kode layanan «{key}» sudah ada di baris {seen[key]}.")
            continue
        seen[key] = number
        value = _integer(count_cell.value, f"C{number}", problems)
        if value is not None:
            values[key] = value
    for key in keys:
        if key not in seen:
            problems.append(f"Baris layanan «{key}» hilang dari formulir.")
    if problems:
        raise ImportRejected(problems)
    return values


# --- the provincial recap -------------------------------------------------------------------


def recap_xlsx(recap: dict[str, Any], *, title: str) -> bytes:
    fields = recap["fields"]
    wb, ws = new_workbook("Rekap")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Periode {recap['period']}"])
    ws.append([])
    heads = ["Kode", "Kab/Kota", *(f["label"] for f in fields), "Jumlah", "Minggu lalu"]
    heads += ["Perubahan (%)", "Status", "Dikirim"]
    ws.append(heads)
    for cell in ws[4]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for row in recap["rows"]:
        ws.append(
            [
                row["code"],
                row["name"],
                *(row["values"].get(f["key"]) for f in fields),
                row["total"],
                row["previous"],
                row["change"],
                row["status_label"],
                row["submitted_local"],
            ]
        )
    totals = recap["totals"]
    ws.append(
        [
            "",
            "JUMLAH",
            *(totals["values"].get(f["key"], 0) for f in fields),
            totals["total"],
            totals["previous"],
            totals["change"],
            "",
            "",
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    ws.column_dimensions["B"].width = 30
    for column in range(3, len(heads) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 12
    ws.freeze_panes = "C5"
    rates = wb.create_sheet("Ketepatan")
    rates.append(["Dilaporkan", "Diharapkan", "Tepat waktu", "Terlambat", "Tidak melapor"])
    rates.append(
        [
            recap["rates"]["submitted"],
            recap["rates"]["expected"],
            recap["rates"]["on_time"],
            recap["rates"]["late"],
            recap["rates"]["missing"],
        ]
    )
    rates.append(["Tingkat pelaporan (%)", recap["rates"]["reporting_rate"]])
    rates.append(["Ketepatan waktu (%)", recap["rates"]["on_time_rate"]])
    for cell in rates[1]:
        cell.font = BOLD
    return _save(wb)


# --- the PIAK coverage file -----------------------------------------------------------------


@dataclass
class CoverageFile:
    """The rows read from a coverage file: (line, office code, {indicator: (num, den)})."""

    rows: list[tuple[int, str, dict[str, tuple[int, int]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _table(data: bytes, filename: str) -> Iterator[tuple[int, list[Any]]]:
    if filename.lower().endswith(".csv") and not data.startswith(ZIP_MAGIC):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else None
        reader = csv.reader(io.StringIO(text), dialect or csv.excel)
        for number, row in enumerate(reader, start=1):
            yield number, list(row)
        return
    wb = _open(data)
    ws = wb.worksheets[0]
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, list(values)


def coverage_columns(indicators: list[str]) -> list[str]:
    columns = ["kode_wilayah", "nama_wilayah"]
    for key in indicators:
        columns += [key + NUMERATOR_SUFFIX, key + DENOMINATOR_SUFFIX]
    return columns


def coverage_template_xlsx(
    indicators: list[dict[str, str]],
    offices: list[tuple[str, str]],
    *,
    values: dict[str, dict[str, tuple[int, int]]] | None = None,
) -> bytes:
    """The import file's columns and one row per kab/kota; `values` (code → indicator →
    numerator, denominator) fill the cells that are known."""
    wb, ws = new_workbook("Cakupan")
    ws.append(coverage_columns([i["key"] for i in indicators]))
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for code, name in offices:
        known = (values or {}).get(code, {})
        row: list[Any] = [code, name]
        for indicator in indicators:
            row += list(known.get(indicator["key"], (None, None)))
        ws.append(row)
    return _save(wb)


def coverage_read(
    data: bytes, filename: str, *, indicators: list[str], progress: Any = None
) -> CoverageFile:
    """Every row of the PIAK file, checked cell by cell; `progress(done, total)` is told as the
    rows are read. Office codes are checked by the caller (they need the database)."""
    result = CoverageFile()
    try:
        table = list(_table(data, filename))[: MAX_ROWS + 1]
    except ImportRejected as error:  # not a workbook, damaged, or a zip bomb: said, not raised
        result.problems.extend(error.problems)
        return result
    if not table:
        result.problems.append("Berkas kosong.")
        return result
    _first, header = table[0]
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    expected = coverage_columns(indicators)
    missing = [c for c in expected if c not in names]
    if "kode_wilayah" not in names or missing:
        result.problems.append(
            "Templat salah: kolom " + ", ".join(missing or ["kode_wilayah"]) + " tidak ada di "
            "baris 1. Kolom yang diperlukan: " + ", ".join(expected) + "."
        )
        return result
    where = {name: names.index(name) for name in expected}
    body = table[1:]
    for index, (number, raw) in enumerate(body, start=1):
        cells = [*raw, *([None] * (len(names) - len(raw)))]
        code = cells[where["kode_wilayah"]]
        if code is None or not str(code).strip():
            if any(c not in (None, "") for c in cells):
                result.problems.append(f"Baris {number}: kode_wilayah kosong.")
            continue
        code = str(code).strip()
        problems: list[str] = []
        values: dict[str, tuple[int, int]] = {}
        for key in indicators:
            pair = []
            for column in (key + NUMERATOR_SUFFIX, key + DENOMINATOR_SUFFIX):
                letter = get_column_letter(where[column] + 1)
                pair.append(
                    _integer(
                        cells[where[column]],
                        f"Baris {number}, {column} ({letter}{number})",
                        problems,
                    )
                )
            numerator, denominator = pair
            if numerator is not None and denominator is not None:
                if numerator > denominator:
                    problems.append(
                        f"Baris {number} ({code}): pembilang {key} ({numerator}) lebih besar "
                        f"dari penyebutnya ({denominator})."
                    )
                else:
                    values[key] = (numerator, denominator)
        result.problems += problems
        if not problems:
            result.rows.append((number, code, values))
        if progress is not None and (index % 25 == 0 or index == len(body)):
            progress(index, len(body))
    if len(table) > MAX_ROWS:
        result.problems.append(f"Berkas lebih dari {MAX_ROWS} baris.")
    return result


def lakip_xlsx(report: dict[str, Any], *, title: str) -> bytes:
    wb, ws = new_workbook("Cakupan")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Periode {report['period']}"])
    ws.append([])
    heads = ["Peringkat", "Kode", "Kab/Kota"]
    for indicator in report["indicators"]:
        heads += [f"{indicator['label']} (%)", "Target (%)"]
    ws.append(heads)
    for cell in ws[4]:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True)
    for row in report["rows"]:
        line = [row["rank"], row["code"], row["name"]]
        for indicator in report["indicators"]:
            figure = row["cells"].get(indicator["key"]) or {}
            line += [figure.get("percent"), indicator["target"]]
        ws.append(line)
    province = [None, report["province"]["code"], report["province"]["name"]]
    for indicator in report["indicators"]:
        figure = report["province"]["cells"].get(indicator["key"]) or {}
        province += [figure.get("percent"), indicator["target"]]
    ws.append(province)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    ws.column_dimensions["C"].width = 30
    detail = wb.create_sheet("Data")
    detail.append(["Kode", "Kab/Kota", "Indikator", "Pembilang", "Penyebut", "Cakupan (%)"])
    for cell in detail[1]:
        cell.font = BOLD
    for row in report["rows"]:
        for indicator in report["indicators"]:
            cell = row["cells"].get(indicator["key"])
            if cell:
                detail.append(
                    [
                        row["code"],
                        row["name"],
                        indicator["label"],
                        cell["numerator"],
                        cell["denominator"],
                        cell["percent"],
                    ]
                )
    return _save(wb)
