from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.uploads import read_bounded  # an upload read as the upload checks read it
from alur.core.web import error_text, run_service
from alur.org.access import AuthedRequest
from alur.sop.registry import Completion
from alur.workflow import cancel, inbox_filters, outside, panels, selectors, services
from alur.workflow.choices import Outcome
from alur.workflow.forms import OutsideRecordForm
from alur.workflow.models import Case, Task
from alur.workflow.spec import APPLICANT

INBOX_PAGE = 50  # the tasks due first; the rest follow as these are done


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    form, filters = inbox_filters.read(request.GET or None, request.user)
    tasks, total = selectors.inbox_page(request.user, INBOX_PAGE, filters)
    calendars = selectors.Calendars()
    rows = []
    for task in tasks:
        spec = services.procedure(task.case)
        step = spec.step(task.step)
        bar = services.review_bar(request.user, task, spec)
        rows.append((task, step, selectors.inbox_sla(task, step.minutes, calendars), bar))
    waiting = []
    for task in selectors.waiting_outside(request.user):
        step = services.procedure(task.case).step(task.step)
        waiting.append((task, step))
    return render(
        request,
        "workflow/inbox.html",
        {
            "rows": rows,
            "total": total,
            "more": total >= selectors.INBOX_COUNT_CAP,
            "waiting": waiting,
            "filter_form": form,
            "filters": filters,
        },
    )


def _record_form(request: HttpRequest, case: Case, task: Task, data: Any = None) -> Any:
    return OutsideRecordForm(
        *(data or ()),
        office=case.office,
        now=timezone.now(),
        prefix=f"catat-{task.pk}",
    )


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[int, Any] | None = None,
    typed: dict[int, dict[str, str]] | None = None,
    cancel_reason: str = "",
) -> HttpResponse:
    """The case page. `bound`: a record form as posted (with its errors), by task; `typed`: the
    outcome form's values as posted, by task, and `cancel_reason` the cancellation's, so that
    nothing typed is lost on an error."""
    spec = services.procedure(case)
    rows = selectors.timeline(case)
    # A reader with only a step of theirs on a case of a resident sees the steps, not the
    # resident (org.access.DataClass).
    personal = selectors.shows_personal(request.user, case)
    records = selectors.outside_records(case) if personal else {}
    actions = []
    for item in selectors.open_tasks(request.user, case, rows):
        step = item.step
        returns = [
            ("pemohon" if r == APPLICANT else f"Langkah {r}: {spec.step(r).activity[:60]}", r)
            for r in step.returns
        ]
        fragments: list[Any] = []
        replaces_outcome = False
        if item.may_act:
            fragments, replaces_outcome = panels.step_panels(request, case, item.task, step)
        form = None
        if item.may_record:
            form = (bound or {}).get(item.task.pk) or _record_form(request, case, item.task)
        values = (typed or {}).get(item.task.pk, {})
        actions.append((item, returns, fragments, replaces_outcome, form, values))
    return render(
        request,
        "workflow/case_detail.html",
        {
            "case": case,
            "spec": spec,
            "rows": rows,
            "actions": actions,
            "personal": personal,
            "case_panels": panels.case_panels(request, case) if personal else [],
            "notices": selectors.applicant_notices(case) if personal else [],
            "history": [(row, records.get(row.task.pk)) for row in rows],
            "Outcome": Outcome,
            "may_cancel": not cancel.cancel_bar(request.user, case, on_page=True),
            "cancel_reason": cancel_reason,
        },
    )


@login_required
def case_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_page(request, selectors.case_for(request.user, reference))


@login_required
@require_POST
def case_cancel(request: AuthedRequest, reference: str) -> HttpResponse:
    """The case page's "Batalkan perkara" (who may: `cancel.cancel_bar`)."""
    case = selectors.case_for(request.user, reference)
    reason = request.POST.get("reason", "")
    done = run_service(
        request,
        lambda: cancel.case_cancel(
            case=case,
            actor=request.user,
            reason=reason,
            on_page=True,
        ),
        "Perkara dibatalkan; tugas yang masih terbuka ditutup.",
    )
    if not done and reason.strip():
        return _case_page(request, case, cancel_reason=reason)
    return redirect("workflow:case_detail", reference=case.reference)


def _task_or_404(request: HttpRequest, pk: int) -> Task:
    task = Task.objects.select_related("case").filter(pk=pk).first()
    if task is None:
        raise Http404("Tugas tidak ditemukan.")
    selectors.case_for(request.user, task.case.reference)  # 404 outside the person's reach
    return task


