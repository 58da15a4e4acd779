"""Citizen documents as PDF: the KK in the layout of Permendagri 109/2019 (as far as public
specimens show it), the SKPWNI (origin, move data, the movers' table), and the kutipan akta
kelahiran and kematian in the specimen's statement form ("bahwa di ... telah lahir ..."); a
service's own renderer may use the generic certificate layout (`data["rows"]`). Signed documents
carry the QR code of their verification page; a draft is marked KONSEP and has no QR.

`document_pdf` returns the PDF and where the empty space for the TTE stamp landed, for
`tte.signing.sign_pdf(page=..., box=...)`. Nothing here writes to the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from alur.core.letterhead import Kop
from alur.documents.choices import OutputKind
from alur.documents.definitions import Renderer, service_for
from alur.documents.models import CitizenDocument
from alur.org.choices import PositionKind
from alur.org.models import Position, User
from alur.registry.models import Family, FamilyMember
from alur.tte.pdf import TTE_ID, Rendered, SignatureBlock, html_to_pdf
from alur.tte.qr import qr_svg
from alur.tte.selectors import signature_block
from alur.tte.words import date_in_words, date_long, number_in_words


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


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _words(value: str | None) -> str:
    day = _date(value)
    return f"{date_in_words(day)} ({_day(day)})" if day else "-"


def birth_context(document: CitizenDocument) -> dict[str, Any]:
    """Kutipan akta kelahiran: the statement "bahwa di ... telah lahir ..." of the specimen."""
    data = document.data
    child = data.get("child", {})
    order = int(data.get("birth_order") or 1)
    return {
        "title": "KUTIPAN AKTA KELAHIRAN",
        "number": document.register_number,
        "nik": child.get("nik", ""),
        "child": child,
        "born_words": _words(child.get("birth_date")),
        "order_words": f"{number_in_words(order)}".upper(),
        "sex_word": "LAKI-LAKI" if child.get("sex", "").startswith("Laki") else "PEREMPUAN",
        "father": data.get("father", {}).get("name") or "-",
        "mother": data.get("mother", {}).get("name") or "-",
        "regions": _regions(document.resident) if document.resident else {},
    }


def death_context(document: CitizenDocument) -> dict[str, Any]:
    """Kutipan akta kematian: "bahwa di ... pada tanggal ... telah meninggal dunia ..."."""
    data = document.data
    deceased = data.get("deceased", {})
    return {
        "title": "KUTIPAN AKTA KEMATIAN",
        "number": document.register_number,
        "nik": deceased.get("nik", ""),
        "deceased": deceased,
        "place": data.get("death_place", "-"),
        "died_words": _words(data.get("died_on")),
        "born_words": _words(deceased.get("birth_date")),
        "regions": _regions(document.resident) if document.resident else {},
    }


def move_context(document: CitizenDocument) -> dict[str, Any]:
    """SKPWNI (F-1.03 outcome): origin, move data and the movers' table."""
    data = document.data
    movers = [m | {"birth_date": _day(_date(m.get("birth_date")))} for m in data.get("movers", [])]
    return {
        "title": "SURAT KETERANGAN PINDAH WARGA NEGARA INDONESIA",
        "number": document.register_number,
        "origin": data.get("origin", {}),
        "destination": data.get("destination", {}),
        "classification": data.get("classification", "-"),
        "reason": data.get("reason", "-"),
        "moved_on": _day(_date(data.get("moved_on"))),
        "movers": movers,
    }


RENDERERS: dict[str, Renderer] = {
    OutputKind.KK: kk_context,
    OutputKind.SKPWNI: move_context,
    OutputKind.AKTA_KELAHIRAN: birth_context,
    OutputKind.AKTA_KEMATIAN: death_context,
}
TEMPLATES: dict[str, str] = {
    OutputKind.KK: "documents/pdf/kk.html",
    OutputKind.SKPWNI: "documents/pdf/skpwni.html",
    OutputKind.AKTA_KELAHIRAN: "documents/pdf/akta_kelahiran.html",
    OutputKind.AKTA_KEMATIAN: "documents/pdf/akta_kematian.html",
}
DEFAULT_TEMPLATE = "documents/pdf/certificate.html"


def signer_position(document: CitizenDocument) -> Position | None:
    return (
        Position.objects.filter(office=document.office, kind=PositionKind.KADIS, is_active=True)
        .order_by("pk")
        .first()
    )


def _renderer(document: CitizenDocument) -> Renderer | None:
    service = service_for(document.case.sop.code)
    return (service.renderers.get(document.kind) if service else None) or RENDERERS.get(
        document.kind
    )


def has_pdf(document: CitizenDocument) -> bool:
    """False for an output with no page of its own (a card printed on its blanko)."""
    return _renderer(document) is not None


def render_html(
    document: CitizenDocument,
    *,
    signer: User | None = None,
    when: datetime | None = None,
    verify_url: str | None = None,
) -> str:
    renderer = _renderer(document)
    if renderer is None:
        raise ValueError(f"{document.kind} has no PDF")
    office = document.office
    position = signer_position(document)
    block = (
        signature_block(position, signer)
        if position is not None
        else SignatureBlock(position_title="Kepala Dinas", name="")
    )
    local = timezone.localtime(when or timezone.now(), office.zone)
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
