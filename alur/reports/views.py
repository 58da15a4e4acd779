"""Pages of the reports app. Thin: parse, call a service or selector, show the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.web import error_text, form_data, int_param, run_service
from alur.org.access import DENIED_MESSAGE, AuthedRequest, Capability, can, office_ids_for
from alur.org.models import Office
from alur.reports import charts, files, pdf, schedule, selectors
from alur.reports.choices import ReportKind, Source
from alur.reports.excel import XLSX_MIME
from alur.reports.files import coverage_sample_xlsx, form_bytes, form_filename, lakip_files
from alur.reports.forms import (
    CloseForm,
    CoverageUploadForm,
    DefinitionForm,
    MonthlyStartForm,
    SubmissionForm,
    UploadForm,
    WeeklyStartForm,
)
from alur.reports.models import CoverageImport, ReportDefinition, ReportPeriod, Submission
from alur.reports.selectors import (
    coverage_compute,
    deadline_text,
    delivery_steps,
    open_submit_task,
    prefill,
    recap_compute,
)
from alur.reports.services import weekly
from alur.reports.services.coverage import coverage_import_create
from alur.reports.services.definitions import definition_update, parse_fields
from alur.reports.services.weekly import (
    recap_letter_draft,
    recap_step_complete,
    submission_save,
    submission_send,
    upload_form,
)
from alur.workflow import selectors as workflow_selectors
from alur.workflow.models import Task


def _download(data: bytes, filename: str, mime: str) -> HttpResponse:
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def periods(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.periods_for(request.user)[:100])
    if (
        not rows
        and not selectors.definitions_for(request.user).exists()
        and not office_ids_for(request.user, Capability.VIEW_REPORTS)
    ):
        raise PermissionDenied(DENIED_MESSAGE)
    definitions = [
        (d, schedule.next_opening_text(d)) for d in selectors.definitions_for(request.user)
    ]
    return render(request, "reports/periods.html", {"periods": rows, "definitions": definitions})


def _coverage_context(period: ReportPeriod) -> dict:
    data = period.recap if period.recap.get("indicators") else coverage_compute(period)
    return {
        "coverage": data,
        "coverage_charts": pdf.coverage_charts(data),
        "trend_chart": pdf.trend_chart(data),
    }


@login_required
def period_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    period = selectors.period_for(request.user, pk)
    rows = selectors.reporter_rows(request.user, period)
    context = {
        "period": period,
        "rows": rows,
        "rates": selectors.period_rates(rows),
        "all": selectors.may_see_all(request.user, period),
        "staff": can(request.user, Capability.HANDLE_CASES, period.definition.office),
        "close_form": CloseForm(),
    }
    if period.definition.kind == ReportKind.COVERAGE and context["all"]:
        context.update(_coverage_context(period))
        context["job"] = selectors.latest_import(period)
        context["upload_form"] = CoverageUploadForm()
    elif context["all"]:
        recap = period.recap or recap_compute(period)
        context["recap"] = recap
        context["recap_chart"] = charts.ranked_bars(
            [(r["name"], r["total"]) for r in recap["rows"]],
            "Jumlah pelayanan per kab/kota",
            top=max([r["total"] or 0 for r in recap["rows"]] + [1]),
        )
    return render(request, "reports/period.html", context)


def _reporter(request: HttpRequest, period: ReportPeriod, code: str) -> Office:
    office = Office.objects.filter(code=code, parent=period.definition.office).first()
    if office is None or not (
        can(request.user, Capability.SUBMIT_REPORTS, office)
        or selectors.may_see_all(request.user, period)
    ):
        raise Http404("Kantor tidak ditemukan.")
    return office


@login_required
def submission(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """A kab/kota's report for the period: the form (prefilled from the office's own counts or
    its draft), the Excel upload, and "Simpan konsep" / "Kirim ke provinsi"."""
    period = selectors.period_for(request.user, pk)
    office = _reporter(request, period, code)
    existing = Submission.objects.filter(period=period, office=office).first()
    own = prefill(period, office)
    initial = {f"v_{k}": v for k, v in (existing.values if existing else own).items()}
    if existing:
        initial["reason"] = existing.edit_reason
    form = SubmissionForm(request.POST or None, definition=period.definition, initial=initial)
    may_submit = can(request.user, Capability.SUBMIT_REPORTS, office)
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied(DENIED_MESSAGE)
        send = "kirim" in request.POST

        def call() -> None:
            values = form.values()
            reason = (form.data.get("reason") or "").strip()
            if send:
                submission_send(
                    period=period, office=office, actor=request.user, values=values, reason=reason
                )
            else:
                submission_save(
                    period=period, office=office, actor=request.user, values=values, reason=reason
                )

        done = "Laporan dikirim ke provinsi." if send else "Konsep laporan disimpan."
        if run_service(request, call, done):
            return redirect("reports:submission", pk=period.pk, code=office.code)
    return render(
        request,
        "reports/submission.html",
        {
            "period": period,
            "office": office,
            "form": form,
            "upload_form": UploadForm(),
            "submission": existing,
            "own": own,
            "deadline": deadline_text(period, office),
            "may_submit": may_submit,
            "task": open_submit_task(period, office),
        },
    )


@login_required
@require_POST
def submission_upload(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    period = selectors.period_for(request.user, pk)
    office = _reporter(request, period, code)
    form = UploadForm(request.POST, request.FILES)
    send = "kirim" in request.POST

    def call() -> None:
        data = form_data(form)
        upload = data["file"]
        upload_form(
            period=period,
            office=office,
            actor=request.user,
            data=upload.read(),
            filename=upload.name,
            reason=data["reason"],
            send=send,
            source=Source.EXCEL,
        )

    run_service(
        request,
        call,
        "Formulir Excel diterima dan dikirim ke provinsi."
        if send
        else "Formulir Excel disimpan sebagai konsep.",
    )
    return redirect("reports:submission", pk=period.pk, code=office.code)


@login_required
def form_download(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    period = selectors.period_for(request.user, pk)
    office = _reporter(request, period, code)
    existing = Submission.objects.filter(period=period, office=office).first()
    values = existing.values if existing else prefill(period, office)
    return _download(
        form_bytes(period, office, values),
        form_filename(period, office),
        XLSX_MIME,
    )


def _province_period(request: HttpRequest, pk: int) -> ReportPeriod:
    period = selectors.period_for(request.user, pk)
    if not selectors.may_see_all(request.user, period):
        raise Http404("Periode laporan tidak ditemukan.")
    return period


@login_required
def recap_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _province_period(request, pk)
    return _download(
        files.recap_xlsx(period),
        f"rekap-{period.definition.code}-{period.starts_on:%Y%m%d}.xlsx",
        XLSX_MIME,
    )


@login_required
def recap_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _province_period(request, pk)
    recap = period.recap or recap_compute(period)
    data = pdf.recap_pdf(
        office=period.definition.office, title=period.definition.title, recap=recap
    )
    return _download(
        data, f"rekap-{period.definition.code}-{period.starts_on:%Y%m%d}.pdf", "application/pdf"
    )


@login_required
def lakip_download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    period = _province_period(request, pk)
    if period.definition.kind != ReportKind.COVERAGE:
        raise Http404("Bukan laporan cakupan.")
    xlsx, pdf_bytes = lakip_files(period)
    name = f"lakip-{period.definition.code}-{period.starts_on:%Y%m}"
    if fmt == "pdf":
        return _download(pdf_bytes, name + ".pdf", "application/pdf")
    return _download(xlsx, name + ".xlsx", XLSX_MIME)


@login_required
@require_POST
def period_close(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _province_period(request, pk)
    form = CloseForm(request.POST)
    run_service(
        request,
        lambda: weekly.period_close(
            period=period, actor=request.user, reason=form_data(form)["reason"]
        ),
        "Periode ditutup; kab/kota yang belum mengirim tercatat tidak melapor.",
    )
    return redirect("reports:period", pk=period.pk)


@login_required
@require_POST
def coverage_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _province_period(request, pk)
    form = CoverageUploadForm(request.POST, request.FILES)
    job: list[CoverageImport] = []

    def call() -> None:
        upload = form_data(form)["file"]
        job.append(
            coverage_import_create(
                period=period, actor=request.user, data=upload.read(), filename=upload.name
            )
        )

    run_service(request, call, "Berkas diterima; sedang dibaca.")
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("reports:period", pk=period.pk)


@login_required
def import_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress of an import, polled by the page (JSON) or shown as a page."""
    job = CoverageImport.objects.select_related("period").filter(pk=pk).first()
    if job is None:
        raise Http404("Impor tidak ditemukan.")
    _province_period(request, job.period_id)
    if request.headers.get("Accept", "").startswith("application/json") or "json" in request.GET:
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "errors": job.errors[:50],
                "warnings": job.warnings[:50],
            }
        )
    return render(request, "reports/import.html", {"job": job})


