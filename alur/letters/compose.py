"""Official letters (naskah dinas, Permendagri 1/2023) as HTML and PDF: surat, nota dinas, berita
acara serah terima, surat pernyataan and laporan, under the office's letterhead.

A pure module: callers pass plain values (`LetterContent`), nothing here reads the database.
`render_pdf` also returns where the signature block's empty space for the TTE stamp landed (page
and box in PDF points, origin bottom-left), ready for `tte.signing.sign_pdf(page=..., box=...)`;
the HTML-to-PDF step and the signature block are `alur.tte.pdf`'s, shared with every issued
document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.core.letterhead import Kop
from alur.org.regions import ZONE_LABELS, zone_label
from alur.tte.pdf import (
    SECOND_TTE_ID,
    TTE_HEIGHT_PT,
    TTE_ID,
    TTE_WIDTH_PT,
    Rendered,
    SignatureBlock,
    html_to_pdf,
)
from alur.tte.qr import qr_svg
from alur.tte.words import date_in_words, date_long

__all__ = [
    "KINDS",
    "LetterContent",
    "ParafMark",
    "Party",
    "render_html",
    "render_pdf",
]

KINDS = ("surat", "nota_dinas", "bast", "surat_pernyataan", "laporan")
PAPER_SIZES = {"A4": "210mm 297mm", "F4": "215mm 330mm"}
MAX_PARAFS = 3
BLANK = "………"
NBSP = "\u00a0"
DEFAULT_UNIT = "Disdukcapil"
TEMPLATE_DIR = "letters/naskah"


@dataclass(frozen=True)
class ParafMark:
    """An initial in the approval chain; `at` is aware and shown in the letter's time zone."""

    position: str
    name: str
    at: datetime


@dataclass(frozen=True)
class Party:
    """A party of a BAST, or the declarant of a surat pernyataan."""

    name: str
    nip: str = ""
    position: str = ""
    office: str = ""
    address: str = ""


@dataclass(frozen=True)
class LetterContent:
    kind: str  # one of KINDS
    kop: Kop
    subject: str  # perihal / judul
    # plain text; a blank line starts a paragraph; lines starting "- " are a list; in a laporan
    # the first paragraph is the period line under the title ("Periode Oktober 2026")
    body: str
    signer: SignatureBlock
    city: str  # the place of the date line
    date: date | None = None  # None on a draft: "……… 2026"
    number: str | None = None  # None on a draft: "………/………/<unit>/<year>"
    recipient: str = ""  # Yth. ... (surat, nota dinas); one line per line
    sender: str = ""  # nota dinas "Dari"
    carbon_copy: tuple[str, ...] = ()  # tembusan
    sifat: str = "Biasa"
    lampiran: str = "-"
    parafs: tuple[ParafMark, ...] = ()  # at most three, in rank order
    first_party: Party | None = None  # BAST: PIHAK PERTAMA; surat pernyataan: the declarant
    second_party: Party | None = None  # BAST: PIHAK KEDUA
    # BAST goods: (description, quantity, note); laporan rows: (label, value, note)
    items: tuple[tuple[str, str, str], ...] = ()
    verify_url: str | None = None  # final documents: a QR code to it and the URL printed small
    draft: bool = False  # a "KONSEP" watermark on every page
    timezone: str = "Asia/Jakarta"  # of the paraf times and of a draft's year
    unit: str = DEFAULT_UNIT  # the number's unit, for a draft's placeholder number
    paper: str = "A4"  # "A4" or "F4"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown letter kind {self.kind!r}: one of {', '.join(KINDS)}")
        if len(self.parafs) > MAX_PARAFS:
            raise ValueError(f"at most {MAX_PARAFS} parafs, not {len(self.parafs)}")
        for mark in self.parafs:
            if mark.at.utcoffset() is None:
                raise ValueError(f"the paraf time of {mark.name} must be timezone-aware")
        if self.paper not in PAPER_SIZES:
            raise ValueError(f"unknown paper {self.paper!r}: one of {', '.join(PAPER_SIZES)}")
        ZoneInfo(self.timezone)  # an unknown zone fails here, not halfway through a render
        if self.kind == "bast" and self.second_party is None:  # the first defaults to the signer
            raise ValueError("a BAST needs a second_party")


@dataclass(frozen=True)
class _Block:
    """A piece of the body: a paragraph (`lines`) or a bulleted list (`items`)."""

    lines: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


