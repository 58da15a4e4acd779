"""The IKM workbook in the form offices report it (the regulation's "pengolahan data" table):
per element the sum of scores, the answers, the NRR, the weighted NRR (NRR × 1/9); then the
IKM (Σ weighted NRR), its conversion (× 25) and the mutu; one sheet for the office and one
sheet per service. Every string cell goes through `alur.core.cells.defuse` (a service label
typed as "=..." stays text)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from alur.core.cells import defuse, new_workbook
from alur.survey import ikm
from alur.survey.selectors import OfficeIkm

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E6E6E6")
HEADS = [
    "Unsur",
    "Nama unsur",
    "Jumlah nilai",
    "Jumlah jawaban",
    "NRR per unsur",
    "NRR tertimbang (× 1/9)",
    "Nilai konversi (× 25)",
    "Mutu unsur",
]


def _number(value: Decimal | None) -> float | str:
    return float(value) if value is not None else "—"


def _sheet(ws: Worksheet, title: str, subtitle: str, service: str, index: ikm.Index) -> None:
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([subtitle])
    ws.append(["Jenis layanan", service])
    ws.append(["Jumlah responden", index.respondents])
    ws.append([])
    ws.append(HEADS)
    for cell in ws[6]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for element in index.elements:
        mutu = element.mutu
        ws.append(
            [
                element.code,
                element.name,
                element.total,
                element.answers,
                _number(element.nrr_shown),
                _number(element.weighted_shown),
                _number(element.converted),
                f"{mutu.grade} ({mutu.label})" if mutu else "—",
            ]
        )
    ws.append([])
    mutu = index.mutu
    for label, value in (
        ("IKM (Σ NRR tertimbang)", _number(index.ikm_shown)),
        ("IKM unit pelayanan (IKM × 25)", _number(index.value)),
        ("Mutu pelayanan", mutu.grade if mutu else "—"),
        ("Kinerja unit pelayanan", mutu.label if mutu else "—"),
    ):
        ws.append(["", label, value])
        ws.cell(row=ws.max_row, column=2).font = BOLD
    ws.column_dimensions["B"].width = 40
    for column in range(3, len(HEADS) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16


def ikm_xlsx(result: OfficeIkm) -> bytes:
    office = result.office
    name = office.short_name or office.name
    workbook, sheet = new_workbook("IKM kantor")
    _sheet(
        sheet,
        f"Indeks Kepuasan Masyarakat — {name}",
        f"{result.quarter.label} · PermenPAN-RB No. 14 Tahun 2017",
        "Semua jenis layanan",
        result.index,
    )
    used: set[str] = {"IKM kantor"}
    for service in result.services:
        title = f"IKM {service.code}"[:31]
        while title in used:
            title = f"{title[:28]}_{len(used)}"
        used.add(title)
        _sheet(
            workbook.create_sheet(title),
            f"Indeks Kepuasan Masyarakat — {name}",
            f"{result.quarter.label} · PermenPAN-RB No. 14 Tahun 2017",
            service.label,
            service.index,
        )
    out = io.BytesIO()
    defuse(workbook).save(out)
    return out.getvalue()
