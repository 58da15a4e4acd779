"""Reading the seeds' printed values: time standards and dates."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from alur.sop.schema import SopDate, TimeStandard, parse_sop_date, parse_time_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 Menit", (5, 5)),
        ("10 menit", (10, 10)),
        ("240", (240, 240)),
        ("1 jam", (60, 60)),
        ("8 Jam", (480, 480)),
        ("60 sd. 4320", (60, 4320)),
        ("60 s.d. 4320", (60, 4320)),
        ("60–4320", (60, 4320)),
        ("-", "none"),
        ("2 hari", None),
        ("kurang lebih 2 hari", None),
    ],
)
def test_parse_time_text(text: str, expected: object) -> None:
    assert parse_time_text(text) == expected


def test_time_text_that_cannot_be_read_keeps_explicit_minutes() -> None:
    time = TimeStandard.model_validate({"text": "2 hari", "minutes": 2880})
    assert time.bounds == (2880, 2880)
    assert TimeStandard.model_validate({"text": "-"}).bounds is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19 Januari 2022", (date(2022, 1, 19), "day")),
        ("Januari 2022", (date(2022, 1, 1), "month")),
        ("Juni 2020", (date(2020, 6, 1), "month")),
        ("4 Oktober 2021", (date(2021, 10, 4), "day")),
        ("03-02-2023", (date(2023, 2, 3), "day")),
        ("03 – 02 - 2023", (date(2023, 2, 3), "day")),
        ("2023-02-03", (date(2023, 2, 3), "day")),
        ("1 Nopember 2020", (date(2020, 11, 1), "day")),
        ("31 Februari 2022", None),
        ("Sasi 2022", None),
        ("awal tahun", None),
    ],
)
def test_parse_sop_date(text: str, expected: object) -> None:
    assert parse_sop_date(text) == expected


def test_a_stored_date_must_agree_with_its_text() -> None:
    stored = {"text": "Januari 2022", "value": "2022-01-01", "precision": "month"}
    assert SopDate.model_validate(stored).value == date(2022, 1, 1)
    with pytest.raises(ValidationError, match="reads as 2022-01-01 \\(month\\)"):
        SopDate.model_validate({**stored, "precision": "day"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        SopDate.model_validate({**stored, "note": "x"})
