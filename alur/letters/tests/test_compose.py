"""Official letters to PDF: every kind shows its parts, drafts are marked, user text is escaped,
and the returned TTE box is the empty space in the signature block, on the right page."""

from __future__ import annotations

import dataclasses
import functools
import re
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from alur.core.letterhead import Kop
from alur.letters.compose import KINDS, LetterContent, ParafMark, Party, render_html, render_pdf
from alur.org.models import Office
from alur.tte.pdf import Rendered, SignatureBlock
from alur.tte.words import date_in_words

WIB = ZoneInfo("Asia/Jakarta")
UTC = ZoneInfo("UTC")
A4_POINTS = (595.28, 841.89)
VERIFY_URL = "https://alur.example.go.id/v/7K2M9QX4"

KOP = Kop(
    government="PEMERINTAH KOTA PANGKALPINANG",
    agency="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    address="Jalan Merdeka Nomor 4",
    city="Pangkalpinang",
    postal_code="33134",
    phone="(0717) 421234",
    email="disdukcapil@pangkalpinangkota.go.id",
    website="disdukcapil.pangkalpinangkota.go.id",
)
SIGNER = SignatureBlock(
    position_title="Kepala Dinas",
    name="HENDRA SAPUTRA",
    rank="Pembina Utama Muda",
    nip="19700101 199003 1 001",
)
PARAFS = (
    ParafMark("Kepala Seksi", "Rina Marlina", datetime(2026, 11, 20, 2, 15, tzinfo=UTC)),
    ParafMark("Kepala Bidang", "Ahmad Fauzi", datetime(2026, 11, 21, 9, 5, tzinfo=WIB)),
    ParafMark("Sekretaris", "Dewi Lestari", datetime(2026, 11, 22, 14, 40, tzinfo=WIB)),
)
FIRST = Party(name="HENDRA SAPUTRA", nip="19700101 199003 1 001", position="Kepala Dinas")
SECOND = Party(name="SITI AMINAH", nip="19850505 201001 2 003", position="Camat Gerunggang")
BODY = (
    "Dengan hormat,\n\n"
    "Bersama ini kami sampaikan hal berikut:\n"
    "- Hari: Rabu\n"
    "- Tempat: Ruang Rapat\n\n"
    "Demikian disampaikan."
)
NUMBERS = {
    "surat": "400.12.2.1/123/Disdukcapil/2026",
    "nota_dinas": "ND/45/Disdukcapil/2026",
    "bast": "400.12.2.1/124/Disdukcapil/2026",
    "surat_pernyataan": "400.12/125/Disdukcapil/2026",
    "laporan": "400.12.4/126/Disdukcapil/2026",
}
SUBJECTS = {
    "surat": "Undangan Rapat Koordinasi",
    "nota_dinas": "Tambahan Blanko KTP-el",
    "bast": "Blanko KTP-el",
    "surat_pernyataan": "Tanggung Jawab Mutlak",
    "laporan": "Capaian Perekaman KTP-el",
}
TITLES = {
    "surat": "Kepada",
    "nota_dinas": "NOTA DINAS",
    "bast": "BERITA ACARA SERAH TERIMA",
    "surat_pernyataan": "SURAT PERNYATAAN",
    "laporan": "LAPORAN",
}
LETTER_DATE = date(2026, 11, 23)
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def letter(kind: str, **changes: object) -> LetterContent:
    content = LetterContent(
        kind=kind,
        kop=KOP,
        subject=SUBJECTS[kind],
        body="Periode Oktober 2026\n\n" + BODY if kind == "laporan" else BODY,
        signer=SIGNER,
        city="Pangkalpinang",
        date=LETTER_DATE,
        number=NUMBERS[kind],
        recipient="Camat Gerunggang" if kind in ("surat", "nota_dinas") else "",
        sender="Kepala Bidang Pendaftaran Penduduk" if kind == "nota_dinas" else "",
        carbon_copy=("Wali Kota Pangkalpinang",),
        parafs=PARAFS,
        first_party=FIRST if kind in ("bast", "surat_pernyataan") else None,
        second_party=SECOND if kind == "bast" else None,
        items=(("Blanko KTP-el", "500 keping", "seri 000123"),)
        if kind in ("bast", "laporan")
        else (),
        verify_url=VERIFY_URL,
    )
    return dataclasses.replace(content, **changes)


@functools.cache
def rendered(kind: str) -> Rendered:
    """One final letter of each kind, rendered once for the whole module."""
    return render_pdf(letter(kind))


