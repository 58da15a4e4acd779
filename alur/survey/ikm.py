"""The Indeks Kepuasan Masyarakat (IKM) as PermenPAN-RB No. 14 Tahun 2017 computes it.

- NRR (nilai rata-rata) of an element = the sum of its scores / the number of answers it got.
- Each element weighs the same: 1 / the number of elements (1/9 = 0,111).
- IKM = Σ NRR × 1/9 (the "nilai rata-rata tertimbang"), a value between 1 and 4 (the NI).
- IKM unit pelayanan = IKM × 25, between 25 and 100 (the "nilai konversi").
- Mutu, by the regulation's table of intervals:

  | NI             | konversi       | mutu | kinerja unit pelayanan |
  |----------------|----------------|------|------------------------|
  | 1,00 – 2,5996  | 25,00 – 64,99  | D    | Tidak Baik             |
  | 2,60 – 3,064   | 65,00 – 76,60  | C    | Kurang Baik            |
  | 3,0644 – 3,532 | 76,61 – 88,30  | B    | Baik                   |
  | 3,5324 – 4,00  | 88,31 – 100,00 | A    | Sangat Baik            |

The arithmetic is exact (fractions); the unit value is rounded half up to two decimals, as the
table writes it, and the mutu read from that rounded value, so an index on a boundary lands
where the table puts it (NI 3,064 → 76,60 → C; NI 3,0644 → 76,61 → B). The weight is the exact
1/9: with 0,111 an office where everyone answers 4 would score 99,90, not the table's 100.
An element nobody answered is left out (the weight is then 1 / the elements answered).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from alur.survey.choices import ELEMENT_COUNT, ELEMENTS

CONVERSION = 25
TWO = Decimal("0.01")
THREE = Decimal("0.001")


@dataclass(frozen=True)
class Mutu:
    grade: str
    label: str
    low: Decimal  # the lowest converted value of the grade (two decimals)


# Highest first: the first whose `low` the converted value reaches.
MUTU: tuple[Mutu, ...] = (
    Mutu("A", "Sangat Baik", Decimal("88.31")),
    Mutu("B", "Baik", Decimal("76.61")),
    Mutu("C", "Kurang Baik", Decimal("65.00")),
    Mutu("D", "Tidak Baik", Decimal("25.00")),
)


def mutu_of(value: Decimal) -> Mutu:
    """The grade of a converted value (25–100, two decimals)."""
    for grade in MUTU:
        if value >= grade.low:
            return grade
    return MUTU[-1]


def _decimal(value: Fraction, places: Decimal) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        places, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class ElementResult:
    number: int
    name: str
    short: str
    total: int  # the sum of the scores
    answers: int  # how many answered it
    nrr: Fraction | None  # None: nobody answered it
    weighted: Fraction | None

    @property
    def code(self) -> str:
        return f"U{self.number}"

    @property
    def nrr_shown(self) -> Decimal | None:
        return None if self.nrr is None else _decimal(self.nrr, THREE)

    @property
    def weighted_shown(self) -> Decimal | None:
        return None if self.weighted is None else _decimal(self.weighted, THREE)

    @property
    def converted(self) -> Decimal | None:
        """The element's own NRR × 25 (its mutu on the same table)."""
        return None if self.nrr is None else _decimal(self.nrr * CONVERSION, TWO)

    @property
    def mutu(self) -> Mutu | None:
        converted = self.converted
        return None if converted is None else mutu_of(converted)


@dataclass(frozen=True)
class Index:
    elements: tuple[ElementResult, ...]
    respondents: int
    ikm: Fraction | None  # the NI, 1–4; None without answers

    @property
    def ikm_shown(self) -> Decimal | None:
        return None if self.ikm is None else _decimal(self.ikm, THREE)

    @property
    def value(self) -> Decimal | None:
        """IKM unit pelayanan: IKM × 25, two decimals (25–100)."""
        return None if self.ikm is None else _decimal(self.ikm * CONVERSION, TWO)

    @property
    def mutu(self) -> Mutu | None:
        value = self.value
        return None if value is None else mutu_of(value)


def compute(totals: Mapping[int, tuple[int, int]], respondents: int) -> Index:
    """The index from each element's (sum of scores, number of answers), keyed 1..9."""
    answered = [n for n in range(1, ELEMENT_COUNT + 1) if totals.get(n, (0, 0))[1] > 0]
    weight = Fraction(1, len(answered)) if answered else None
    results = []
    for spec in ELEMENTS:
        total, count = totals.get(spec.number, (0, 0))
        nrr = Fraction(total, count) if count else None
        results.append(
            ElementResult(
                number=spec.number,
                name=spec.name,
                short=spec.short,
                total=total,
                answers=count,
                nrr=nrr,
                weighted=nrr * weight if nrr is not None and weight is not None else None,
            )
        )
    weighted = [r.weighted for r in results if r.weighted is not None]
    return Index(tuple(results), respondents, sum(weighted, Fraction(0)) if weighted else None)


def from_answers(respondents: Iterable[Mapping[int, int]]) -> Index:
    """The index of individual questionnaires ({element: score}); for tests and the demo."""
    totals: dict[int, tuple[int, int]] = {}
    count = 0
    for answers in respondents:
        if not answers:
            continue
        count += 1
        for number, score in answers.items():
            total, n = totals.get(number, (0, 0))
            totals[number] = (total + score, n + 1)
    return compute(totals, count)
