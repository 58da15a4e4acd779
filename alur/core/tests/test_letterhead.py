"""One letterhead for every printed document of an office."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from django.template import Context, Template

from alur.core.letterhead import ADDRESS, CONTACTS, Kop, letterhead_html

OFFICE = SimpleNamespace(
    name="Disdukcapil Kabupaten Way Kanan",
    kop_government="PEMERINTAH KABUPATEN WAY KANAN",
    kop_agency="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    address="Jl. Jend. Sudirman No. 1",
    city="Blambangan Umpu",
    postal_code="34764",
    phone="(0723) 123",
    email="disdukcapil@waykanankab.go.id",
    website="",
)


def test_the_lines_under_the_agency_are_nothing_the_address_or_the_contacts() -> None:
    kop = Kop.of(OFFICE)
    assert kop.lines() == []
    assert kop.lines(ADDRESS) == ["Jl. Jend. Sudirman No. 1"]
    assert kop.lines(CONTACTS) == [
        "Jl. Jend. Sudirman No. 1, Blambangan Umpu\u00a034764",
        "Telepon\u00a0(0723) 123 · Pos-el\u00a0disdukcapil@waykanankab.go.id",
    ]


def test_an_office_without_its_own_agency_line_prints_its_name() -> None:
    office = SimpleNamespace(name="Disdukcapil Kota Metro", kop_government="", kop_agency="")
    kop = Kop.of(office)
    assert (kop.government, kop.agency, kop.lines(ADDRESS)) == ("", "Disdukcapil Kota Metro", [])


def test_the_tag_and_the_function_draw_the_same_letterhead() -> None:
    drawn = Template('{% load letterhead %}{% letterhead office "address" %}').render(
        Context({"office": OFFICE})
    )
    assert drawn == letterhead_html(OFFICE, ADDRESS)
    assert '<div class="government">PEMERINTAH KABUPATEN WAY KANAN</div>' in drawn
    assert '<div class="contact">Jl. Jend. Sudirman No. 1</div>' in drawn


PDF_TEMPLATES = ("documents/templates/documents/pdf", "reports/templates/reports/pdf")
PDF_TEMPLATES += ("letters/templates/letters/naskah",)


def test_no_pdf_template_draws_its_own_letterhead() -> None:
    root = Path(__file__).resolve().parents[2]
    own = [
        str(path.relative_to(root))
        for folder in PDF_TEMPLATES
        for path in (root / folder).glob("*.html")
        if 'class="kop' in path.read_text()
    ]
    assert own == []
