"""Citizen documents as PDF: the KK in the layout of Permendagri 109/2019 (as far as public
specimens show it) and a certificate layout for SKPWNI and the kutipan akta. Signed documents
carry the QR code of their verification page; a draft is marked KONSEP and has no QR.

`document_pdf` returns the PDF and where the empty space for the TTE stamp landed, for
`letters.signing.sign_pdf(page=..., box=...)`. Nothing here writes to the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from alur.documents.choices import OutputKind
from alur.documents.definitions import service_for
from alur.documents.models import CitizenDocument
from alur.letters.compose import TTE_ID, Kop, Rendered, SignatureBlock, html_to_pdf
from alur.letters.issuing import signature_block
from alur.letters.qr import qr_svg
from alur.letters.words import date_long
from alur.org.choices import PositionKind
from alur.org.models import Position, User
from alur.registry.models import Family, FamilyMember


def _regions(family_or_resident: Any) -> dict[str, str]:
    district = family_or_resident.district
    regency = district.parent
    province = regency.parent if regency else None
    return {
        "district": district.name.upper(),
        "regency": regency.name.upper() if regency else "",
        "province": province.name.upper() if province else "",
    }


def _day(value: date | None) -> str:
    return f"{value:%d-%m-%Y}" if value else "-"


def _members(family: Family, on: date | None) -> list[FamilyMember]:
    rows = family.members.select_related("resident").order_by("since", "pk")
    if on is None:
        return [m for m in rows if m.until is None]
    return [m for m in rows if m.since <= on and (m.until is None or m.until > on)]


def kk_context(document: CitizenDocument) -> dict[str, Any]:
    family = document.family
    if family is None:
        raise ValueError("a KK document needs its family")
    members = sorted(_members(family, None), key=lambda m: (m.relation != "kepala", m.since, m.pk))
    rows = []
    for index, member in enumerate(members, start=1):
        person = member.resident
        rows.append(
            {
                "no": index,
                "name": person.name,
                "nik": person.nik,
                "sex": person.get_sex_display().upper(),
                "birth_place": person.birth_place,
                "birth_date": _day(person.birth_date),
                "religion": person.get_religion_display().upper() if person.religion else "-",
                "education": person.get_education_display().upper() if person.education else "-",
                "occupation": (person.occupation or "-").upper(),
                "marital": person.get_marital_status_display().upper(),
                "relation": member.get_relation_display().upper(),
                "citizenship": person.get_citizenship_display(),
                "father": person.father_name or "-",
                "mother": person.mother_name or "-",
            }
        )
    return {
        "title": "KARTU KELUARGA",
        "number_label": "No.",
        "number": family.no_kk,
        "family": family,
        "head": family.head.name,
        "regions": _regions(family),
        "rows": rows,
        "issued_on": _day(family.changed_on or family.issued_on),
    }


def certificate_context(document: CitizenDocument) -> dict[str, Any]:
    """SKPWNI and kutipan akta: the rows the service's data entry prepared (`data["rows"]`)."""
    titles = {
        OutputKind.SKPWNI: "SURAT KETERANGAN PINDAH WARGA NEGARA INDONESIA",
        OutputKind.AKTA_KELAHIRAN: "KUTIPAN AKTA KELAHIRAN",
        OutputKind.AKTA_KEMATIAN: "KUTIPAN AKTA KEMATIAN",
    }
    rows = [
        (str(row[0]), str(row[1]))
        for row in document.data.get("rows", [])
        if isinstance(row, list | tuple) and len(row) == 2
    ]
    return {
        "title": titles.get(document.kind, document.get_kind_display().upper()),
        "number_label": "Nomor" if document.kind == OutputKind.SKPWNI else "No. Akta",
        "number": document.register_number,
        "rows": rows,
        "statement": document.data.get("statement", ""),
    }


RENDERERS = {
    OutputKind.KK: kk_context,
    OutputKind.SKPWNI: certificate_context,
    OutputKind.AKTA_KELAHIRAN: certificate_context,
    OutputKind.AKTA_KEMATIAN: certificate_context,
}
TEMPLATES = {OutputKind.KK: "documents/pdf/kk.html"}
DEFAULT_TEMPLATE = "documents/pdf/certificate.html"


def signer_position(document: CitizenDocument) -> Position | None:
    return (
        Position.objects.filter(office=document.office, kind=PositionKind.KADIS, is_active=True)
        .order_by("pk")
        .first()
    )


def render_html(
    document: CitizenDocument,
    *,
    signer: User | None = None,
    when: datetime | None = None,
    verify_url: str | None = None,
) -> str:
    service = service_for(document.case.sop.code)
    renderer = (service.renderers.get(document.kind) if service else None) or RENDERERS.get(
        document.kind
    )
    if renderer is None:
        raise ValueError(f"{document.kind} has no PDF")
    office = document.office
    position = signer_position(document)
    block = (
        signature_block(position, signer)
        if position is not None
        else SignatureBlock(position_title="Kepala Dinas", name="")
    )
    local = timezone.localtime(when or timezone.now(), ZoneInfo(office.timezone))
    context = renderer(document) | {
        "document": document,
        "kop": Kop.of(office),
        "signer": block,
        "signer_position": " ".join(p for p in (block.acting, block.position_title) if p),
        "date_line": f"{office.city or office.short_name}, {date_long(local.date())}",
        "qr": SafeString(qr_svg(verify_url)) if verify_url else "",
        "verify_url": verify_url or "",
        "draft": verify_url is None,
        "tte_id": TTE_ID,
    }
    return render_to_string(TEMPLATES.get(document.kind, DEFAULT_TEMPLATE), context)


def document_pdf(
    document: CitizenDocument,
    *,
    signer: User | None = None,
    when: datetime | None = None,
    verify_url: str | None = None,
) -> Rendered:
    return html_to_pdf(render_html(document, signer=signer, when=when, verify_url=verify_url))
