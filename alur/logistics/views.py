"""Stock pages, requests, and the posts of the step panels. Thin: parse, call a service, report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.uploads import read_bounded
from alur.core.web import error_text, form_data, run_service
from alur.logistics import charts, handover_documents, ledger, rounds, selectors
from alur.logistics.choices import Item
from alur.logistics.forms import ApproveForm, CountForm, DamagedForm, RequestForm
from alur.logistics.models import Allocation, AllocationLine, BlankRequest, Shipment
from alur.logistics.panels import keep_typed
from alur.logistics.services import allocation as allocation_services
from alur.logistics.services.requests import blank_request_submit
from alur.org.access import DENIED_MESSAGE, AuthedRequest, Capability, can, office_ids_for
from alur.workflow import selectors as workflow_selectors
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
def stock(request: AuthedRequest) -> HttpResponse:
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
def history(request: AuthedRequest, code: str, item: str) -> HttpResponse:
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
def stock_count(request: AuthedRequest, code: str, item: str) -> HttpResponse:
    return _ledger_post(
        request,
        code,
        item,
        CountForm(request.POST),
        ledger.stock_count_record,
        "Hasil stok opname dicatat.",
    )


@login_required
@require_POST
def damaged(request: AuthedRequest, code: str, item: str) -> HttpResponse:
    return _ledger_post(
        request,
        code,
        item,
        DamagedForm(request.POST),
        ledger.damaged_record,
        "Blanko rusak dicatat.",
    )


@login_required
def reconciliation(request: AuthedRequest) -> HttpResponse:
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
def requests(request: AuthedRequest) -> HttpResponse:
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
            blank_request_submit(
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
    province = selectors.round_office(request.user)
    return render(
        request,
        "logistics/requests.html",
        {
            "requests": selectors.requests_for(request.user)[:100],
            "form": form if own else None,
            "own": own,
            "province": province,
            "may_start": province is not None and rounds.may_start(request.user, province),
            "waiting": list(rounds.waiting_requests(province)) if province else [],
            "rounds": list(rounds.open_rounds(province)) if province else [],
        },
    )


# --- S1 rounds -----------------------------------------------------------------------------


@login_required
def round_start(request: AuthedRequest) -> HttpResponse:
    """Step 1 of S1: the meeting's minutes and the kab/kota requests the round answers."""
    office = selectors.round_office(request.user)
    if office is None or not rounds.may_start(request.user, office):
        raise PermissionDenied(DENIED_MESSAGE)
    source = request.POST if request.method == "POST" else request.GET
    chosen = {value for value in source.getlist("permohonan") if value.isdigit()}
    minutes = request.POST.get("notulen", "")
    if request.method == "POST":
        try:
            case = rounds.round_start(
                office=office,
                request_ids=source.getlist("permohonan"),
                minutes=minutes,
                actor=request.user,
            )
        except (DomainError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                f"Putaran {case.reference} dimulai; hasil rapat (langkah 1) tercatat. "
                "Berikutnya: konsep surat permohonan ke Ditjen Dukcapil.",
            )
            return redirect("workflow:case_detail", reference=case.reference)
    return render(
        request,
        "logistics/round_start.html",
        {
            "office": office,
            "waiting": list(rounds.waiting_requests(office)),
            "chosen": chosen,
            "minutes": minutes,
            "rounds": list(rounds.open_rounds(office)),
        },
    )


@login_required
@require_POST
def round_join(request: AuthedRequest, pk: int) -> HttpResponse:
    """A request that arrived after the meeting joins a running round."""
    office = selectors.round_office(request.user)
    found = BlankRequest.objects.filter(pk=pk, office__parent=office).first() if office else None
    if found is None:
        raise Http404("Permohonan tidak ditemukan.")
    case = workflow_selectors.case_for(request.user, request.POST.get("perkara", ""))
    run_service(
        request,
        lambda: rounds.round_join(case=case, request_ids=[found.pk], actor=request.user),
        f"Permohonan {found.office} masuk putaran {case.reference}.",
    )
    return redirect("logistics:requests")


@login_required
@require_POST
def request_letter_draft(request: AuthedRequest, reference: str) -> HttpResponse:
    """The round's request letter, drafted from its requests by the holder of step 2."""
    case = workflow_selectors.case_for(request.user, reference)
    run_service(
        request,
        lambda: rounds.request_letter_draft(case=case, actor=request.user),
        "Konsep surat permohonan disusun dari permohonan kabupaten/kota; periksa dan ubah bila "
        "perlu, lalu simpan hasil langkah ini.",
    )
    return redirect("workflow:case_detail", reference=case.reference)


@login_required
@require_POST
def cover_letter_draft(request: AuthedRequest, reference: str) -> HttpResponse:
    """Step 12's covering letter to the Badan Penghubung, opened on its own page."""
    case = workflow_selectors.case_for(request.user, reference)
    try:
        letter = rounds.cover_letter_draft(case=case, actor=request.user)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("workflow:case_detail", reference=case.reference)
    messages.success(
        request,
        "Surat pengantar tersusun. Ajukan untuk paraf; setelah ditandatangani Kepala Dinas, "
        "simpan langkah pengiriman pada halaman perkara.",
    )
    return redirect("letters:detail", pk=letter.pk)


FILES = {"smu": "waybill_scan", "dokumen": "pickup_document"}


@login_required
def shipment_file(request: AuthedRequest, pk: int, which: str) -> FileResponse:
    """A shipment's air waybill or shipping document, for those who may read its case."""
    shipment = Shipment.objects.select_related("case").filter(pk=pk).first()
    if shipment is None or shipment.case is None or which not in FILES:
        raise Http404("Berkas tidak ditemukan.")
    workflow_selectors.case_for(request.user, shipment.case.reference)  # 404 outside reach
    stored = getattr(shipment, FILES[which])
    if not stored:
        raise Http404("Berkas tidak ditemukan.")
    extension = stored.name.rsplit(".", 1)[-1].lower()
    mime = {"pdf": "application/pdf", "png": "image/png"}.get(extension, "image/jpeg")
    response = FileResponse(
        stored.open("rb"), content_type=mime, filename=f"{which}-{shipment.pk}.{extension}"
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


def _typed(request: HttpRequest) -> dict[str, Any]:
    return {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "upload")}


def read_step(request: HttpRequest, task: Task) -> dict[str, Any]:
    """A logistics step panel's form, for its handler to read with the app's forms. A photo or
    scan sent with it (the air waybill, the shipping document) goes as `upload`."""
    data = _typed(request)
    upload = request.FILES.get("berkas")
    if upload is not None:
        data["upload"] = read_bounded(upload)
    return data


def step_refused(request: HttpRequest, task: Task, error: Exception) -> None:
    """The handler refused: the reason, and the form as typed on the case page."""
    messages.error(request, error_text(error))
    keep_typed(request, f"step-{task.pk}", _typed(request))


@login_required
@require_POST
def allocation_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    allocation = Allocation.objects.select_related("office", "case").filter(pk=pk).first()
    if allocation is None or allocation.office_id not in office_ids_for(
        request.user, selectors.READ
    ):
        raise Http404("Pembagian tidak ditemukan.")
    form = ApproveForm(request.POST, lines=allocation.lines.select_related("office"))
    try:
        form_data(form)
        allocation_services.allocation_approve(
            allocation=allocation,
            shares=form.shares(),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except (DomainError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        keep_typed(request, f"approve-{allocation.pk}", request.POST.dict())
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
        case = line.allocation.case
        if case is None:
            raise Http404("Perkara porsi tidak ditemukan.") from error
        return redirect("workflow:case_detail", reference=case.reference)
    return redirect("letters:detail", pk=letter.pk)


@login_required
@require_POST
def bast_draft(request: AuthedRequest, pk: int) -> HttpResponse:
    """The province drafts the BAST of one share from the letters templates and opens it."""
    return _draft_for(request, pk, "allocation__office", handover_documents.bast_draft)


@login_required
@require_POST
def hibah_draft(request: AuthedRequest, pk: int) -> HttpResponse:
    """The kab/kota drafts its hibah statement for its share and opens it."""
    return _draft_for(request, pk, "office", handover_documents.hibah_draft)
