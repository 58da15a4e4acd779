from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alur.complaints import selectors, services
from alur.complaints.choices import Channel, Status
from alur.complaints.forms import ComplaintForm, RegisterForm, TrackingForm
from alur.complaints.models import Complaint
from alur.core.errors import DomainError
from alur.core.ratelimit import over_limit
from alur.core.web import error_text, int_param, run_service, tracking_lookup
from alur.org.access import AuthedRequest

FORM_LIMIT = 5  # complaints per client address and window
FORM_WINDOW = 60 * 60  # seconds
TOO_MANY = "Terlalu banyak percobaan dari perangkat ini. Silakan coba lagi nanti."
NO_MATCH = "Nomor pengaduan atau 4 angka terakhir nomor HP tidak cocok."
SESSION_SENT = "complaints:sent"


def _submit(form: ComplaintForm, channel: str, actor: Any) -> Complaint | None:
    data = form.cleaned_data
    try:
        return services.complaint_submit(
            office=data["office"],
            channel=channel,
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_email=data.get("reporter_email", ""),
            application_reference=data["application_reference"],
            text=data["text"],
            actor=actor,
            client_token=data["token"] if channel == Channel.WEB else "",
        )
    except DomainError as error:
        form.add_service_error(error.code, error.message)
    except PermissionDenied as error:
        form.add_error(None, error_text(error))
    return None


# --- public ---------------------------------------------------------------------------------


@never_cache
def public_form(request: HttpRequest) -> HttpResponse:
    offices = selectors.complaint_offices()
    if request.method == "POST":
        form = ComplaintForm(request.POST, offices=offices)
        if over_limit(request, "complaints:form", FORM_LIMIT, FORM_WINDOW):
            return render(
                request,
                "complaints/public_form.html",
                {"form": form, "error": TOO_MANY},
                status=429,
            )
        if form.is_valid():
            complaint = _submit(form, Channel.WEB, None)
            if complaint is not None:
                request.session[SESSION_SENT] = complaint.case.reference
                return redirect("complaints:public_sent")
    else:
        form = ComplaintForm(offices=offices)
    return render(request, "complaints/public_form.html", {"form": form, "error": ""})


@never_cache
def public_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SESSION_SENT)
    if not reference:
        return redirect("complaints:public_form")
    return render(request, "complaints/public_sent.html", {"reference": reference})


@never_cache
def tracking(request: HttpRequest) -> HttpResponse:
    """A complaint's progress by its number and the phone's last four digits; the reporter rates
    the answer here."""
    tracked = tracking_lookup(
        request, TrackingForm, "complaints:tracking", selectors.tracking_lookup, NO_MATCH
    )
    complaint, error = tracked.found, tracked.error
    if complaint is not None and "score" in request.POST:
        try:
            complaint = services.complaint_rate(
                complaint=complaint, score=request.POST["score"], channel=Channel.WEB
            )
            messages.success(request, "Terima kasih atas penilaian Anda.")
        except DomainError as refused:
            error = refused.message
    return render(
        request,
        "complaints/tracking.html",
        {
            "form": tracked.form,
            "complaint": complaint,
            "error": error,
            "Status": Status,
            "scores": range(1, 6),
        },
        status=tracked.status,
    )


# --- staff ----------------------------------------------------------------------------------


@login_required
def counter(request: AuthedRequest) -> HttpResponse:
    offices = selectors.staff_offices(request.user)
    if not offices:
        raise PermissionDenied("Anda tidak menerima pengaduan di kantor mana pun.")
    queryset = selectors.complaint_offices().filter(pk__in=[o.pk for o in offices])
    if request.method == "POST":
        form = ComplaintForm(request.POST, offices=queryset, counter=True)
        if form.is_valid():
            complaint = _submit(form, Channel.COUNTER, request.user)
            if complaint is not None:
                messages.success(
                    request,
                    "Pengaduan diterima. Nomor pengaduan (untuk lacak): "
                    + complaint.case.reference,
                )
                return redirect("workflow:case_detail", reference=complaint.case.reference)
    else:
        form = ComplaintForm(offices=queryset, counter=True)
    return render(request, "complaints/counter.html", {"form": form})


