"""Coverage per indicator per kab/kota and for the province, against the yearly targets; the
checks of a month's data (missing kab/kota, a jump from last month); and the same numerators and
denominators computed in one pass over a residents table (the benchmark) or summed from the
registry's rollup (`coverage_rows`, what the product shows), both from `INDICATOR_CONDITIONS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from alur.registry.rollup import TABLE as ROLLUP_TABLE


def percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def report(
    *,
    period_label: str,
    province: tuple[str, str],
    indicators: Sequence[dict[str, str]],
    targets: dict[str, Decimal],
    offices: Sequence[tuple[str, str]],
    rows: Iterable[tuple[str, str, int, int]],
) -> dict[str, Any]:
    """`rows` are (office code, indicator, numerator, denominator). Offices are ranked by their
    mean attainment (coverage ÷ target) over the indicators they reported."""
    keys = [i["key"] for i in indicators]
    cells: dict[str, dict[str, dict[str, Any]]] = {code: {} for code, _name in offices}
    sums = {key: [0, 0] for key in keys}
    for code, indicator, numerator, denominator in rows:
        if code not in cells or indicator not in sums:
            continue
        target = targets.get(indicator)
        value = percent(numerator, denominator)
        cells[code][indicator] = {
            "numerator": numerator,
            "denominator": denominator,
            "percent": value,
            "meets": value is not None and target is not None and value >= float(target),
        }
        sums[indicator][0] += numerator
        sums[indicator][1] += denominator
    result_rows: list[dict[str, Any]] = []
    for code, name in offices:
        attained = [
            cell["percent"] / float(targets[key])
            for key, cell in cells[code].items()
            if cell["percent"] is not None and targets.get(key)
        ]
        result_rows.append(
            {
                "code": code,
                "name": name,
                "cells": cells[code],
                "score": round(100 * sum(attained) / len(attained), 1) if attained else None,
                "missing": not cells[code],
            }
        )
    ranked = sorted(
        (r for r in result_rows if r["score"] is not None), key=lambda r: (-r["score"], r["code"])
    )
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    for row in result_rows:
        row.setdefault("rank", None)
    province_cells = {}
    for key, (numerator, denominator) in sums.items():
        value = percent(numerator, denominator)
        target = targets.get(key)
        province_cells[key] = {
            "numerator": numerator,
            "denominator": denominator,
            "percent": value,
            "meets": value is not None and target is not None and value >= float(target),
        }
    return {
        "period": period_label,
        "indicators": [
            {**i, "target": float(targets[i["key"]]) if i["key"] in targets else None}
            for i in indicators
        ],
        "rows": sorted(result_rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"])),
        "province": {"code": province[0], "name": province[1], "cells": province_cells},
        "missing": [r["code"] for r in result_rows if r["missing"]],
    }


def jumps(
    current: dict[tuple[str, str], tuple[int, int]],
    previous: dict[tuple[str, str], tuple[int, int]],
    threshold: float,
) -> list[tuple[str, str, float, float]]:
    """(office, indicator, last month %, this month %) where coverage moved more than
    `threshold` percentage points."""
    found = []
    for key, (numerator, denominator) in sorted(current.items()):
        if key not in previous:
            continue
        now, before = percent(numerator, denominator), percent(*previous[key])
        if now is not None and before is not None and abs(now - before) > threshold:
            found.append((key[0], key[1], before, now))
    return found


# --- from a residents table ----------------------------------------------------------------

RESIDENT_COLUMNS = (
    "kabkota text, age smallint, married boolean, dead boolean, has_akta_lahir boolean, "
    "ktp_recorded boolean, has_kia boolean, death_registered boolean, has_akta_mati boolean"
)

# Each indicator of domain.md as (key, numerator condition, denominator condition) over the
# columns of RESIDENT_COLUMNS; "married" is married at least once.
INDICATOR_CONDITIONS: tuple[tuple[str, str, str], ...] = (
    (
        "akta_lahir_0_18",
        "NOT dead AND age <= 18 AND has_akta_lahir",
        "NOT dead AND age <= 18",
    ),
    (
        "rekam_ktp_el",
        "NOT dead AND (age >= 17 OR married) AND ktp_recorded",
        "NOT dead AND (age >= 17 OR married)",
    ),
    (
        "kia",
        "NOT dead AND age < 17 AND NOT married AND has_kia",
        "NOT dead AND age < 17 AND NOT married",
    ),
    ("akta_kematian", "death_registered AND has_akta_mati", "death_registered"),
)
RESIDENT_INDICATORS = tuple(key for key, _numerator, _denominator in INDICATOR_CONDITIONS)


def _indicators_sql(source: str, weight: str) -> str:
    """Per kab/kota, each indicator's numerator and denominator: the sum of `weight` over the
    rows of `source` meeting its conditions."""
    sums = ",\n  ".join(
        f"SUM(CASE WHEN {condition} THEN {weight} ELSE 0 END)"
        for _key, numerator, denominator in INDICATOR_CONDITIONS
        for condition in (numerator, denominator)
    )
    return f"SELECT kabkota,\n  {sums}\nFROM {source} GROUP BY kabkota ORDER BY kabkota"


def residents_sql(table: str) -> str:
    """One pass over `table` (columns: RESIDENT_COLUMNS) giving, per kab/kota, each indicator's
    numerator and denominator as domain.md defines them. Plain SQL that PostgreSQL, SQLite and
    DuckDB all run."""
    if not table.replace("_", "").isalnum():
        raise ValueError(f"nama tabel tidak sah: {table!r}")
    return _indicators_sql(table, "1")


def residents_rows(result: Iterable[Sequence[Any]]) -> list[tuple[str, str, int, int]]:
    """The rows of `residents_sql` as (office code, indicator, numerator, denominator)."""
    rows = []
    for record in result:
        code = record[0]
        for index, key in enumerate(RESIDENT_INDICATORS):
            rows.append((code, key, int(record[1 + 2 * index]), int(record[2 + 2 * index])))
    return rows


# --- from the registry's rollup -------------------------------------------------------------

# The rollup's rows seen as RESIDENT_COLUMNS with a count: an age class stands for its lowest
# age (0, 17 or 19), which meets the same conditions as every age in it; a death registered
# is a dead resident.
ROLLUP_SOURCE = f"""(SELECT office_id AS kabkota, age_from AS age, married, dead, has_akta_lahir,
  ktp_recorded, has_kia, dead AS death_registered, has_akta_mati, count AS n
  FROM {ROLLUP_TABLE} WHERE office_id IN ({{offices}})) AS rollup"""  # noqa: S608


def coverage_rows(offices: Sequence[Any]) -> list[tuple[str, str, int, int]]:
    """Each indicator's numerator and denominator for `offices` (kab/kota `Office` rows) from
    the registry's rollup, as (office code, indicator, numerator, denominator), by office code;
    an office without residents has no rows."""
    codes = {office.pk: office.code for office in offices}
    if not codes:
        return []
    sql = _indicators_sql(ROLLUP_SOURCE.format(offices=", ".join(["%s"] * len(codes))), "n")
    with connection.cursor() as cursor:
        cursor.execute(sql, list(codes))
        found = cursor.fetchall()
    rows = residents_rows((codes[record[0]], *record[1:]) for record in found)
    return sorted(rows, key=lambda row: (row[0], RESIDENT_INDICATORS.index(row[1])))
