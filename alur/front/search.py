"""The staff search page (`/cari/`): one box, the answers of every source side by side.

Each source is a domain app's scoped read (`<app>.search`); this page only reads the query
(`workflow.search.parse`), asks each source, and shows what matched. A query that cannot be
searched comes back with its reason, as typed; it is never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alur.complaints.search import complaint_hits
from alur.core.errors import DomainError
from alur.documents.search import document_hits
from alur.intake.search import application_hits
from alur.letters.search import letter_hits
from alur.org.access import AuthedRequest, Capability, office_ids_for
from alur.org.models import User
from alur.tte.search import archive_hits
from alur.workflow.search import MAX_LENGTH, Query, Section, case_hits, parse, session

Source = Callable[[Any, Query], Section]
SOURCES: tuple[Source, ...] = (
    case_hits,
    application_hits,
    complaint_hits,
    document_hits,
    archive_hits,
    letter_hits,
)
MSG_NOT_STAFF = "Pencarian hanya untuk petugas kantor."


def may_search(user: User | AnonymousUser) -> bool:
    """Staff of an office (the search box in the header, the page)."""
    return bool(office_ids_for(user, Capability.VIEW_OFFICE))


def search(user: User | AnonymousUser, raw: str) -> tuple[Query, list[Section]]:
    """Every source's hits for what was typed; DomainError for a query that cannot be read."""
    query = parse(raw)
    with session():
        return query, [source(user, query) for source in SOURCES]


@login_required
@require_GET
def search_page(request: AuthedRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    context: dict[str, Any] = {"q": raw[: MAX_LENGTH * 2], "max_length": MAX_LENGTH}
    status = 200
    if not may_search(request.user):
        context["error"] = MSG_NOT_STAFF
        status = 403
    elif "q" in request.GET:
        try:
            query, sections = search(request.user, raw)
        except DomainError as error:
            context["error"] = error.message
            status = 200  # a refused query is answered like a form with an error
        else:
            context |= {
                "query": query,
                "sections": sections,
                "found": sum(len(s.hits) for s in sections),
            }
    return render(request, "front/search.html", context, status=status)
