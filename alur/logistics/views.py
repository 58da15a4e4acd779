"""Stock pages, requests, and the posts of the step panels. Thin: parse, call a service, report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.web import error_text, form_data, run_service
from alur.logistics import charts, handover_documents, selectors, services
from alur.logistics.choices import Item
from alur.logistics.forms import ApproveForm, CountForm, DamagedForm, RequestForm
from alur.logistics.models import Allocation, AllocationLine
from alur.org.access import DENIED_MESSAGE, Capability, can, office_ids_for
from alur.workflow import selectors as workflow_selectors
from alur.workflow import services as workflow_services
from alur.workflow.choices import Outcome
from alur.workflow.models import Task


def _item(request: HttpRequest, value: str | None = None) -> str:
    item = value or request.GET.get("barang") or Item.KTP_EL
    if item not in Item.values:
        raise Http404("Barang tidak dikenal.")
    return item


def _need_reach(request: HttpRequest) -> None:
    if not office_ids_for(request.user, selectors.READ):
        raise PermissionDenied(DENIED_MESSAGE)


@login_required
def stock(request: HttpRequest) -> HttpResponse:
    """The stock position of an office and its kab/kota, for one item, with a bar chart."""
    _need_reach(request)
    code = request.GET.get("kantor")
    office = selectors.office_for(request.user, code) if code else None
    office = office or selectors.default_office(request.user)
    item = _item(request)
    rows = selectors.position(request.user, office, item) if office else []
    title = f"Stok {Item(item).label} per kantor"
    chart = charts.stock_bars(
        [(r.office.short_name or r.office.name, r.balance, r.days_of_cover) for r in rows], title
    )
    return render(
        request,
        "logistics/stock.html",
        {
            "office": office,
            "item": item,
            "items": Item.choices,
            "rows": rows,
            "total": sum(r.balance for r in rows),
            "chart": chart,
            "offices": selectors.reachable(request.user),
        },
    )


@login_required
def history(request: HttpRequest, code: str, item: str) -> HttpResponse:
    """Every posted line of one office's stock of one item, with the balance chart."""
    office = selectors.office_for(request.user, code)
    item = _item(request, item)
    lines = list(selectors.ledger(request.user, office, item))
    points = [(line.occurred_on, line.balance) for line in lines]  # the day of each movement
    staff = can(request.user, Capability.HANDLE_CASES, office)
    return render(
        request,
        "logistics/history.html",
        {
            "office": office,
            "item": item,
            "item_label": Item(item).label,
            "lines": lines,
            "balance": lines[-1].balance if lines else 0,
            "sum_of_lines": sum(line.quantity for line in lines),
            "chart": charts.balance_line(points[-60:], f"Saldo {Item(item).label}"),
            "count_form": CountForm() if staff else None,
            "damaged_form": DamagedForm() if staff else None,
        },
    )


def _ledger_post(
    request: HttpRequest, code: str, item: str, form: Any, service: Any, success: str
) -> HttpResponse:
    """A ledger line entered on an office's history page (stock count, damaged blanks)."""
    office = selectors.office_for(request.user, code)
    item = _item(request, item)
    run_service(
        request,
        lambda: service(office=office, item=item, actor=request.user, **form_data(form)),
        success,
    )
    return redirect("logistics:history", code=office.code, item=item)


@login_required
@require_POST
def stock_count(request: HttpRequest, code: str, item: str) -> HttpResponse:
    return _ledger_post(
        request,
        code,
        item,
        CountForm(request.POST),
        services.stock_count_record,
        "Hasil stok opname dicatat.",
    )


@login_required
@require_POST
def damaged(request: HttpRequest, code: str, item: str) -> HttpResponse:
    return _ledger_post(
        request,
        code,
        item,
        DamagedForm(request.POST),
        services.damaged_record,
        "Blanko rusak dicatat.",
    )


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    _need_reach(request)
    return render(
        request,
        "logistics/reconciliation.html",
        {
            "stocks": selectors.stock_checks(request.user),
            "allocations": selectors.allocation_checks(request.user),
        },
    )


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    """The requests in reach; staff of a kab/kota submit theirs here."""
    _need_reach(request)
    own = [
        o
        for o in selectors.reachable(request.user)
        if o.parent_id is not None and can(request.user, Capability.HANDLE_CASES, o)
    ]
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        code = request.POST.get("kantor", "")
        office = next((o for o in own if o.code == code), None)
        if office is None:
            raise PermissionDenied(DENIED_MESSAGE)

        def call() -> None:
            data = form_data(form)
            services.blank_request_submit(
                office=office,
                item=data["item"],
                quantity=data["quantity"],
                backlog=data["backlog"],
                justification=data["justification"],
                letter_number=data["letter_number"],
                actor=request.user,
            )

        if run_service(request, call, "Permohonan blanko dikirim ke provinsi."):
            return redirect("logistics:requests")
    return render(
        request,
        "logistics/requests.html",
        {
            "requests": selectors.requests_for(request.user)[:100],
            "form": form if own else None,
            "own": own,
        },
    )


def _task(request: HttpRequest, pk: int) -> Task:
    task = Task.objects.select_related("case").filter(pk=pk).first()
    if task is None:
        raise Http404("Tugas tidak ditemukan.")
    workflow_selectors.case_for(request.user, task.case.reference)  # 404 outside reach
    return task


@login_required
@require_POST
def step_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A logistics step panel's form: complete the task with its data; the handler decides."""
    task = _task(request, pk)
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    run_service(
        request,
        lambda: workflow_services.task_complete(
            task=task, actor=request.user, outcome=Outcome.DONE, data=data
        ),
        "Langkah selesai; perkara diteruskan.",
    )
    return redirect("workflow:case_detail", reference=task.case.reference)


@login_required
@require_POST
def allocation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = Allocation.objects.select_related("office", "case").filter(pk=pk).first()
    if allocation is None or allocation.office_id not in office_ids_for(
        request.user, selectors.READ
    ):
        raise Http404("Pembagian tidak ditemukan.")
    form = ApproveForm(request.POST, lines=allocation.lines.select_related("office"))
    try:
        form_data(form)
        services.allocation_approve(
            allocation=allocation,
            shares=form.shares(),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except (DomainError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Porsi pembagian disetujui.")
    if allocation.case is not None:
        return redirect("workflow:case_detail", reference=allocation.case.reference)
    return redirect("logistics:reconciliation")


def _draft_for(request: HttpRequest, pk: int, office_field: str, draft: Any) -> HttpResponse:
    line = (
        AllocationLine.objects.select_related("allocation", "allocation__case")
        .filter(
            pk=pk,
            **{f"{office_field}__in": office_ids_for(request.user, Capability.HANDLE_CASES)},
        )
        .first()
    )
    if line is None:
        raise Http404("Porsi tidak ditemukan.")
    try:
        letter = draft(line=line, actor=request.user)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("workflow:case_detail", reference=line.allocation.case.reference)
    return redirect("letters:detail", pk=letter.pk)


@login_required
@require_POST
def bast_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The province drafts the BAST of one share from the letters templates and opens it."""
    return _draft_for(request, pk, "allocation__office", handover_documents.bast_draft)


@login_required
@require_POST
def hibah_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The kab/kota drafts its hibah statement for its share and opens it."""
    return _draft_for(request, pk, "office", handover_documents.hibah_draft)
