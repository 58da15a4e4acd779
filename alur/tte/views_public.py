"""The public verification page behind a document's QR code: anyone, no login.

It shows what is printed on the document anyway (type, number, date, signer, office), its status
and SHA-256, and compares an uploaded copy with the issued file. Nothing about the person the
document concerns is shown. Views and uploads are limited per client address.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from alur.core.ratelimit import over_limit
from alur.tte.selectors import document_by_code
from alur.tte.services import PDF_MAGIC

VIEW_LIMIT = 30  # page views per client address and window
UPLOAD_LIMIT = 10  # uploaded copies per client address and window
LIMIT_WINDOW = 10 * 60  # seconds
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

TOO_MANY = "Terlalu banyak permintaan dari perangkat ini. Silakan coba lagi sekitar 10 menit lagi."
SAME = "Berkas ini SAMA dengan dokumen yang diterbitkan."
NOT_SAME = "Berkas ini TIDAK SAMA dengan dokumen yang diterbitkan (mungkin diubah)."
TOO_LARGE = "Berkas terlalu besar: paling besar 10 MB."
NOT_PDF = "Berkas harus PDF."


class CompareForm(forms.Form):
    file = forms.FileField(
        label="Periksa berkas PDF yang Anda terima",
        help_text="Pilih berkas PDF (paling besar 10 MB). Berkas tidak disimpan.",
        error_messages={"required": "Pilih berkas PDF terlebih dahulu."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(NOT_PDF)
        return upload


def _digest(upload: UploadedFile) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


def _groups(text: str, size: int = 16) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@never_cache
def document(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "POST":
        limited = over_limit(request, "verification:upload", UPLOAD_LIMIT, LIMIT_WINDOW)
    else:
        limited = over_limit(request, "verification:view", VIEW_LIMIT, LIMIT_WINDOW)
    if limited:
        return render(request, "tte/verification_limited.html", {"error": TOO_MANY}, status=429)
    found = document_by_code(code)
    if found is None:
        return render(request, "tte/verification_not_found.html", status=404)
    result: bool | None = None
    form = CompareForm()
    if request.method == "POST":
        form = CompareForm(request.POST, request.FILES)
        if form.is_valid():
            result = _digest(form.cleaned_data["file"]) == found.sha256
            form = CompareForm()
    return render(
        request,
        "tte/verification.html",
        {
            "document": found,
            "sha256_groups": _groups(found.sha256),
            "form": form,
            "result": result,
            "same_text": SAME,
            "not_same_text": NOT_SAME,
        },
    )
