from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.web import error_text, run_service
from alur.intake import selectors
from alur.intake.catalogue import service
from alur.intake.checking import requirements_return as requirements_return_service
from alur.intake.choices import Channel
from alur.intake.forms import CounterForm, TrackingForm
from alur.intake.models import Attachment
from alur.intake.services import application_submit
from alur.org.access import Capability, office_ids_for
from alur.workflow.choices import Outcome
from alur.workflow.models import Task
from alur.workflow.selectors import case_for
from alur.workflow.services import task_complete

TRACKING_LIMIT = 10  # lookups per client address
TRACKING_WINDOW = 10 * 60  # seconds
TRACKING_NO_MATCH = "Nomor permohonan atau 4 angka terakhir tidak cocok."
TRACKING_TOO_MANY = (
    "Terlalu banyak percobaan dari perangkat ini. Silakan coba lagi sekitar 10 menit lagi."
)


@login_required
def counter(request: HttpRequest) -> HttpResponse:
    return render(
        request, "intake/counter.html", {"offices": selectors.counter_services(request.user)}
    )


@login_required
def counter_form(request: HttpRequest, code: str) -> HttpResponse:
    svc = service(code)
    if svc is None:
        raise Http404("Layanan tidak ditemukan.")
    office = selectors.counter_office(request.user, code, request.GET.get("kantor"))
    if request.method == "POST":
        form = CounterForm(request.POST, request.FILES, service=svc)
        if form.is_valid():
            try:
                application = application_submit(
                    office=office,
                    service_code=svc.code,
                    channel=Channel.COUNTER,
                    applicant=form.applicant(),
                    fields=form.service_values(),
                    files=form.uploads(),
                    actor=request.user,  # type: ignore[arg-type]
                )
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
        form = CounterForm(service=svc)
    return render(
        request, "intake/counter_form.html", {"form": form, "service": svc, "office": office}
    )


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _over_limit(request: HttpRequest) -> bool:
    """Count one lookup from this address; True once it exceeds the window's allowance."""
    key = f"intake:tracking:{_client_address(request)}"
    cache.add(key, 0, TRACKING_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, TRACKING_WINDOW)
        count = 1
    return count > TRACKING_LIMIT


@never_cache
def tracking(request: HttpRequest) -> HttpResponse:
    status = None
    error = ""
    code = 200
    form = TrackingForm()
    if request.method == "POST":
        form = TrackingForm(request.POST)
        if _over_limit(request):
            error, code = TRACKING_TOO_MANY, 429
        elif not form.is_valid():
            error = TRACKING_NO_MATCH if form.has_error("reference") else ""
        else:
            application = selectors.tracking_lookup(
                form.cleaned_data["reference"], form.cleaned_data["last4"]
            )
            if application is None:
                error = TRACKING_NO_MATCH
            else:
                status = selectors.public_status(application)
                form = TrackingForm()
    return render(
        request,
        "intake/tracking.html",
        {"form": form, "status": status, "error": error, "waiting_text": selectors.WAITING_TEXT},
        status=code,
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
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
    case_for(request.user, task.case.reference)  # 404 outside the person's reach
    return task


@login_required
@require_POST
def requirements_pass(request: HttpRequest, pk: int) -> HttpResponse:
    task = _requirements_task(request, pk)
    run_service(
        request,
        lambda: task_complete(task=task, actor=request.user, outcome=Outcome.DONE),
        "Persyaratan lengkap; permohonan diteruskan.",
    )
    return redirect("workflow:case_detail", reference=task.case.reference)


@login_required
@require_POST
def requirements_return(request: HttpRequest, pk: int) -> HttpResponse:
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
