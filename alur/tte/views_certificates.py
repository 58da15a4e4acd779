"""A signer's own certificates: the list, and uploading a .p12 (kept sealed). Where the signer's
office signs through BSrE there is no file: the page shows BSrE's status of their certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from alur.core.errors import DomainError
from alur.core.web import error_text
from alur.org.access import AuthedRequest
from alur.tte import port
from alur.tte.forms import CertificateForm
from alur.tte.selectors import certificates_of
from alur.tte.services import certificate_upload

MSG_BSRE_NO_FILE = (
    "Kantor Anda menandatangani melalui BSrE: kunci dan sertifikat Anda disimpan BSrE, tidak ada "
    "berkas yang diunggah ke Alur."
)


@sensitive_post_parameters("passphrase")
@login_required
def certificates(request: AuthedRequest) -> HttpResponse:
    form = CertificateForm(request.POST or None, request.FILES or None)
    status = port.signer_status(request.user, port.home_office(request.user))
    if request.method == "POST" and status.backend == "bsre":
        form.is_valid()
        form.add_error(None, MSG_BSRE_NO_FILE)
    elif request.method == "POST" and form.is_valid():
        try:
            certificate_upload(
                user=request.user,
                p12=form.cleaned_data["p12"].read(),
                passphrase=form.cleaned_data["passphrase"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Sertifikat tersimpan terenkripsi.")
            return redirect("certificates:mine")
    return render(
        request,
        "tte/certificates.html",
        {
            "form": form,
            "items": certificates_of(request.user),
            "now": timezone.now(),
            "status": status,
        },
    )
