"""The Kadis attaches the documents SIAK printed (an office on SIAK): the signing step's form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from alur.core.uploads import read_bounded
from alur.core.web import run_service
from alur.documents.siak_output import MAX_BYTES, SiakFile, siak_documents_attach
from alur.org.access import AuthedRequest
from alur.workflow import selectors as workflow_selectors

FIELD = "berkas_{kind}"


@login_required
@require_POST
def siak_attach(request: AuthedRequest, reference: str) -> HttpResponse:
    case = workflow_selectors.case_for(request.user, reference, personal=True)
    files: dict[str, SiakFile] = {}
    for name, upload in request.FILES.items():
        if name.startswith("berkas_"):
            data, mime, filename = read_bounded(upload, MAX_BYTES)
            files[name.removeprefix("berkas_")] = SiakFile(data, mime, filename)
    run_service(
        request,
        lambda: siak_documents_attach(case=case, actor=request.user, files=files),
        "Dokumen dari SIAK terlampir dan diarsipkan; langkah tanda tangan selesai.",
    )
    return redirect("workflow:case_detail", reference=reference)
