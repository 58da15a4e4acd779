"""The SOP as its official document (Permenpan-RB 35/2012): identity page and flow table.

`render_html` gives the document as HTML: for the staff pages a fragment styled by
`static/sop/document.css`, for print a standalone page with `static/sop/print.css` embedded;
`render_pdf` prints that page with WeasyPrint and fetches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import slugify

from alur.org.models import Office
from alur.sop.render.flow import flow_layout
from alur.sop.render.measure import PRINT, SCREEN
from alur.sop.schema import Sop

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "sop"


# The identity page ------------------------------------------------------------------------


@dataclass
class Kop:
    lines: list[tuple[str, str]]  # (css class, text)
    address: list[str]


def kop_of(sop: Sop, office: Office | None) -> Kop:
    """The letterhead: from the office when it exists, else from the SOP's own text."""
    units = [text.upper() for text in (sop.unit, sop.section) if text]
    if office is not None:
        lines = [("sop-kop-gov", office.kop_government.upper())] if office.kop_government else []
        agency = office.kop_agency or office.name
        lines.append(("sop-kop-agency", agency.upper()))
        address = [
            ", ".join(part for part in (office.address, office.postal_code) if part),
            " · ".join(
                part
                for part in (
                    f"Telp. {office.phone}" if office.phone else "",
                    f"Surel: {office.email}" if office.email else "",
                    f"Laman: {office.website}" if office.website else "",
                )
                if part
            ),
        ]
    else:
        title = sop.approver.title
        agency = title[len("Kepala ") :] if title.lower().startswith("kepala ") else title
        lines = [("sop-kop-agency", agency.upper())]
        address = []
    lines += [("sop-kop-unit", text) for text in units]
    return Kop(lines, [line for line in address if line])


def document_filename(sop: Sop, source: str | None = None) -> str:
    """S2e-r1-akta-kelahiran.pdf: the code, the revision and the file's name (or the SOP's)."""
    stem = Path(source).stem if source else ""
    if stem.startswith(f"{sop.code}-"):
        slug = stem[len(sop.code) + 1 :]
    else:
        slug = slugify(sop.name)
        if len(slug) > 60:  # cut at a word
            slug = slug[:61].rsplit("-", 1)[0]
    return f"{sop.code}-r{sop.revision}-{slug}.pdf"


def document_context(sop: Sop, office: Office | None, *, for_pdf: bool) -> dict[str, object]:
    flow = flow_layout(sop, PRINT if for_pdf else SCREEN, paginate=for_pdf)
    deadline = sop.deadline
    return {
        "sop": sop,
        "office": office,
        "for_pdf": for_pdf,
        "kop": kop_of(sop, office),
        "flow": flow,
        "flow_title": sop.flow_title or f"SOP {sop.name}",
        "deadline": deadline,
        "footer": f"SOP {sop.code} r{sop.revision} · {sop.number or 'tanpa nomor'}",
    }


def render_html(sop: Sop, office: Office | None, *, for_pdf: bool) -> str:
    """The document as HTML: a standalone page for print, else a fragment for the staff pages."""
    context = document_context(sop, office, for_pdf=for_pdf)
    if not for_pdf:
        return render_to_string("sop/document.html", context)
    context["css"] = SafeString((STATIC_DIR / "print.css").read_text(encoding="utf-8"))
    return render_to_string("sop/document_pdf.html", context)


def refuse_fetch(url: str) -> None:
    """The SOP document is complete in itself: any URL outside it is refused."""
    if not url.startswith("data:"):
        raise ValueError(f"the SOP document fetches nothing: {url}")


def render_pdf(sop: Sop, office: Office | None) -> bytes:
    # WeasyPrint is imported here: it is slow to import and only the PDF needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            refuse_fetch(url)
            return super().fetch(url, headers)

    html = render_html(sop, office, for_pdf=True)
    document = HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=LocalOnlyFetcher())
    pdf = document.write_pdf(presentational_hints=True)
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf
