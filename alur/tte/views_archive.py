"""The archive of issued documents for staff: search, filter and download, within their offices."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from alur.org.access import DENIED_MESSAGE, Capability, office_ids_for
from alur.tte.models import DocumentKind, IssuedDocument
from alur.tte.selectors import archive_search, document_for_download

PAGE_SIZE = 50


class ArchiveFilterForm(forms.Form):
    q = forms.CharField(
        label="Cari nomor, judul atau nama", required=False, max_length=100, strip=True
    )
    kind = forms.ChoiceField(
        label="Jenis", required=False, choices=[("", "Semua jenis"), *DocumentKind.choices]
    )
    date_from = forms.DateField(
        label="Dari tanggal", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Sampai tanggal", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    if not office_ids_for(request.user, Capability.VIEW_OFFICE):
        raise PermissionDenied(DENIED_MESSAGE)
    form = ArchiveFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    documents = archive_search(
        request.user,
        q=filters.get("q") or None,
        kind=filters.get("kind") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "tte/archive.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def download_name(document: IssuedDocument) -> str:
    """The file name an issued document downloads under: its number, else its title."""
    base = document.number or document.title
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.")[:100]
    return f"{safe or 'dokumen'}.pdf"


def document_response(document: IssuedDocument) -> FileResponse:
    """The archived PDF as a download; the caller has checked the reader may have it."""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document),
        content_type="application/pdf",
    )


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    document = document_for_download(request.user, pk)
    if document is None:
        raise Http404("Dokumen tidak ditemukan.")
    return document_response(document)
