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
    Exact,
    Hit,
    Match,
    Query,
    Section,
    handled_offices,
    source_hits,
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
    rows = (
        documents_of(user)
        .filter(office_id__in=handled_offices(user))
        .order_by("-created_at", "-pk")
    )
    ref = query.reference
    exacts = (
        Exact("Nomor register cocok", "Nomor register", "register_number", ref, _register, True),
        Exact("Nomor blanko cocok", "Seri blanko", "card_serial", ref, _serial),
        Exact("Kode verifikasi cocok", "Kode", "verify_code", ref, _code),
        Exact("NIK cocok", "NIK", "resident__nik", query.nik, _nik),
        Exact("No. KK cocok", "No. KK", "family__no_kk", query.nik, _kk),
    )
    return source_hits(
        Section("documents", "Dokumen kependudukan"),
        rows,
        exacts,
        query,
        _hit,
        name_field="resident__name",
        name_what="Nama",
    )


def _register(row: CitizenDocument) -> str:
    return row.register_number


def _serial(row: CitizenDocument) -> str:
    return row.card_serial


def _code(row: CitizenDocument) -> str:
    return row.verify_code


def _nik(row: CitizenDocument) -> str:
    return row.resident.nik if row.resident is not None else ""


def _kk(row: CitizenDocument) -> str:
    return row.family.no_kk if row.family is not None else ""
