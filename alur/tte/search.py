"""The staff search over the archive of issued documents (`workflow.search` reads the query).

A signed document (a letter, a report, an akta, a KK …) is found by its number or its
verification code, or by the name of the person it is about; only what the person may
download (`tte.selectors.readable_documents`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from alur.tte.models import IssuedDocument
from alur.tte.selectors import readable_documents
from alur.workflow.search import (
    PER_SOURCE,
    Exact,
    Hit,
    Match,
    Query,
    Section,
    cut,
    exact_rows,
    name_condition,
    name_label,
    name_rows,
)


def _hit(document: IssuedDocument, matches: tuple[Match, ...], score: float = 1.0) -> Hit:
    issued = timezone.localtime(document.issued_at, document.office.zone)
    find = document.number or document.title
    return Hit(
        title=document.title,
        url=f"{reverse('archive:archive')}?{urlencode({'q': find})}",
        meta=(
            f"{document.number or 'tanpa nomor'} · {document.get_kind_display()} · "
            f"{document.office.short_name} · terbit {issued:%d-%m-%Y}"
        ),
        matches=matches,
        score=score,
    )


def archive_hits(user: Any, query: Query) -> Section:
    rows = readable_documents(user).select_related("office").order_by("-issued_at", "-pk")
    exacts = (
        Exact("Nomor cocok", "Nomor", "number", query.reference, _number, contains=True),
        Exact("Kode verifikasi cocok", "Kode", "verify_code", query.reference, _code),
    )
    hits = [_hit(row, matches) for row, matches in exact_rows(rows, exacts)]
    if query.words:
        found = rows.filter(name_condition("subject_person", query.words))
        for score, row, parts in name_rows(found, "subject_person", query.words, PER_SOURCE):
            match = Match(name_label(score), "Nama yang bersangkutan", parts)
            hits.append(_hit(row, (match,), score))
    return cut(Section("archive", "Arsip dokumen terbit"), hits)


def _number(row: IssuedDocument) -> str:
    return row.number


def _code(row: IssuedDocument) -> str:
    return row.verify_code
