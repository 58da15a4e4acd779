"""The staff search over citizens' documents (`workflow.search` reads the query and says why).

A KK, akta, SKPWNI, KTP-el or KIA made for a case is found by its register number, its
blanko serial or verification code, the NIK of its resident, the No. KK of its family, or the
resident's name; only where the person handles its case (`documents.selectors.documents_of`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from alur.documents.models import CitizenDocument
from alur.documents.selectors import documents_of
from alur.org.models import User
from alur.workflow.search import (
    PER_SOURCE,
    Hit,
    Match,
    Query,
    Section,
    cut,
    mark,
    mark_whole,
    name_condition,
    name_label,
    name_rows,
)


def _hit(document: CitizenDocument, matches: tuple[Match, ...], score: float = 1.0) -> Hit:
    made = timezone.localtime(document.created_at, document.office.zone)
    who = document.resident.name if document.resident is not None else ""
    return Hit(
        title=f"{document.get_kind_display()}{f' — {who}' if who else ''}",
        url=reverse("workflow:case_detail", args=[document.case.reference]),
        meta=(
            f"{document.register_number or document.case.reference} · {document.status_label} · "
            f"{document.office.short_name} · dibuat {made:%d-%m-%Y}"
        ),
        matches=matches,
        score=score,
    )


def document_hits(user: User | AnonymousUser, query: Query) -> Section:
    rows = documents_of(user).order_by("-created_at", "-pk")
    hits: list[Hit] = []
    limit = PER_SOURCE + 1
    if query.reference:
        for row in rows.filter(register_number__icontains=query.reference)[:limit]:
            parts = mark(row.register_number, query.reference)
            hits.append(_hit(row, (Match("Nomor register cocok", "Nomor register", parts),)))
        for row in rows.filter(card_serial=query.reference)[:limit]:
            hits.append(
                _hit(
                    row, (Match("Nomor blanko cocok", "Seri blanko", mark_whole(row.card_serial)),)
                )
            )
        for row in rows.filter(verify_code=query.reference)[:limit]:
            hits.append(
                _hit(row, (Match("Kode verifikasi cocok", "Kode", mark_whole(row.verify_code)),))
            )
    if query.nik:
        for row in rows.filter(resident__nik=query.nik)[:limit]:
            hits.append(_hit(row, (Match("NIK cocok", "NIK", mark_whole(query.nik)),)))
        for row in rows.filter(family__no_kk=query.nik)[:limit]:
            hits.append(_hit(row, (Match("No. KK cocok", "No. KK", mark_whole(query.nik)),)))
    if query.words:
        found = rows.filter(name_condition("resident__name", query.words))
        for score, row, parts in name_rows(found, "resident__name", query.words, PER_SOURCE):
            hits.append(_hit(row, (Match(name_label(score), "Nama", parts),), score))
    return cut(Section("documents", "Dokumen kependudukan"), hits)
