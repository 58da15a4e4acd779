from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.web import error_text, run_service, tracking_lookup
from alur.intake import selectors
from alur.intake.catalogue import service
from alur.intake.checking import requirement_rows
from alur.intake.checking import requirements_return as requirements_return_service
from alur.intake.choices import Channel
from alur.intake.forms import CounterForm, ResubmitForm, TrackingForm
from alur.intake.models import Application, Attachment
from alur.intake.services import application_submit, counter_resubmit, uploads_stage
from alur.intake.validation import DuplicateApplication, application_errors
from alur.org.access import AuthedRequest, Capability, office_ids_for
from alur.org.models import Office
from alur.workflow.choices import CaseStatus
from alur.workflow.models import Task
from alur.workflow.selectors import case_for

TRACKING_NO_MATCH = "Nomor permohonan atau 4 angka terakhir tidak cocok."


@login_required
def counter(request: AuthedRequest) -> HttpResponse:
    wanted = request.GET.get("nomor", "").strip()
    problem = ""
    if wanted:
        application = selectors.counter_application(request.user, wanted)
        if application is not None and application.case.status == CaseStatus.WAITING:
            return redirect("intake:resubmit", reference=application.case.reference)
        problem = (
            f"Permohonan {wanted} tidak ditemukan di kantor Anda."
            if application is None
            else f"Permohonan {application.case.reference} tidak sedang menunggu kelengkapan "
            f"dari pemohon (status: {application.case.get_status_display().lower()})."
        )
    return render(
        request,
        "intake/counter.html",
        {
            "offices": selectors.counter_services(request.user),
            "waiting": selectors.waiting_applications(request.user),
            "wanted": wanted,
            "problem": problem,
        },
    )


def _stage(request: AuthedRequest, form: CounterForm | ResubmitForm, office: Office) -> None:
    """Keep the form's valid files on the server (the ones staged before stay unless replaced),
    so that an error elsewhere on the form does not ask for them again."""
    earlier = selectors.staged_for(request.user, office, form.service.code, form.staged_tokens())
    form.staged, form.upload_errors = uploads_stage(
        owner=request.user,
        office=office,
        service_code=form.service.code,
        uploads=form.new_uploads(),
        staged=earlier,
    )


@login_required
def counter_form(request: AuthedRequest, code: str) -> HttpResponse:
    svc = service(code)
    if svc is None:
        raise Http404("Layanan tidak ditemukan.")
    office = selectors.counter_office(request.user, code, request.GET.get("kantor"))
    duplicates: list[Application] = []
    if request.method == "POST":
        form = CounterForm(request.POST, request.FILES, service=svc)
        _stage(request, form, office)
        if form.is_valid():
            try:
                application = application_submit(
                    office=office,
                    service_code=svc.code,
                    channel=Channel.COUNTER,
                    applicant=form.applicant(),
                    fields=form.service_values(),
                    files=[],
                    staged=list(form.staged.values()),
                    actor=request.user,
                    check_duplicates=True,
                    duplicate_confirmed=form.cleaned_data["confirm_duplicate"],
                )
            except DuplicateApplication as error:
                duplicates = error.applications
                form.add_error(None if error.exact else "confirm_duplicate", error.message)
            except ValidationError as error:
                form.add_service_errors(error)
            except (DomainError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                reference = application.case.reference
                messages.success(
                    request, f"Permohonan diterima. Nomor permohonan (untuk lacak): {reference}"
                )
                return redirect("workflow:case_detail", reference=reference)
        else:
            form.add_service_errors(
                ValidationError(
                    application_errors(
                        service_code=svc.code,
                        applicant=form.applicant(),
                        fields=form.service_values(),
                    )
                ),
                skip_known=True,
            )
    else:
        form = CounterForm(service=svc)
    confirming = bool(duplicates) or form.data.get("confirm_duplicate") is not None
    return render(
        request,
        "intake/counter_form.html",
        {
            "form": form,
            "service": svc,
            "office": office,
            "duplicates": duplicates,
            "confirming": confirming,
        },
    )


@login_required
def resubmit(request: AuthedRequest, reference: str) -> HttpResponse:
    """The applicant brings the missing files of an application returned to them: the counter
    attaches them and the application goes back to the step that returned it."""
    application = selectors.waiting_application(request.user, reference)
    svc = service(application.service_code)
    if svc is None:
        raise Http404("Layanan tidak ditemukan.")
    waiting = application.case.status == CaseStatus.WAITING
    if request.method == "POST" and waiting:
        form = ResubmitForm(request.POST, request.FILES, service=svc)
        _stage(request, form, application.office)
        if form.is_valid():
            try:
                counter_resubmit(
                    application=application,
                    actor=request.user,
                    files=[],
                    staged=list(form.staged.values()),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except (DomainError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(
                    request,
                    "Berkas susulan diterima dan dicatat sebagai kelengkapan dari pemohon; "
                    "permohonan kembali ke petugas yang mengembalikannya.",
                )
                return redirect("workflow:case_detail", reference=application.case.reference)
    else:
        form = ResubmitForm(service=svc)
    return render(
        request,
        "intake/resubmit.html",
        {
            "application": application,
            "form": form,
            "waiting": waiting,
            "asked": selectors.returned_for(application),
            "rows": requirement_rows(application),
        },
    )


@never_cache
def tracking(request: HttpRequest) -> HttpResponse:
    """/lacak/: an application's status by its number and the phone's last four digits."""
    tracked = tracking_lookup(
        request, TrackingForm, "intake:tracking", selectors.tracking_lookup, TRACKING_NO_MATCH
    )
    status = None
    if tracked.found is not None:
        status, tracked.form = selectors.public_status(tracked.found), TrackingForm()
    return render(
        request,
        "intake/tracking.html",
        {
            "form": tracked.form,
            "status": status,
            "error": tracked.error,
            "waiting_text": selectors.WAITING_TEXT,
        },
        status=tracked.status,
    )


@login_required
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """An application's file, for staff of its office (404 for anyone else)."""
    found = (
        Attachment.objects.select_related("application")
        .filter(
            pk=pk, application__office__in=office_ids_for(request.user, Capability.HANDLE_CASES)
        )
        .first()
    )
    if found is None:
        raise Http404("Berkas tidak ditemukan.")
    extension = "pdf" if found.mime == "application/pdf" else found.mime.rsplit("/", 1)[-1]
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.mime,
        filename=f"{found.application.case_id}-{found.requirement}.{extension}",
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


def _requirements_task(request: HttpRequest, pk: int) -> Task:
    task = Task.objects.select_related("case").filter(pk=pk).first()
    if task is None:
        raise Http404("Tugas tidak ditemukan.")
    case_for(request.user, task.case.reference, personal=True)  # 404 outside the unit
    return task


@login_required
@require_POST
def requirements_return(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _requirements_task(request, pk)
    run_service(
        request,
        lambda: requirements_return_service(
            task=task,
            actor=request.user,
            missing=request.POST.getlist("missing"),
            note=request.POST.get("note", ""),
        ),
        "Permohonan dikembalikan ke pemohon dengan daftar kekurangannya; waktu layanan berhenti.",
    )
    return redirect("workflow:case_detail", reference=task.case.reference)