def _body_blocks(body: str) -> list[_Block]:
    """Paragraphs split at blank lines; runs of lines starting "- " become a list."""
    blocks: list[_Block] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(_Block(lines=tuple(paragraph)))
            paragraph.clear()

    def flush_bullets() -> None:
        if bullets:
            blocks.append(_Block(items=tuple(bullets)))
            bullets.clear()

    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush_paragraph()
            flush_bullets()
        elif line.startswith("- ") or line == "-":
            flush_paragraph()
            bullets.append(line[2:].strip())
        else:
            flush_bullets()
            paragraph.append(line)
    flush_paragraph()
    flush_bullets()
    return blocks


def _zone_label(zone_name: str, moment: datetime) -> str:
    return zone_label(zone_name) if zone_name in ZONE_LABELS else moment.strftime("%Z") or zone_name


def _paraf_rows(content: LetterContent) -> list[dict[str, str]]:
    zone = ZoneInfo(content.timezone)
    rows = []
    for mark in content.parafs:
        local = mark.at.astimezone(zone)
        label = _zone_label(content.timezone, local)
        rows.append(
            {
                "position": mark.position,
                "name": mark.name,
                "day": f"{local:%d-%m-%Y}",
                "clock": f"{local:%H.%M} {label}",
            }
        )
    return rows


def _party_rows(party: Party | None) -> list[tuple[str, str]]:
    if party is None:
        return []
    rows = [
        ("Nama", party.name),
        ("NIP", party.nip),
        ("Jabatan", party.position),
        ("Instansi", party.office),
        ("Alamat", party.address),
    ]
    return [(label, value) for label, value in rows if value]


def _signer_as_party(signer: SignatureBlock) -> Party:
    """A surat pernyataan without a declarant: the signer declares."""
    return Party(name=signer.name, nip=signer.nip, position=signer.position_title)


def _draft_year(content: LetterContent) -> int:
    if content.date is not None:
        return content.date.year
    return datetime.now(ZoneInfo(content.timezone)).year


def _number_text(content: LetterContent) -> str:
    if content.number:
        return content.number
    return f"{BLANK}/{BLANK}/{content.unit}/{_draft_year(content)}"


def _date_text(content: LetterContent) -> str:
    if content.date is not None:
        return date_long(content.date)
    return f"{BLANK} {_draft_year(content)}"


def _opening_date(content: LetterContent) -> str:
    """The BAST's "Pada hari ini ..." date in words; blanks on a draft without a date."""
    if content.date is not None:
        return date_in_words(content.date)
    return f"{BLANK} tanggal {BLANK} bulan {BLANK} tahun {BLANK}"


def _context(content: LetterContent) -> dict[str, Any]:
    signer = content.signer
    position = " ".join(part for part in (signer.acting, signer.position_title) if part)
    date_text = _date_text(content)
    items = [
        {"no": index, "label": label, "value": value, "note": note}
        for index, (label, value, note) in enumerate(content.items, start=1)
    ]
    blocks = _body_blocks(content.body)
    lead: _Block | None = None
    if content.kind == "laporan" and blocks and blocks[0].lines:
        lead, blocks = blocks[0], blocks[1:]
    show_number = content.number is not None or content.draft
    if content.kind in ("surat", "nota_dinas", "bast"):
        show_number = True
    return {
        "content": content,
        "kind": content.kind,
        "kop": content.kop,
        "page_size": PAPER_SIZES[content.paper],
        "number_text": _number_text(content),
        "show_number": show_number,
        "date_text": date_text,
        "date_line": f"{content.city}, {date_text}" if content.city else date_text,
        "opening_date": _opening_date(content),
        "blocks": blocks,
        "lead": lead,
        "recipient_lines": [line for line in content.recipient.splitlines() if line.strip()],
        "carbon_copy": [line for line in content.carbon_copy if line.strip()],
        "signer": signer,
        "signer_position": position,
        "parafs": _paraf_rows(content),
        "first_party_rows": _party_rows(content.first_party or _signer_as_party(signer)),
        "second_party_rows": _party_rows(content.second_party),
        "items": items,
        "qr": SafeString(qr_svg(content.verify_url)) if content.verify_url else "",
        "tte_id": TTE_ID,
        "second_tte_id": SECOND_TTE_ID,
        "tte_width": TTE_WIDTH_PT,
        "tte_height": TTE_HEIGHT_PT,
    }


def render_html(content: LetterContent) -> str:
    """The letter as one standalone HTML document (styles inline, QR inline as SVG)."""
    return render_to_string(f"{TEMPLATE_DIR}/{content.kind}.html", _context(content))


def render_pdf(content: LetterContent) -> Rendered:
    """The letter as a PDF, with the page and box of the space left for the TTE stamp."""
    return html_to_pdf(render_html(content))
