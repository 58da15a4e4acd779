"""The checks of names, subjects, typed numbers and workbook cells that every channel uses."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from openpyxl import Workbook, load_workbook

from alur.core.cells import defuse
from alur.core.validators import person_name, subject_text, typed_number
from alur.core.web import int_param


@pytest.mark.parametrize("value", ["\u200b", "Ali\u202e", "=1+1", "-Ali", "Ali\ue000", "..."])
def test_person_name_refuses(value: str) -> None:
    with pytest.raises(ValidationError):
        person_name(value)


@pytest.mark.parametrize("value", ["Rapat\u200b koordinasi", "=HYPERLINK(1)", "Rapat\x07", "@x"])
def test_subject_refuses(value: str) -> None:
    with pytest.raises(ValidationError):
        subject_text(value)


@pytest.mark.parametrize(
    ("typed", "number"), [("2", 2), (" 12 ", 12), ("٣", 3), ("²", None), ("1²", None), ("", None)]
)
def test_typed_number(typed: str, number: int | None) -> None:
    assert typed_number(typed) == number


@pytest.mark.parametrize(("raw", "value"), [("2026", 2026), ("²", 7), ("٢٠٢٦", 7), ("1e3", 7)])
def test_int_param_takes_ascii_digits_only(raw: str, value: int) -> None:
    request = RequestFactory().get("/", {"tahun": raw})
    assert int_param(request, "tahun", 7) == value


def test_defused_cells_stay_text() -> None:
    workbook = Workbook()
    workbook.active.append(["=SUM(A2)", "+1", "-", "@x", "\tx", "Budi", 5])
    data = io.BytesIO()
    defuse(workbook).save(data)
    row = next(load_workbook(io.BytesIO(data.getvalue())).active.iter_rows())
    assert [c.data_type for c in row] == ["s", "s", "s", "s", "s", "s", "n"]
    assert [bool(c.quotePrefix) for c in row] == [True] * 5 + [False, False]
    assert row[0].value == "=SUM(A2)"