def _year(request: HttpRequest) -> int:
    default = timezone.localdate().year
    return int_param(request, "tahun", default, minimum=2000, maximum=2100) or default


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    office = selectors.office_for(request.user, request.GET.get("kantor"))
    year = _year(request)
    return render(
        request,
        "complaints/register.html",
        {
            "office": office,
            "offices": selectors.staff_offices(request.user),
            "year": year,
            "rows": list(selectors.register_rows(office, year, viewer=request.user)),
        },
    )


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    office = selectors.office_for(request.user, request.GET.get("kantor"))
    return render(
        request,
        "complaints/stats.html",
        {
            "recap": selectors.recap(office, _year(request)),
            "offices": selectors.staff_offices(request.user),
        },
    )


@login_required
def answer_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    return render(request, "complaints/answer_sheet.html", {"complaint": complaint})


TYPED = "complaints:typed:"


def keep_typed(request: HttpRequest, pk: int, fields: dict[str, str]) -> None:
    """What the officer typed into a refused case-page form, for its panel to show again."""
    for name, value in fields.items():
        request.session[f"{TYPED}{pk}:{name}"] = value


def typed(request: HttpRequest, pk: int, *names: str) -> dict[str, str]:
    """The values `keep_typed` kept for these fields of the complaint, once."""
    found = {name: request.session.pop(f"{TYPED}{pk}:{name}", None) for name in names}
    return {name: value for name, value in found.items() if value is not None}


def _act(
    request: HttpRequest,
    pk: int,
    call: Callable[[Complaint], object],
    success: str,
    fields: tuple[str, ...] = (),
) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    if not run_service(request, lambda: call(complaint), success):
        keep_typed(request, pk, {name: request.POST.get(name, "") for name in fields})
    return redirect("workflow:case_detail", reference=complaint.case.reference)


@login_required
@require_POST
def register_step(request: AuthedRequest, pk: int) -> HttpResponse:
    form = RegisterForm(request.POST)
    form.is_valid()
    return _act(
        request,
        pk,
        lambda c: services.complaint_register(
            complaint=c,
            actor=request.user,
            category=form.cleaned_data.get("category", ""),
            analysis=form.cleaned_data.get("analysis", ""),
        ),
        "Pengaduan dicatat di register.",
        ("category", "analysis"),
    )


# The case-page actions that take one text field: the service, the form field and the service's
# keyword for it, and what the officer is told when it went through.
TEXT_ACTIONS: dict[str, tuple[Callable[..., object], str, str]] = {
    "reject": (
        services.complaint_reject,
        "reason",
        "Pengaduan ditutup tanpa diproses; pelapor diberi tahu alasannya.",
    ),
    "answer": (
        services.complaint_answer,
        "answer",
        "Jawaban disampaikan kepada pelapor; pengaduan ditutup.",
    ),
    "escalate": (
        services.complaint_escalate,
        "note",
        "Pengaduan diteruskan ke pejabat pengelola pengaduan.",
    ),
    "opinion": (services.complaint_opinion_add, "text", "Pendapat Anda tercatat."),
    "resolve": (
        services.complaint_resolve,
        "solution",
        "Hasil konsultasi tercatat; diteruskan ke pejabat pengelola pengaduan.",
    ),
    "decide": (
        services.complaint_decide,
        "decision",
        "Keputusan tercatat dan diserahkan kepada petugas penerima aduan.",
    ),
}


def _text_action(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    service, field, success = TEXT_ACTIONS[name]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _act(
            request,
            pk,
            lambda c: service(
                complaint=c,
                actor=request.user,
                **{field: request.POST.get(field, "")},
            ),
            success,
            (field,),
        )

    view.__name__ = name
    return view


reject = _text_action("reject")
answer = _text_action("answer")
escalate = _text_action("escalate")
opinion = _text_action("opinion")
resolve = _text_action("resolve")
decide = _text_action("decide")
