"""The provincial recap of a weekly service report: a pure function of the figures, so that it
can be measured and tested on its own (514 kab/kota × 30 services in the benchmark)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alur.core.numbers import number as _n
from alur.org.regions import zone_label
from alur.reports.choices import Timeliness
from alur.reports.timeliness import rates


@dataclass(frozen=True)
class Reporter:
    code: str
    name: str
    zone: str
    deadline_at: datetime


@dataclass(frozen=True)
class Sent:
    values: dict[str, int]
    submitted_at: datetime
    timeliness: str


def change(current: int | None, previous: int | None) -> float | None:
    """Percent change from last period, one decimal; None when there is nothing to compare."""
    if current is None or not previous:
        return None
    return round(100 * (current - previous) / previous, 1)


def build(
    *,
    period_label: str,
    fields: Sequence[dict[str, str]],
    reporters: Sequence[Reporter],
    sent: dict[str, Sent],
    previous: dict[str, dict[str, int]],
    closed: bool,
) -> dict[str, Any]:
    """Rows per kab/kota (figures, total, last period, change, timeliness) and the totals."""
    keys = [f["key"] for f in fields]
    labels = dict(Timeliness.choices)
    totals = dict.fromkeys(keys, 0)
    previous_totals = dict.fromkeys(keys, 0)
    rows: list[dict[str, Any]] = []
    statuses: list[str] = []
    grand = grand_previous = 0
    for reporter in reporters:
        report = sent.get(reporter.code)
        before = previous.get(reporter.code)
        before_total = sum(before.values()) if before is not None else None
        if before is not None:
            for key in keys:
                previous_totals[key] += before.get(key, 0)
            grand_previous += before_total or 0
        if report is None:
            status = Timeliness.MISSING if closed else Timeliness.PENDING
            rows.append(
                {
                    "code": reporter.code,
                    "name": reporter.name,
                    "values": {},
                    "total": None,
                    "previous": before_total,
                    "change": None,
                    "status": status,
                    "status_label": labels[status],
                    "submitted_local": "",
                }
            )
            continue
        statuses.append(report.timeliness)
        total = 0
        for key in keys:
            value = report.values.get(key, 0)
            totals[key] += value
            total += value
        grand += total
        local = report.submitted_at.astimezone(ZoneInfo(reporter.zone))
        rows.append(
            {
                "code": reporter.code,
                "name": reporter.name,
                "values": {key: report.values.get(key, 0) for key in keys},
                "total": total,
                "previous": before_total,
                "change": change(total, before_total),
                "status": report.timeliness,
                "status_label": labels[report.timeliness],
                "submitted_local": f"{local:%d-%m-%Y %H:%M} {zone_label(reporter.zone)}",
            }
        )
    counted = rates(len(reporters), statuses)
    services = [
        {
            "key": key,
            "label": field["label"],
            "total": totals[key],
            "previous": previous_totals[key],
            "change": change(totals[key], previous_totals[key]),
        }
        for key, field in zip(keys, fields, strict=True)
    ]
    return {
        "period": period_label,
        "fields": list(fields),
        "rows": rows,
        "services": services,
        "totals": {
            "values": totals,
            "total": grand,
            "previous": grand_previous,
            "change": change(grand, grand_previous),
        },
        "rates": {
            "expected": counted.expected,
            "submitted": counted.submitted,
            "on_time": counted.on_time,
            "late": counted.late,
            "missing": counted.missing,
            "reporting_rate": counted.reporting_rate,
            "on_time_rate": counted.on_time_rate,
        },
    }


def letter_items(recap: dict[str, Any]) -> list[list[str]]:
    """The letter's table: one row per kab/kota and the total (label, figure, note)."""
    items = []
    for row in recap["rows"]:
        if row["total"] is None:
            items.append([row["name"], "-", row["status_label"]])
            continue
        note = row["status_label"]
        if row["change"] is not None:
            note += f"; {row['change']:+.1f}% dari periode lalu"
        items.append([row["name"], _n(row["total"]), note])
    totals = recap["totals"]
    note = "" if totals["change"] is None else f"{totals['change']:+.1f}% dari periode lalu"
    items.append(["Jumlah", _n(totals["total"]), note])
    return items
