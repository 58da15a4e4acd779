"""The index as PermenPAN-RB No. 14 Tahun 2017 computes it: NRR per element, × 1/9, × 25, and
the mutu of the regulation's table of intervals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from alur.survey import ikm

# A worked example in the regulation's manner: ten respondents, the sum of each element's
# scores (U1..U9). NRR = sum / 10; IKM = Σ NRR / 9 = 29,3 / 9 = 3,2556; × 25 = 81,39 → B, Baik.
SUMS = {1: 32, 2: 31, 3: 29, 4: 38, 5: 33, 6: 34, 7: 35, 8: 30, 9: 31}


def test_the_worked_example() -> None:
    index = ikm.compute({n: (total, 10) for n, total in SUMS.items()}, respondents=10)
    assert [e.nrr_shown for e in index.elements] == [
        Decimal(v)
        for v in ("3.200", "3.100", "2.900", "3.800", "3.300", "3.400", "3.500", "3.000", "3.100")
    ]
    assert index.elements[0].weighted_shown == Decimal("0.356")  # 3,2 × 1/9
    assert index.ikm == Fraction(293, 90)
    assert index.ikm_shown == Decimal("3.256")
    assert index.value == Decimal("81.39")
    assert index.mutu is not None and (index.mutu.grade, index.mutu.label) == ("B", "Baik")
    assert index.respondents == 10
    # An element's own mutu reads the same table: U3 (2,90 → 72,50) is C, U4 (3,80 → 95,00) A.
    assert index.elements[2].mutu is not None and index.elements[2].mutu.grade == "C"
    assert index.elements[3].mutu is not None and index.elements[3].mutu.grade == "A"


def test_from_questionnaires_is_the_same_as_from_sums() -> None:
    one = {1: 4, 2: 3, 3: 3, 4: 4, 5: 3, 6: 3, 7: 4, 8: 3, 9: 3}
    two = {1: 2, 2: 3, 3: 2, 4: 4, 5: 3, 6: 4, 7: 4, 8: 2, 9: 3}
    index = ikm.from_answers([one, two, {}])  # an empty questionnaire is no respondent
    assert index.respondents == 2
    assert index.elements[0].nrr == Fraction(3)
    assert index.value == Decimal("79.17")  # (30 + 27) / 18 × 25 = 79,166…


@pytest.mark.parametrize(
    ("ni", "value", "grade"),
    [
        ("1", "25.00", "D"),
        ("2.5996", "64.99", "D"),
        ("2.60", "65.00", "C"),
        ("3.064", "76.60", "C"),
        ("3.0644", "76.61", "B"),
        ("3.532", "88.30", "B"),
        ("3.5324", "88.31", "A"),
        ("4", "100.00", "A"),
    ],
)
def test_the_boundaries_of_the_regulation_table(ni: str, value: str, grade: str) -> None:
    nrr = Fraction(ni)
    totals = {n: (nrr.numerator, nrr.denominator) for n in range(1, 10)}
    index = ikm.compute(totals, respondents=nrr.denominator)
    assert index.ikm == nrr
    assert index.value == Decimal(value)
    assert index.mutu is not None and index.mutu.grade == grade


def test_an_element_nobody_answered_is_left_out() -> None:
    totals = {n: (3, 1) for n in range(1, 9)}  # U9 unanswered (a survey skipped before it)
    index = ikm.compute(totals, respondents=1)
    assert index.elements[8].nrr is None and index.elements[8].mutu is None
    assert index.ikm == Fraction(3)  # weight 1/8 over the eight answered
    assert index.value == Decimal("75.00")


def test_no_answers_no_index() -> None:
    index = ikm.compute({}, respondents=0)
    assert index.ikm is None and index.value is None and index.mutu is None
