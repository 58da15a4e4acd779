"""The recap and the LAKIP export as A4 PDFs under the office's letterhead. The LAKIP export
(charts, a row per kab/kota of one province) is HTML through WeasyPrint, which fetches nothing;
the weekly recap, up to 514 rows, is drawn by `recap_pdf.py` (ReportLab), ~25 times faster."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.reports import charts
from alur.reports.models import ReportPeriod


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"PDF laporan tidak mengambil sumber luar: {url}")


@cache
def chart_style() -> SafeString:
    """The pages' chart stylesheet (front/charts.css), inlined: the PDF fetches nothing."""
    path = finders.find("front/charts.css")
    with open(str(path), encoding="utf-8") as sheet:
        return SafeString(f"<style>{sheet.read()}</style>")  # our own file, not user input


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
                    rows,
                    f"Peringkat {indicator['label']}",
                    target=indicator.get("target"),
                    caption=True,
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
        caption=True,
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
            "style": chart_style(),
        },
    )
