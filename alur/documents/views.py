"""The documents' pages: what the step forms post, as their keys' completions read it (the
generic endpoint `workflow:task_complete` completes the task with it); drafts and signed files
are read here. Other offices' documents answer 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.uploads import read_bounded
from alur.core.web import error_text, int_param, run_service
from alur.documents import kept, registers, selectors
from alur.documents.choices import OutputKind
from alur.documents.definitions import DocumentService, service_for
from alur.documents.forms import HandoverForm
from alur.documents.issuing import documents_sign
from alur.documents.panels import (
    CHOOSE,
    CORRECTION_ANCHOR,
    CORRECTION_PREFIX,
    SEARCH,
    SEARCH_BUTTON,
)
from alur.documents.render import document_pdf, has_pdf
from alur.documents.services import entry_correct
from alur.documents.siak import MSG_PRINTED_BY_SIAK, entry_form_class
from alur.org.access import AuthedRequest, Capability, offices_for
from alur.registry.port import is_siak
from alur.workflow import selectors as workflow_selectors
from alur.workflow.models import Case, Task


def _service(case: Case) -> DocumentService:
    """The document service of the case; 404 for a case of a procedure that issues none (a
    complaint, an outreach referral)."""
    service = service_for(case.sop.code)
    if service is None:
        raise Http404("Perkara ini tidak menerbitkan dokumen kependudukan.")
    return service


def _back(reference: str, anchor: str) -> HttpResponse:
    return redirect(reverse("workflow:case_detail", args=[reference]) + f"#{anchor}")


def _refused(request: HttpRequest, key: str, form: forms.Form, errors: dict) -> None:
    kept.keep(request, key, kept.Kept(kept.posted(form), errors, request.POST.get(SEARCH, "")))
    count = sum(len(found) for found in errors.values())
    messages.error(
        request, f"Isian belum tersimpan: {count} isian perlu diperbaiki (lihat tanda merah)."
    )


def _searched(
    request: HttpRequest, key: str, form: forms.Form, service: DocumentService, case: Case
) -> bool:
    """A family search or a family chosen from its results: the form comes back filled, with
    nothing entered yet. False for an entry to save."""
    search = request.POST.get(SEARCH, "").strip()
    choice = request.POST.get(CHOOSE, "")
    if not choice and SEARCH_BUTTON not in request.POST:
        return False
    values = kept.posted(form)
    if choice:
        label, fill = selectors.entry_fill(request.user, service, case, choice)
        if fill is None:
            messages.error(request, "Keluarga atau penduduk itu tidak ditemukan di kantor ini.")
        else:
            values |= {form.add_prefix(name): value for name, value in fill.items()}
            messages.success(request, f"Isian diisi dari {label}; periksa lalu simpan.")
    kept.keep(request, key, kept.Kept(values, {}, search))
    return True


def _enter_refused(request: HttpRequest, key: str, form: forms.Form, error: Exception) -> None:
    _refused(request, key, form, {kept.field_of(form, error): [error_text(error)]})


def read_enter(request: HttpRequest, task: Task) -> dict[str, Any] | None:
    """The entry form's data; None for a family search or a form with errors (kept)."""
    service = _service(task.case)
    form_class = entry_form_class(service, task.case.office)
    if form_class is None:
        raise Http404("Layanan ini tidak memiliki isian data.")
    form = form_class(request.POST)
    key = f"enter:{task.pk}"
    if _searched(request, key, form, service, task.case):
        return None
    if not form.is_valid():
        _refused(request, key, form, kept.form_errors(form))
        return None
    return form.cleaned_data


def enter_refused(request: HttpRequest, task: Task, error: Exception) -> None:
    """The service refused the entry: the form comes back as typed, the error at its field."""
    enter_form = entry_form_class(_service(task.case), task.case.office)
    if enter_form is None:  # refused entries come only from a service with an entry step
        raise Http404("Perkara ini tidak mempunyai isian data.")
    form = enter_form(request.POST)
    _enter_refused(request, f"enter:{task.pk}", form, error)


@login_required
@require_POST
def correct(request: AuthedRequest, reference: str) -> HttpResponse:
    case = workflow_selectors.case_for(request.user, reference, personal=True)
    service = _service(case)
    form_class = entry_form_class(service, case.office)
    if form_class is None:
        raise Http404("Layanan ini tidak memiliki isian data.")
    form = form_class(request.POST, prefix=CORRECTION_PREFIX)
    key, anchor = f"correct:{case.reference}", CORRECTION_ANCHOR
    if not form.is_valid():
        _refused(request, key, form, kept.form_errors(form))
        return _back(reference, anchor)
    try:
        entry_correct(case=case, actor=request.user, data=form.cleaned_data)
    except DomainError as error:
        if error.code != "not_entry_step":
            _enter_refused(request, key, form, error)
            return _back(reference, anchor)
        # Not theirs to correct (data a review has passed): the reason, not a form to fix.
        messages.error(request, error_text(error))
        return redirect("workflow:case_detail", reference=reference)
    except (ValidationError, PermissionDenied) as error:
        _enter_refused(request, key, form, error)
        return _back(reference, anchor)
    messages.success(request, "Koreksi tersimpan; konsep dokumen diperbarui (versi baru).")
    return redirect("workflow:case_detail", reference=reference)


