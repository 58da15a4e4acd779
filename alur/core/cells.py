"""Workbook cells that stay text: a value typed by a person ("=HYPERLINK(...)" as a child's name
or a letter subject) is never written as a live formula.

openpyxl writes a string starting with "=" as a formula. Every workbook writer passes its
workbook through `defuse` before saving: a string cell starting with a formula character
(OWASP, CSV injection: = + - @ tab CR) is stored as text with Excel's quote prefix (the cell
reads as typed after an apostrophe), so it is shown as written and stays text when edited."""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from alur.core.validators import FORMULA_LEAD


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A new workbook and its one sheet, named `title`."""
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):
        raise TypeError("a new workbook starts with one worksheet")
    sheet.title = title
    return workbook, sheet


def defuse_cell(cell: Cell) -> Cell:
    """The cell, as text with the quote prefix when its value could be read as a formula."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def defuse(workbook: Workbook) -> Workbook:
    """Every cell of every sheet through `defuse_cell`; the workbook, to save."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell, Cell):  # a merged cell's covered part holds no value
                    defuse_cell(cell)
    return workbook
