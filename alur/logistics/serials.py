"""Serial number ranges of blanks, as written on a shipping document: one range a line,
"KTP0001000-KTP0001999" (letters, then digits of equal width); a single serial is a range of one.
"""

from __future__ import annotations

import itertools
import re

from alur.core.errors import DomainError

_RANGE = re.compile(r"^([A-Z]*)(\d+)(?:\s*[-–]\s*([A-Z]*)(\d+))?$")

Range = tuple[str, int, int, int]  # prefix, first, last, digit width


def parse(text: str) -> list[list[str]]:
    """The ranges of `text` as [first, last] pairs, checked; refuses malformed and overlaps."""
    ranges = _ranges(text)
    return [[_fmt(p, a, w), _fmt(p, b, w)] for p, a, b, w in ranges]


def count(ranges: list[list[str]]) -> int:
    return sum(b - a + 1 for _p, a, b, _w in _ranges("\n".join(f"{x}-{y}" for x, y in ranges)))


def as_text(ranges: list[list[str]]) -> str:
    return "\n".join(a if a == b else f"{a}-{b}" for a, b in ranges)


def within(inner: list[list[str]], outer: list[list[str]]) -> bool:
    """Does every serial of `inner` lie in one of the ranges of `outer`?"""
    outs = _ranges("\n".join(f"{x}-{y}" for x, y in outer))
    for p, a, b, w in _ranges("\n".join(f"{x}-{y}" for x, y in inner)):
        if not any(p == q and w == v and c <= a and b <= d for q, c, d, v in outs):
            return False
    return True


def _fmt(prefix: str, number: int, width: int) -> str:
    return f"{prefix}{number:0{width}d}"


def _ranges(text: str) -> list[Range]:
    found: list[Range] = []
    for raw in text.replace(",", "\n").replace(";", "\n").splitlines():
        line = raw.strip().upper()
        if not line:
            continue
        match = _RANGE.match(line)
        if match is None:
            raise DomainError(
                f"Rentang nomor seri '{raw.strip()}' tidak dapat dibaca; tulis seperti "
                "KTP0001000-KTP0001999, satu rentang per baris."
            )
        prefix, first, other_prefix, last = match.groups()
        last = last if last is not None else first
        other_prefix = prefix if other_prefix is None else other_prefix
        if other_prefix != prefix or len(first) != len(last):
            raise DomainError(
                f"Rentang nomor seri '{raw.strip()}': awal dan akhir harus berawalan dan "
                "berpanjang sama."
            )
        a, b = int(first), int(last)
        if b < a:
            raise DomainError(f"Rentang nomor seri '{raw.strip()}': akhir lebih kecil dari awal.")
        found.append((prefix, a, b, len(first)))
    found.sort()
    for (p, _a, b, w), (q, c, _d, v) in itertools.pairwise(found):
        if p == q and w == v and c <= b:
            raise DomainError("Rentang nomor seri saling tumpang tindih.")
    return found