def pdf_text(pdftotext: str, pdf: bytes, *args: str) -> str:
    """The PDF's text with runs of whitespace made single spaces."""
    out = subprocess.run(
        [pdftotext, "-layout", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def words_on_page(
    pdftotext: str, pdf: bytes, page: int
) -> list[tuple[str, float, float, float, float]]:
    """(word, x_min, y_min, x_max, y_max) on 0-based `page`, in points, origin top-left."""
    number = str(page + 1)
    out = subprocess.run(
        [pdftotext, "-bbox", "-f", number, "-l", number, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [
        (unescape(text), float(x1), float(y1), float(x2), float(y2))
        for x1, y1, x2, y2, text in WORD.findall(out)
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_shows_its_parts(kind: str, poppler: Callable[[str], str]) -> None:
    result = rendered(kind)
    assert result.pdf.startswith(b"%PDF")
    text = pdf_text(poppler("pdftotext"), result.pdf)
    assert TITLES[kind] in text
    assert NUMBERS[kind] in text
    assert SUBJECTS[kind].upper() in text.upper()
    assert SIGNER.name in text
    assert f"NIP. {SIGNER.nip}" in text
    for mark in PARAFS:
        assert mark.name in text
    assert "KONSEP" not in text
    assert f"periksa keasliannya di {VERIFY_URL}" in text
    if kind == "nota_dinas":
        assert "Tanggal : 23 November 2026" in text
        assert "Dari : Kepala Bidang Pendaftaran Penduduk" in text
    elif kind == "bast":
        assert f"Pada hari ini {date_in_words(LETTER_DATE)}" in text
        assert "Pada hari ini Senin tanggal dua puluh tiga bulan November tahun dua ribu" in text
        assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
        assert SECOND.name in text and "Camat Gerunggang" in text
        assert "500 keping" in text
    else:
        assert "Pangkalpinang, 23 November 2026" in text
    if kind in ("surat", "laporan", "surat_pernyataan"):
        assert "Tembusan: 1. Wali Kota Pangkalpinang" in text
    if kind == "laporan":
        assert "Periode Oktober 2026" in text and "500 keping" in text
    if kind == "surat_pernyataan":
        assert "Yang menyatakan," in text


def test_paraf_times_are_shown_in_the_letters_time_zone() -> None:
    """02:15 UTC is 09.15 WIB in Jakarta and 10.15 WITA in Makassar."""
    html = render_html(letter("surat"))
    assert "20-11-2026<br>09.15 WIB" in html
    assert "21-11-2026<br>09.05 WIB" in html
    html = render_html(letter("surat", timezone="Asia/Makassar"))
    assert "20-11-2026<br>10.15 WITA" in html


def test_body_paragraphs_and_lists() -> None:
    html = render_html(letter("surat"))
    assert "<p>Dengan hormat,</p>" in html
    assert "<li>Hari: Rabu</li><li>Tempat: Ruang Rapat</li>" in html
    assert "<p>Demikian disampaikan.</p>" in html


def test_a_draft_shows_konsep_and_placeholders(poppler: Callable[[str], str]) -> None:
    year = datetime.now(WIB).year
    draft = letter("surat", draft=True, number=None, date=None, verify_url=None)
    text = pdf_text(poppler("pdftotext"), render_pdf(draft).pdf)
    assert "KONSEP" in text
    assert f"………/………/Disdukcapil/{year}" in text
    assert f"Pangkalpinang, ……… {year}" in text
    assert "periksa keasliannya" not in text
    html = render_html(
        dataclasses.replace(draft, kind="bast", first_party=FIRST, second_party=SECOND)
    )
    assert "Pada hari ini ……… tanggal ……… bulan ……… tahun ………" in html


def test_user_text_is_escaped(poppler: Callable[[str], str]) -> None:
    attack = "<script>alert(1)</script>"
    content = letter(
        "surat",
        subject=attack,
        body=f"Isi {attack}\n- <b>tebal</b>",
        recipient='Camat "X" <img src=x>',
        signer=dataclasses.replace(SIGNER, name="<i>Nama</i>"),
    )
    html = render_html(content)
    assert attack not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = pdf_text(poppler("pdftotext"), render_pdf(content).pdf)
    assert attack in text and "<i>Nama</i>" in text


def _check_box_is_the_empty_tte_space(
    pdftotext: str, result: Rendered, above: str, below: str
) -> None:
    """The box is 200x70 pt inside the page, holds no text, has `above` just above it and the
    signer's `below` just below it (which also proves the y axis is flipped correctly)."""
    x1, y1, x2, y2 = result.signature_box
    width, height = A4_POINTS
    assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
    assert x2 - x1 == pytest.approx(200, abs=0.5) and y2 - y1 == pytest.approx(70, abs=0.5)
    words = words_on_page(pdftotext, result.pdf, result.signature_page)
    top, bottom = height - y2, height - y1  # the box with the origin at the top
    for word, wx1, wy1, wx2, wy2 in words:
        centre_x, centre_y = (wx1 + wx2) / 2, (wy1 + wy2) / 2
        assert not (x1 < centre_x < x2 and top < centre_y < bottom), f"{word!r} is in the box"
    name = min((w for w in words if w[0] == below and w[2] >= bottom - 1), key=lambda w: w[2])
    assert name[2] <= bottom + 30 and x1 - 1 <= name[1] < x2
    title = [w for w in words if w[0] == above and w[4] <= top + 1]
    assert title and top - 30 <= max(w[4] for w in title)


def test_the_signature_box_is_the_empty_space_above_the_name(
    poppler: Callable[[str], str],
) -> None:
    pdftotext = poppler("pdftotext")
    for kind in ("surat", "nota_dinas", "surat_pernyataan", "laporan"):
        result = rendered(kind)
        assert result.signature_page == 0
        _check_box_is_the_empty_tte_space(pdftotext, result, "Dinas,", "HENDRA")


def test_the_bast_box_is_pihak_pertamas_on_the_right(poppler: Callable[[str], str]) -> None:
    pdftotext = poppler("pdftotext")
    result = rendered("bast")
    _check_box_is_the_empty_tte_space(pdftotext, result, "Dinas,", "HENDRA")
    words = words_on_page(pdftotext, result.pdf, result.signature_page)
    second = next(w for w in words if w[0] == "SITI")
    x1 = result.signature_box[0]
    assert second[2] < x1 < A4_POINTS[0] / 2 + 20  # PIHAK KEDUA on the left, the box at right
    top = A4_POINTS[1] - result.signature_box[3]
    headings = {w[0]: w for w in words if top - 60 < w[4] < top}
    assert headings["KEDUA,"][1] < x1 <= headings["PERTAMA,"][1] + 1


def test_a_long_body_moves_the_signature_to_a_later_page(poppler: Callable[[str], str]) -> None:
    pdftotext = poppler("pdftotext")
    body = "\n\n".join(
        f"Paragraf {n}: pelayanan administrasi kependudukan dilaksanakan sesuai standar." * 2
        for n in range(1, 61)
    )
    result = render_pdf(letter("surat", body=body))
    assert result.signature_page >= 2
    _check_box_is_the_empty_tte_space(pdftotext, result, "Dinas,", "HENDRA")
    before = pdf_text(pdftotext, result.pdf, "-l", str(result.signature_page))
    assert SIGNER.name not in before and "Paragraf 1:" in before
    page = str(result.signature_page + 1)
    on_page = pdf_text(pdftotext, result.pdf, "-f", page, "-l", page)
    assert SIGNER.name in on_page and "Paragraf 60:" in pdf_text(pdftotext, result.pdf)
    assert f"periksa keasliannya di {VERIFY_URL}" not in before


def test_the_letter_is_validated() -> None:
    late = ParafMark("Asisten", "Budi", datetime(2026, 11, 22, 15, tzinfo=WIB))
    with pytest.raises(ValueError, match="at most 3"):
        letter("surat", parafs=(*PARAFS, late))
    with pytest.raises(ValueError, match="unknown letter kind"):
        dataclasses.replace(letter("surat"), kind="memo")
    with pytest.raises(ValueError, match="timezone-aware"):
        letter("surat", parafs=(ParafMark("Sekretaris", "Dewi", datetime(2026, 11, 22)),))  # noqa: DTZ001
    with pytest.raises(ValueError, match="needs a second_party"):
        letter("bast", second_party=None)
    with pytest.raises(ValueError, match="unknown paper"):
        letter("surat", paper="Letter")


def test_f4_paper_sets_the_page_size() -> None:
    html = render_html(letter("surat", paper="F4"))
    assert "size: 215mm 330mm" in html


def test_kop_of_an_office_falls_back_to_its_name() -> None:
    office = Office(
        name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Way Kanan",
        short_name="Disdukcapil Way Kanan",
        kop_government="PEMERINTAH KABUPATEN WAY KANAN",
        kop_agency="",
        address="Jalan Jenderal Sudirman",
        city="Blambangan Umpu",
        postal_code="34764",
        phone="(0723) 123",
        email="dukcapil@waykanankab.go.id",
        website="dukcapil.waykanankab.go.id",
    )
    kop = Kop.of(office)
    assert kop.government == "PEMERINTAH KABUPATEN WAY KANAN"
    assert kop.agency == office.name
    assert (kop.city, kop.postal_code, kop.email) == (
        "Blambangan Umpu",
        "34764",
        "dukcapil@waykanankab.go.id",
    )
    html = render_html(letter("surat", kop=kop))
    assert "Jalan Jenderal Sudirman, Blambangan Umpu\u00a034764" in html
    assert "Pos-el\u00a0dukcapil@waykanankab.go.id" in html
