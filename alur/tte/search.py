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
    Exact,
    Hit,
    Match,
    Query,
    Section,
    source_hits,
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
    return source_hits(
        Section("archive", "Arsip dokumen terbit"),
        rows,
        exacts,
        query,
        _hit,
        name_field="subject_person",
        name_what="Nama yang bersangkutan",
    )


def _number(row: IssuedDocument) -> str:
    return row.number


def _code(row: IssuedDocument) -> str:
    return row.verify_code
