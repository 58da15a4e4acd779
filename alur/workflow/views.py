from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alur.core.web import run_service
from alur.workflow import panels, selectors, services
from alur.workflow.choices import Outcome
from alur.workflow.models import Task
from alur.workflow.spec import APPLICANT

INBOX_PAGE = 50  # the tasks due first; the rest follow as these are done


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    tasks, total = selectors.inbox_page(request.user, INBOX_PAGE)
    calendars = selectors.Calendars()
    rows = []
    for task in tasks:
        step = services.procedure(task.case).step(task.step)
        rows.append((task, step, selectors.sla_of(task, step.minutes, calendars)))
    return render(
        request,
        "workflow/inbox.html",
        {"rows": rows, "total": total, "more": total >= selectors.INBOX_COUNT_CAP},
    )


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for(request.user, reference)
    spec = services.procedure(case)
    rows = selectors.timeline(case)
    mine = [r for r in rows if r.task.status in ("open", "claimed")]
    actions = []
    for row in mine:
        step = spec.step(row.task.step)
        returns = [
            ("pemohon" if r == APPLICANT else f"Langkah {r}: {spec.step(r).activity[:60]}", r)
            for r in step.returns
        ]
        fragments, replaces_outcome = panels.step_panels(request, case, row.task, step)
        actions.append((row, step, returns, fragments, replaces_outcome))
    return render(
        request,
        "workflow/case_detail.html",
        {
            "case": case,
            "spec": spec,
            "rows": rows,
            "actions": actions,
            "case_panels": panels.case_panels(request, case),
            "Outcome": Outcome,
        },
    )


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
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda t: services.task_claim(task=t, actor=request.user), "Tugas diambil."
    )


@login_required
@require_POST
def task_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda t: services.task_release(task=t, actor=request.user, reason="dilepas dari halaman"),
        "Tugas dilepas; rekan sejabatan dapat mengambilnya.",
    )


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = request.POST.get("outcome", Outcome.DONE)
    labels = {
        Outcome.DONE: "Langkah selesai; perkara diteruskan.",
        Outcome.RETURN: "Perkara dikembalikan.",
        Outcome.REJECT: "Perkara ditolak.",
    }
    return _act(
        request,
        pk,
        lambda t: services.task_complete(
            task=t,
            actor=request.user,
            outcome=outcome,
            return_to=request.POST.get("return_to") or None,
            reason=request.POST.get("reason", ""),
        ),
        labels.get(outcome, "Tersimpan."),
    )


@login_required
def start_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "workflow/start_list.html", {"entries": selectors.starts_for(request.user)}
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(selectors.notifications_for(request.user))
    unread = {n.pk for n in items if n.read_at is None}
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("workflow:notifications")
    return render(request, "workflow/notifications.html", {"items": items, "unread": unread})