def read_print(request: HttpRequest, task: Task) -> dict[str, Any]:
    """The blanko serials of the cards printed and the service's print fields."""
    serials = {
        key.removeprefix("serial_"): value
        for key, value in request.POST.items()
        if key.startswith("serial_")
    }
    data: dict[str, Any] = {"serials": serials, "nik": request.POST.get("nik", "")}
    service = _service(task.case)
    if service.print_form is not None:
        form = service.print_form(request.POST)
        form.is_valid()
        data |= {key: form.cleaned_data.get(key, "") for key in form.fields}
    return data


def read_handover(request: HttpRequest, task: Task) -> dict[str, Any] | None:
    """Who received the document, how, and the proof; None without the recipient's name."""
    form = HandoverForm(request.POST, request.FILES)
    form.is_valid()
    if form.has_error("recipient_name"):
        problems = " ".join(str(e) for e in form.errors["recipient_name"])
        messages.error(request, "Nama penerima: " + problems)
        return None
    data: dict[str, Any] = {
        key: form.cleaned_data.get(key, "")
        for key in ("method", "recipient_name", "recipient_id", "pos_tracking")
    }
    upload = request.FILES.get("proof")
    if upload is not None:
        data["proof"] = read_bounded(upload)
    return data


@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def sign(request: AuthedRequest, reference: str) -> HttpResponse:
    case = workflow_selectors.case_for(request.user, reference, personal=True)
    run_service(
        request,
        lambda: documents_sign(
            case=case,
            actor=request.user,
            passphrase=request.POST.get("passphrase", ""),
            base_url=request.build_absolute_uri("/"),
        ),
        "Dokumen ditandatangani secara elektronik dan diarsipkan.",
    )
    return redirect("workflow:case_detail", reference=reference)


@login_required
def draft_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    if not has_pdf(document):
        raise Http404("Dokumen ini dicetak pada blanko dan tidak memiliki konsep PDF.")
    if is_siak(document.office):  # SIAK prints it; Alur's page would pass for the real one
        raise Http404(MSG_PRINTED_BY_SIAK)
    pdf = document_pdf(document).pdf
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="konsep-{document.kind}-{pk}.pdf"'
    return response


@login_required
def signed_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    document = selectors.document_for(request.user, pk)
    if document.issued is None:
        raise Http404("Dokumen belum ditandatangani.")
    return FileResponse(
        document.issued.file.open("rb"),
        content_type="application/pdf",
        filename=f"{document.kind}-{document.issued.number or pk}.pdf".replace("/", "-"),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def register_book(request: AuthedRequest) -> HttpResponse:
    """The register book of an office, kind and period (page, Excel, PDF) and its counts."""
    offices = offices_for(request.user, Capability.HANDLE_CASES).order_by("code")
    code = request.GET.get("kantor")
    office = offices.filter(code=code).first() if code else offices.first()
    if office is None:
        raise Http404("Tidak ada kantor yang Anda layani.")
    today = timezone.localdate()
    kind = request.GET.get("jenis") or OutputKind.AKTA_KELAHIRAN
    period = request.GET.get("per") or "day"
    rows: list[registers.RegisterRow] = []
    counts: dict[Any, dict[str, int]] = {}
    try:
        year = int_param(request, "tahun", minimum=1900) if request.GET.get("tahun") else today.year
        month = (
            int_param(request, "bulan", minimum=1, maximum=12)
            if request.GET.get("bulan")
            else today.month
        )
        if year is None or month is None:
            raise ValueError(request.GET.get("tahun"))
        month_or_year = None if request.GET.get("setahun") else month
        args: dict[str, Any] = {
            "office": office,
            "kind": kind,
            "year": year,
            "month": month_or_year,
        }
        name = f"register-{kind}-{office.code}-{year}"
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                registers.register_xlsx(viewer=request.user, **args), content_type=XLSX
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        if request.GET.get("format") == "pdf":
            response = HttpResponse(
                registers.register_pdf(viewer=request.user, **args), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        rows = registers.register_rows(viewer=request.user, **args)
        first, last = registers.period_bounds(year, month_or_year)
        counts = registers.issuance_counts(office, first, last, period)
    except (ValueError, DomainError) as error:
        messages.error(
            request, error_text(error) if isinstance(error, DomainError) else "Periode tidak sah."
        )
        year, month = today.year, today.month
    codes = sorted({code for values in counts.values() for code in values})
    return render(
        request,
        "documents/register.html",
        {
            "office": office,
            "offices": offices,
            "kinds": OutputKind.choices,
            "kind": kind,
            "year": year,
            "month": month,
            "whole_year": bool(request.GET.get("setahun")),
            "rows": rows,
            "period": period,
            "codes": codes,
            "counts": [
                (start, [values.get(c, 0) for c in codes]) for start, values in counts.items()
            ],
        },
    )
