"""HTML to PDF for every issued document (a letter, a citizen's document): the rendered PDF, the
page and box of its TTE space, and the signature block printed above it.

A document marks the signer's empty space with `<div id="tte">` (and a second party's with
`<div id="tte2">`); `html_to_pdf` finds where they landed (page and box in PDF points, origin
bottom-left), ready for `signing.sign_pdf(page=..., box=...)`. The documents are complete in
themselves: every URL WeasyPrint would fetch is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "SECOND_TTE_ID",
    "TTE_HEIGHT_PT",
    "TTE_ID",
    "TTE_WIDTH_PT",
    "Rendered",
    "SignatureBlock",
    "html_to_pdf",
]

TTE_ID = "tte"
SECOND_TTE_ID = "tte2"  # the second party's space on a BAST signed by both
TTE_WIDTH_PT = 200
TTE_HEIGHT_PT = 70
PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in


@dataclass(frozen=True)
class SignatureBlock:
    position_title: str
    name: str
    rank: str = ""
    nip: str = ""
    acting: str = ""  # "Plt." / "Plh." / ""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    signature_page: int  # 0-based index of the page with the signature block
    # (x1, y1, x2, y2) in PDF points, origin bottom-left: the empty space for the TTE stamp
    signature_box: tuple[float, float, float, float]
    # The second party's space (page, box) on a BAST, for a second signature; None elsewhere.
    second_box: tuple[int, tuple[float, float, float, float]] | None = None


def _refuse_fetch(url: str) -> None:
    """A document is complete in itself: anything but inline data is refused."""
    if not url.startswith("data:"):
        raise ValueError(f"a document fetches nothing: {url!r} refused")


def _find_box(
    document: Any, element_id: str
) -> tuple[int, tuple[float, float, float, float]] | None:
    """The page index and PDF box (points, origin bottom-left) of the `div#element_id`."""
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or element.get("id") != element_id:
                continue
            if getattr(box, "element_tag", None) != "div":
                continue
            x = box.content_box_x()
            y = box.content_box_y()
            height_pt = page.height * PX_TO_PT
            x1 = x * PX_TO_PT
            x2 = (x + box.width) * PX_TO_PT
            y1 = height_pt - (y + box.height) * PX_TO_PT
            y2 = height_pt - y * PX_TO_PT
            return index, (round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2))
    return None


def _find_tte(document: Any) -> tuple[int, tuple[float, float, float, float]]:
    """The page index and PDF box of the signer's space `#tte`."""
    found = _find_box(document, TTE_ID)
    if found is None:
        raise RuntimeError("the rendered letter has no signature box (#tte)")
    return found


def html_to_pdf(html: str) -> Rendered:
    """A standalone HTML document (a letter or a citizen document with a `div#tte`) as a PDF,
    with the page and box of its TTE space (and of a second party's `div#tte2`, if any). Fetches
    nothing but inline data."""
    # WeasyPrint is imported here: it is slow to import and only the PDF needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RefusingFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            _refuse_fetch(url)
            return super().fetch(url, headers)

    document = HTML(string=html, url_fetcher=RefusingFetcher()).render()
    page, box = _find_tte(document)
    pdf = document.write_pdf()
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return Rendered(
        pdf=pdf,
        signature_page=page,
        signature_box=box,
        second_box=_find_box(document, SECOND_TTE_ID),
    )