def _act(
    request: HttpRequest, pk: int, action: Callable[[Task], object], success: str
) -> HttpResponse:
    task = _task_or_404(request, pk)
    run_service(request, lambda: action(task), success)
    target = request.POST.get("next") or ""
    if target == "inbox":
        return redirect("workflow:inbox")
    return redirect("workflow:case_detail", reference=task.case.reference)


@login_required
@require_POST
def task_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda t: services.task_claim(task=t, actor=request.user), "Tugas diambil."
    )


@login_required
@require_POST
def task_release(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda t: services.task_release(task=t, actor=request.user, reason="dilepas dari halaman"),
        "Tugas dilepas; rekan sejabatan dapat mengambilnya.",
    )


def _complete_with_data(request: AuthedRequest, task: Task, completion: Completion) -> HttpResponse:
    """A step panel's form: its declaration reads the post (None: answered without completing,
    e.g. a search or a form with errors, what was typed kept) and the task is completed with
    the data in one transaction; a refusal keeps what was typed."""
    page = reverse("workflow:case_detail", args=[task.case.reference])
    back = redirect(page + (f"#tugas-{task.pk}" if completion.anchor else ""))
    if completion.personal:
        selectors.case_for(request.user, task.case.reference, personal=True)
    data = completion.read(request, task) if completion.read is not None else {}
    if data is None:
        return back
    try:
        with transaction.atomic():
            if completion.run is not None:
                completion.run(task, request.user, data)
            else:
                services.task_complete(
                    task=task,
                    actor=request.user,
                    outcome=Outcome.DONE,
                    data=data,
                )
    except (DomainError, ValidationError, PermissionDenied) as error:
        if completion.refused is not None:
            completion.refused(request, task, error)
        else:
            messages.error(request, error_text(error))
        return back
    messages.success(request, completion.success)
    return redirect(page)


@login_required
@require_POST
def task_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Complete a task: with the outcome form (done, returned, rejected), or with the data of
    its step's panel when the step's key declares a `Completion` (alur.sop.registry)."""
    task = _task_or_404(request, pk)
    if "outcome" not in request.POST:
        step = services.procedure(task.case).step(task.step)
        completion = panels.step_completion(task.case, step)
        if completion is not None:
            return _complete_with_data(request, task, completion)
    outcome = request.POST.get("outcome", Outcome.DONE)
    labels: dict[str, str] = {
        Outcome.DONE: "Langkah selesai; perkara diteruskan.",
        Outcome.RETURN: "Perkara dikembalikan.",
        Outcome.REJECT: "Perkara ditolak.",
    }
    typed = {k: request.POST.get(k, "") for k in ("outcome", "return_to", "reason")}
    done = run_service(
        request,
        lambda: services.task_complete(
            task=task,
            actor=request.user,
            outcome=outcome,
            return_to=request.POST.get("return_to") or None,
            reason=request.POST.get("reason", ""),
        ),
        labels.get(outcome, "Tersimpan."),
    )
    if not done and typed["reason"].strip():
        # Refused: the page again, with what was typed.
        return _case_page(request, task.case, typed={task.pk: typed})
    if request.POST.get("next") == "inbox":
        return redirect("workflow:inbox")
    return redirect("workflow:case_detail", reference=task.case.reference)


@login_required
@require_POST
def task_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Staff record an outside party's step they witnessed (the case page's "Catat" panel)."""
    task = _task_or_404(request, pk)
    case = selectors.case_for(request.user, task.case.reference)
    form = _record_form(request, case, task, (request.POST, request.FILES))
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            outside.outside_step_record(
                task=task,
                actor=request.user,
                party=form.cleaned_data["party"],
                occurred_at=form.occurred_at_aware(),
                note=form.cleaned_data.get("note") or "",
                upload=read_bounded(upload) if upload is not None else None,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except (DomainError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Langkah pihak luar tercatat; perkara diteruskan.")
            return redirect("workflow:case_detail", reference=case.reference)
    messages.error(request, "Catatan belum tersimpan; periksa isiannya di bawah.")
    return _case_page(request, case, bound={task.pk: form})


@login_required
def record_file(request: AuthedRequest, reference: str, pk: int) -> FileResponse:
    entry = selectors.outside_record_for(request.user, reference, pk)
    extension = entry.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        entry.file.open("rb"),
        content_type=entry.mime or "application/octet-stream",
        filename=f"catatan-{reference}-langkah-{entry.task.step}.{extension}",
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def start_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "workflow/start_list.html", {"entries": selectors.starts_for(request.user)}
    )
