"""The identity check of S2c's `registry.check` step: the officer types what the applicant's
documents say, Alur asks the office's identity backend (its register, or Dukcapil's verification
web service) and the panel shows the answer per element. The check is its own audited service,
outside the step's completion: a service that is down changes nothing and the step waits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.fields import PersonNameField
from alur.core.ratelimit import client_address
from alur.core.web import error_text
from alur.intake.selectors import application_of
from alur.org.access import AuthedRequest, Capability, can
from alur.registry.choices import Sex
from alur.registry.identity import IdentityQuery, identity_check
from alur.workflow import selectors as workflow_selectors
from alur.workflow.models import Case

ANCHOR = "cek-identitas"
SESSION_KEY = "identity:{pk}"  # what was typed last, so a retry after a fault keeps it


class IdentityCheckForm(forms.Form):
    nik = forms.CharField(label="NIK", max_length=16, min_length=16)
    name = PersonNameField(label="Nama lengkap")
    birth_place = forms.CharField(label="Tempat lahir", max_length=100, required=False)
    birth_date = forms.DateField(
        label="Tanggal lahir", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(
        label="Jenis kelamin", choices=[("", "—"), *Sex.choices], required=False
    )
    no_kk = forms.CharField(label="No. KK", max_length=16, required=False)
    mother_name = PersonNameField(label="Nama ibu kandung", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nik"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["no_kk"].widget.attrs.update(inputmode="numeric", autocomplete="off")

    def query(self) -> IdentityQuery:
        data = self.cleaned_data
        return IdentityQuery(
            nik=data["nik"].strip(),
            name=data["name"],
            birth_place=data.get("birth_place") or "",
            birth_date=data.get("birth_date"),
            sex=data.get("sex") or "",
            no_kk=(data.get("no_kk") or "").strip(),
            mother_name=data.get("mother_name") or "",
        )


def check_form(request: HttpRequest, case: Case) -> IdentityCheckForm:
    """The form as last typed in this session, else from the application."""
    typed = (
        request.session.get(SESSION_KEY.format(pk=case.pk)) if hasattr(request, "session") else None
    )
    if isinstance(typed, dict):
        return IdentityCheckForm(initial=typed)
    application = application_of(case)
    initial = (
        {"nik": application.applicant_nik, "name": application.applicant_name}
        if application
        else {}
    )
    return IdentityCheckForm(initial=initial)


def _back(reference: str) -> HttpResponse:
    return redirect(reverse("workflow:case_detail", args=[reference]) + f"#{ANCHOR}")


@login_required
@require_POST
def identity_check_view(request: AuthedRequest, reference: str) -> HttpResponse:
    case = workflow_selectors.case_for(request.user, reference, personal=True)
    if case.finished_at is not None or not can(request.user, Capability.HANDLE_CASES, case.office):
        raise PermissionDenied("Anda tidak dapat memeriksa identitas untuk perkara ini.")
    form = IdentityCheckForm(request.POST)
    typed = {key: request.POST.get(key, "")[:150] for key in form.fields}
    request.session[SESSION_KEY.format(pk=case.pk)] = typed
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        )
        messages.error(request, f"Periksa isian cek identitas — {problems}")
        return _back(reference)
    try:
        result = identity_check(
            office=case.office,
            obj=case,
            actor=request.user,
            query=form.query(),
            ip=client_address(request),
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return _back(reference)
    if result.ok:
        messages.success(request, f"Cek identitas NIK {result.nik}: {result.message}")
    else:
        messages.warning(request, f"Cek identitas NIK {result.nik}: {result.message}")
    return _back(reference)


def identity_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """What the registry.check panel shows of the identity check: the backend, the last result
    and the form."""
    from alur.org.backends import BACKEND_LABELS, identity_backend
    from alur.registry.identity import last_check

    backend = identity_backend(case.office)
    return {
        "identity_backend": backend,
        "identity_backend_label": BACKEND_LABELS["identity"].get(backend, backend),
        "identity_required": backend == "webservice",
        "identity": last_check(case),
        "identity_form": check_form(request, case),
        "identity_anchor": ANCHOR,
    }