def _task(request: HttpRequest, pk: int) -> Task:
    task = Task.objects.select_related("case").filter(pk=pk).first()
    if task is None:
        raise Http404("Tugas tidak ditemukan.")
    workflow_selectors.case_for(request.user, task.case.reference)
    return task


@login_required
@require_POST
def recap_step(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    run_service(
        request,
        lambda: recap_step_complete(task=task, actor=request.user),
        "Periode ditutup dan direkap; konsep laporan provinsi dibuat dari rekap.",
    )
    return redirect("workflow:case_detail", reference=task.case.reference)


@login_required
@require_POST
def recap_letter(request: AuthedRequest, reference: str) -> HttpResponse:
    case = workflow_selectors.case_for(request.user, reference)
    run_service(
        request,
        lambda: recap_letter_draft(case=case, actor=request.user),
        "Konsep laporan disusun dari rekap.",
    )
    return redirect("workflow:case_detail", reference=case.reference)


def _fields_text(definition: ReportDefinition) -> str:
    return "\n".join(f"{f['key']} | {f['label']}" for f in definition.fields)


@login_required
def definition_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = selectors.definitions_for(request.user).filter(pk=pk).first()
    if definition is None:
        raise Http404("Definisi laporan tidak ditemukan.")
    initial = {
        "title": definition.title,
        "fields_text": _fields_text(definition),
        "distribute_weekday": definition.distribute_weekday,
        "distribute_day": definition.distribute_day,
        "distribute_time": definition.distribute_time,
        "auto_start": definition.auto_start,
        "deadline_weekday": definition.deadline_weekday,
        "deadline_time": definition.deadline_time,
        "deadline_day": definition.deadline_day,
        "remind_hours": definition.remind_hours,
        "jump_threshold": definition.jump_threshold,
        "recipients_text": "\n".join(
            " | ".join("" if v is None else str(v) for v in r) for r in definition.recipients
        ),
    }
    form = DefinitionForm(request.POST or None, initial=initial, frequency=definition.frequency)
    if request.method == "POST":
        try:
            data = {**initial, **form_data(form)}
            definition_update(
                definition=definition,
                actor=request.user,
                title=data["title"],
                fields=parse_fields(data["fields_text"]),
                deadline_weekday=data["deadline_weekday"],
                deadline_time=data["deadline_time"],
                deadline_day=data["deadline_day"],
                remind_hours=data["remind_hours"],
                recipients=form.recipients()
                if "recipients_text" in form.fields
                else definition.recipients,
                jump_threshold=data["jump_threshold"],
                distribute_weekday=data["distribute_weekday"],
                distribute_time=data["distribute_time"],
                distribute_day=data["distribute_day"],
                auto_start=data["auto_start"],
                reason=data["reason"],
            )
        except (DomainError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Definisi laporan disimpan.")
            return redirect("reports:definition", pk=definition.pk)
    return render(
        request,
        "reports/definition.html",
        {
            "definition": definition,
            "form": form,
            "delivery_steps": delivery_steps(definition.sop_code),
            "next_opening": schedule.next_opening_text(definition),
        },
    )


def _startable_office(request: HttpRequest, code: str) -> Office:
    """The office that runs SOP `code`, when the person may start it there (403 otherwise)."""
    from alur.workflow.services import current_revision
    from alur.workflow.starts import registered

    if code not in schedule.KIND_OF_SOP:
        raise Http404("Prosedur tidak ditemukan.")
    try:
        revision = current_revision(code)
    except DomainError as error:
        raise Http404("SOP belum dimuat.") from error
    office = Office.objects.filter(code=revision.office_code).first()
    if office is None or not any(s.allows(request.user, office, None) for s in registered(code)):
        raise PermissionDenied(DENIED_MESSAGE)
    return office


@login_required
def start(request: AuthedRequest, code: str) -> HttpResponse:
    """Mulai prosedur for a periodic report: pick the period and do the first step (S0: the
    week's format; S4: the Kabid's direction). The case page follows."""
    office = _startable_office(request, code)
    definition = ReportDefinition.objects.filter(office=office, sop_code=code).first()
    if definition is None:
        if request.method == "POST" and "siapkan" in request.POST:
            run_service(
                request,
                lambda: schedule.definition_for(office, code),
                "Definisi laporan dibuat dengan isian bawaan; periksa lalu buka periodenya.",
            )
            return redirect("reports:start", code=code)
        return render(request, "reports/start.html", {"office": office, "code": code})
    choices = schedule.period_choices(definition)
    free = [(c.offset, schedule.choice_text(c)) for c in choices if c.taken is None]
    is_weekly = definition.kind == ReportKind.SERVICE
    data = request.POST if request.method == "POST" else None
    if is_weekly:
        form: Any = WeeklyStartForm(
            data,
            periods=free,
            initial={
                "period": next((o for o, _t in free if o <= 0), None),
                "fields_text": _fields_text(definition),
                "distribute_weekday": definition.distribute_weekday,
                "distribute_time": definition.distribute_time,
                "deadline_weekday": definition.deadline_weekday,
                "deadline_time": definition.deadline_time,
            },
        )
    else:
        form = MonthlyStartForm(
            data, periods=free, initial={"period": next((o for o, _t in free), None)}
        )
    if request.method == "POST" and free:
        opened: list[Any] = []

        def call() -> None:
            values = form_data(form)
            extra: dict[str, Any] = {}
            if is_weekly:
                extra = {
                    "fields": parse_fields(values["fields_text"]),
                    "distribute_weekday": values["distribute_weekday"],
                    "distribute_time": values["distribute_time"],
                    "deadline_weekday": values["deadline_weekday"],
                    "deadline_time": values["deadline_time"],
                }
            opened.append(
                schedule.period_start(
                    definition=definition,
                    actor=request.user,
                    offset=values["period"],
                    note=values["note"],
                    **extra,
                )
            )

        if run_service(request, call, "Periode dibuka; langkah pertama SOP selesai."):
            period = opened[0]
            messages.info(request, f"Periode {period.label}: perkara {period.case.reference}.")
            return redirect("workflow:case_detail", reference=period.case.reference)
    return render(
        request,
        "reports/start.html",
        {
            "office": office,
            "code": code,
            "definition": definition,
            "form": form,
            "free": free,
            "taken": [c for c in choices if c.taken is not None],
            "weekly": is_weekly,
            "recipients": definition.recipients,
            "delivery_steps": delivery_steps(definition.sop_code),
            "next_opening": schedule.next_opening_text(definition),
            "may_edit": can(request.user, Capability.HANDLE_CASES, office),
        },
    )


@login_required
def coverage_sample(request: AuthedRequest, pk: int) -> HttpResponse:
    """A PIAK import file for the month to start from: every kab/kota of the province with each
    indicator's numerator and denominator counted from Alur's own register (empty where the
    register has no residents of that kab/kota)."""
    period = _province_period(request, pk)
    if period.definition.kind != ReportKind.COVERAGE:
        raise Http404("Bukan laporan cakupan.")
    return _download(
        coverage_sample_xlsx(period),
        f"contoh-impor-{period.definition.code}-{period.starts_on:%Y%m}.xlsx",
        XLSX_MIME,
    )


def _office_in_reach(request: HttpRequest) -> tuple[list[Office], Office]:
    """The offices the user may look at, and the one asked for (`?kantor=`) or their own; 403
    without any, 404 for a code outside their reach."""
    offices = selectors.reachable_offices(request.user)
    if not offices:
        raise PermissionDenied(DENIED_MESSAGE)
    code = request.GET.get("kantor")
    office = next((o for o in offices if o.code == code), None) if code else None
    if code and office is None:
        raise Http404("Kantor tidak ditemukan.")
    return offices, office or selectors.default_office(request.user) or offices[0]


@login_required
def registry_coverage(request: AuthedRequest) -> HttpResponse:
    """Coverage per kab/kota counted from Alur's own register (the rollup), as of its day."""
    offices, office = _office_in_reach(request)
    data = selectors.registry_coverage(office)
    return render(
        request,
        "reports/registry_coverage.html",
        {
            "office": office,
            "offices_reach": offices,
            "coverage": data,
        },
    )


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    offices, office = _office_in_reach(request)
    days = min(max(int_param(request, "hari", 30) or 30, 1), 365)
    data = selectors.dashboard(request.user, office, days=days)
    sla_chart = charts.ranked_bars(
        [(s["code"], s["sla"]) for s in data["sops"]], "Kepatuhan SLA per SOP (%)", target=100
    )
    step_chart = charts.time_vs_standard(
        [(f"{s.sop} · {s.step}", s.median, s.p90, s.standard) for s in data["steps"] if s.done][
            :40
        ],
        "Waktu per langkah terhadap mutu baku",
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            **data,
            "offices_reach": offices,
            "sla_chart": sla_chart,
            "step_chart": step_chart,
        },
    )
