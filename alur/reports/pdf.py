"""The recap and the LAKIP export as A4 PDFs under the office's letterhead. The LAKIP export
(charts, a row per kab/kota of one province) is HTML through WeasyPrint, which fetches nothing;
the weekly recap, up to 514 rows, is drawn by `recap_pdf.py` (ReportLab), ~25 times faster."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from alur.reports import charts
from alur.reports.models import ReportPeriod


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"PDF laporan tidak mengambil sumber luar: {url}")


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def recap_pdf(*, office: Any, title: str, recap: dict[str, Any]) -> bytes:
    from alur.reports import recap_pdf as drawn

    return drawn.recap_pdf(office=office, title=title, recap=recap)


def coverage_charts(data: dict[str, Any]) -> list[Any]:
    found = []
    for indicator in data["indicators"]:
        rows = [
            (row["name"], (row["cells"].get(indicator["key"]) or {}).get("percent"))
            for row in data["rows"]
        ]
        rows.sort(key=lambda r: -(r[1] if r[1] is not None else -1))
        found.append(
            (
                indicator,
                charts.ranked_bars(
                    rows, f"Peringkat {indicator['label']}", target=indicator.get("target")
                ),
            )
        )
    return found


def trend_chart(data: dict[str, Any]) -> Any:
    trend = data.get("trend") or []
    return charts.trend_lines(
        [t["month"] for t in trend],
        [(i["label"], [t["values"].get(i["key"]) for t in trend]) for i in data["indicators"]],
        "Tren cakupan provinsi",
    )


def lakip_pdf(period: ReportPeriod, data: dict[str, Any]) -> bytes:
    return _render(
        "reports/pdf/lakip.html",
        {
            "office": period.definition.office,
            "title": period.definition.title,
            "data": data,
            "charts": coverage_charts(data),
            "trend": trend_chart(data),
            "style": charts.CHART_STYLE,
        },
    )
