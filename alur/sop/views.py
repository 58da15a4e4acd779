"""The SOP pages: the list, one SOP as its official document, and the PDF download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alur.org.access import DENIED_MESSAGE
from alur.sop import selectors
from alur.sop.render import document_filename, render_html, render_pdf


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read_sops(request.user):
        raise PermissionDenied(DENIED_MESSAGE)


@login_required
def sop_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(request, "sop/sop_list.html", {"summaries": selectors.sop_summaries()})


@login_required
def sop_detail(request: HttpRequest, code: str, revision: int | None = None) -> HttpResponse:
    _require_reader(request)
    stored = selectors.revision_of(code, revision)
    sop = selectors.sop_for(stored)
    history = list(selectors.revisions_of(code))
    return render(
        request,
        "sop/sop_detail.html",
        {
            "revision": stored,
            "sop": sop,
            "document": render_html(sop, selectors.office_of(stored), for_pdf=False),
            "history": history,
            "is_newest": stored.revision == history[0].revision,
            "filename": document_filename(sop, stored.source),
        },
    )


@login_required
def sop_pdf(request: HttpRequest, code: str, revision: int) -> HttpResponse:
    _require_reader(request)
    stored = selectors.revision_of(code, revision)
    sop = selectors.sop_for(stored)
    response = HttpResponse(
        render_pdf(sop, selectors.office_of(stored)), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{document_filename(sop, stored.source)}"'
    )
    return response
