"""HTML to PDF for any issued document: the TTE space is found where it landed, a document
without one is refused, and nothing is fetched."""

from __future__ import annotations

import pytest

from alur.tte.pdf import TTE_HEIGHT_PT, TTE_WIDTH_PT, _refuse_fetch, html_to_pdf

A4_HEIGHT_PT = 841.89


def page(body: str) -> str:
    return (
        "<!doctype html><html><head><style>@page { size: 210mm 297mm; margin: 20mm }"
        f"#tte, #tte2 {{ width: {TTE_WIDTH_PT / 0.75}px; height: {TTE_HEIGHT_PT / 0.75}px }}"
        f"</style></head><body>{body}</body></html>"
    )


def test_the_tte_space_is_found_on_its_page() -> None:
    rendered = html_to_pdf(page('<p>Isi</p><div id="tte"></div>'))
    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.signature_page == 0
    x1, y1, x2, y2 = rendered.signature_box
    assert x2 - x1 == pytest.approx(TTE_WIDTH_PT, abs=0.5)
    assert y2 - y1 == pytest.approx(TTE_HEIGHT_PT, abs=0.5)
    assert 0 < y1 < y2 < A4_HEIGHT_PT
    assert rendered.second_box is None


def test_a_second_party_space_is_found_too() -> None:
    rendered = html_to_pdf(page('<div id="tte"></div><div id="tte2"></div>'))
    assert rendered.second_box is not None
    second_page, (_, _, _, second_top) = rendered.second_box
    assert second_page == 0 and second_top <= rendered.signature_box[1] + 0.5


def test_a_document_without_a_tte_space_is_refused() -> None:
    with pytest.raises(RuntimeError, match="no signature box"):
        html_to_pdf(page("<p>Tanpa tempat tanda tangan</p>"))


def test_nothing_is_fetched() -> None:
    for url in ("https://example.com/logo.png", "file:///etc/passwd", "http://10.0.0.1/x.css"):
        with pytest.raises(ValueError, match="fetches nothing"):
            _refuse_fetch(url)
    _refuse_fetch("data:image/png;base64,iVBORw0KGgo=")
