"""Thin views over `outreach.services`: the public referral form (rate-limited per address),
the partners' form and list, the staff list and map, and the forms of the case page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.ratelimit import over_limit
from alur.core.uploads import read_bounded
from alur.core.web import error_text, run_service
from alur.org.access import AuthedRequest, Capability, offices_for
from alur.org.models import User
from alur.outreach import selectors
from alur.outreach.forms import ReferralForm, VisitForm, VisitResultForm
from alur.outreach.inputs import ReferralInput
from alur.outreach.models import Visit
from alur.outreach.services import letters as letter_services
from alur.outreach.services import referrals as referral_services
from alur.outreach.services import visits as visit_services

FORM_LIMIT = 5  # public referrals per client address and window
FORM_WINDOW = 60 * 60
TOO_MANY = "Terlalu banyak rujukan dari perangkat ini. Silakan coba lagi nanti."
SESSION_SENT = "outreach:sent"
TYPED = "outreach:typed:"


def _input(data: dict[str, Any]) -> ReferralInput:
    """The referral's details from a valid form's data."""
    return ReferralInput(
        reporter_name=data.get("reporter_name", ""),
        reporter_phone=data.get("reporter_phone", ""),
        reporter_org=data.get("reporter_org", ""),
        name=data.get("name", ""),
        category=data.get("category", ""),
        nik=data.get("nik", ""),
        sex=data.get("sex", ""),
        birth_place=data.get("birth_place", ""),
        birth_date=data.get("birth_date"),
        address=data.get("address", ""),
        village=data.get("village", ""),
        district_code="",
        latitude=data.get("latitude") or None,
        longitude=data.get("longitude") or None,
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
        notes=data.get("notes", ""),
    )


def _refused(form: ReferralForm, error: Exception) -> dict[str, Any]:
    """What the page shows of a refused referral: the message, and the existing one's link."""
    form.add_error(None, error_text(error))
    if isinstance(error, referral_services.DuplicateReferral):
        return {"duplicate": error.existing}
    return {}


@never_cache
def public_form(request: HttpRequest) -> HttpResponse:
    offices = selectors.referral_offices()
    extra: dict[str, Any] = {}
    if request.method == "POST":
        form = ReferralForm(request.POST, offices=offices)
        if over_limit(request, "outreach:form", FORM_LIMIT, FORM_WINDOW):
            return render(
                request, "outreach/public_form.html", {"form": form, "error": TOO_MANY}, status=429
            )
        if form.is_valid():
            try:
                referral = referral_services.referral_create(
                    office=form.cleaned_data["office"],
                    data=_input(form.cleaned_data),
                    actor=None,
                    channel="web",
                )
            except DomainError as error:
                extra = _refused(form, error)
            else:
                request.session[SESSION_SENT] = referral.number
                return redirect("outreach:public_sent")
    else:
        form = ReferralForm(offices=offices)
    return render(request, "outreach/public_form.html", {"form": form, "error": ""} | extra)


@never_cache
def public_sent(request: HttpRequest) -> HttpResponse:
    number = request.session.get(SESSION_SENT)
    if not number:
        return redirect("outreach:public_form")
    return render(request, "outreach/public_sent.html", {"number": number})


# --- partners -------------------------------------------------------------------------------


@login_required
def partner_form(request: AuthedRequest) -> HttpResponse:
    offices = offices_for(request.user, Capability.REFER_RESIDENTS)
    if not offices.exists():
        raise PermissionDenied("Anda bukan mitra Dukcapil Siaga.")
    extra: dict[str, Any] = {}
    if request.method == "POST":
        form = ReferralForm(request.POST, offices=offices, partner=True)
        if form.is_valid():
            user: User = request.user
            data = form.cleaned_data | {
                "reporter_name": user.get_full_name() or user.username,
                "reporter_phone": "",
            }
            try:
                referral = referral_services.referral_submit(
                    office=data["office"], data=_input(data), actor=user
                )
            except (DomainError, PermissionDenied) as error:
                extra = _refused(form, error)
            else:
                messages.success(request, f"Rujukan {referral.number} terkirim ke Disdukcapil.")
                return redirect("outreach:detail", pk=referral.pk)
    else:
        form = ReferralForm(offices=offices, partner=True)
    return render(request, "outreach/partner_form.html", {"form": form} | extra)


@login_required
def partner_list(request: AuthedRequest) -> HttpResponse:
    if not offices_for(request.user, Capability.REFER_RESIDENTS).exists():
        return redirect("outreach:list")
    referrals = list(selectors.referrals_for(request.user).order_by("-submitted_at")[:200])
    return render(
        request, "outreach/partner_list.html", {"referrals": referrals, "partner_view": True}
    )


@login_required
@require_POST
def forward(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    run_service(
        request,
        lambda: referral_services.referral_forward(referral=referral, actor=request.user),
        "Rujukan diteruskan ke petugas Dukcapil.",
    )
    return redirect("outreach:detail", pk=pk)


# --- staff ----------------------------------------------------------------------------------


@login_required
def referral_list(request: AuthedRequest) -> HttpResponse:
    if not offices_for(request.user, Capability.HANDLE_CASES).exists():
        if offices_for(request.user, Capability.REFER_RESIDENTS).exists():
            return redirect("outreach:partner_list")  # a partner's own list
        raise PermissionDenied("Anda tidak menangani perkara di kantor mana pun.")
    referrals = list(selectors.open_referrals(request.user).order_by("submitted_at")[:500])
    return render(
        request,
        "outreach/list.html",
        {"referrals": referrals, "points": selectors.scatter(referrals)},
    )


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    staff = selectors.is_staff_for(request.user, referral)
    return render(
        request,
        "outreach/detail.html",
        {
            "referral": referral,
            "staff": staff,
            "own": selectors.is_own(request.user, referral),
            "progress": selectors.progress(referral),
            "visits": list(referral.visits.select_related("officer")),
        },
    )


@login_required
def letter_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    """A supporting letter's scan, for the office's staff and the referring partner."""
    referral = selectors.referral_for(request.user, pk)
    letter = referral.letters.filter(kind=kind).exclude(file="").first()
    if letter is None:
        raise Http404("Berkas surat tidak ditemukan.")
    extension = letter.file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        letter.file.open("rb"),
        content_type=MIME_OF.get(extension, "application/octet-stream"),
        filename=f"{referral.number}-{kind}.{extension}",
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def letter_send(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    """The referring partner sends a supporting letter from the referral's page."""
    referral = selectors.referral_for(request.user, pk)
    upload = request.FILES.get("file")
    run_service(
        request,
        lambda: letter_services.letter_send(
            referral=referral,
            kind=kind,
            actor=request.user,
            upload=read_bounded(upload) if upload else None,
        ),
        "Surat terkirim ke Disdukcapil. Terima kasih.",
    )
    return redirect("outreach:detail", pk=pk)


@login_required
@require_POST
def letters_chase(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    note = request.POST.get("note", "")
    if not run_service(
        request,
        lambda: letter_services.letters_chase(referral=referral, actor=request.user, note=note),
        "Permintaan surat terkirim kepada mitra yang merujuk.",
    ):
        _keep(request, pk, {"chase_note": note})
    return _back(pk, request)


@login_required
@require_POST
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    reason = request.POST.get("reason", "")
    if not run_service(
        request,
        lambda: referral_services.referral_close(
            referral=referral, actor=request.user, reason=reason
        ),
        "Rujukan ditutup; mitra yang merujuk diberi tahu alasannya.",
    ):
        _keep(request, pk, {"close_reason": reason})
    return _back(pk, request)


@login_required
@require_POST
def verify(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    note = request.POST.get("note", "")
    if not run_service(
        request,
        lambda: letter_services.referral_verify(referral=referral, actor=request.user, note=note),
        "Berkas terverifikasi dan diteruskan untuk pendaftaran penduduk.",
    ):
        _keep(request, pk, {"verify_note": note})
    return _back(pk, request)


MIME_OF = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def _keep(request: HttpRequest, pk: int, typed: dict[str, str]) -> None:
    """What the person typed into a refused form, for the panel to show again."""
    request.session[f"{TYPED}{pk}"] = typed


def typed(request: HttpRequest, pk: int) -> dict[str, str]:
    """What was kept by `_keep` for this referral, once."""
    return request.session.pop(f"{TYPED}{pk}", None) or {}


def _back(referral_pk: int, request: HttpRequest) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_pk)
    if request.POST.get("next") == "case" and referral.case:
        return redirect("workflow:case_detail", reference=referral.case.reference)
    return redirect("outreach:detail", pk=referral_pk)


@login_required
@require_POST
def letter_receive(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    upload = request.FILES.get("file")
    content = read_bounded(upload) if upload else None
    run_service(
        request,
        lambda: letter_services.letter_receive(
            referral=referral,
            kind=kind,
            actor=request.user,
            upload=content,
            note=request.POST.get("note", ""),
        ),
        "Surat pendukung tercatat diterima.",
    )
    return _back(pk, request)


@login_required
@require_POST
def visit_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    form = VisitForm(request.POST)
    kept = {name: request.POST.get(name, "") for name in ("scheduled_for", "officer", "address")}
    if not form.is_valid():
        messages.error(request, "Isi jadwal kunjungan (tanggal dan jam) dan petugas perekaman.")
        _keep(request, pk, kept)
        return _back(pk, request)
    officer = User.objects.filter(pk=form.cleaned_data["officer"]).first()
    when: datetime = form.cleaned_data["scheduled_for"]
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if officer is None:
        raise Http404("Petugas tidak ditemukan.")
    if not run_service(
        request,
        lambda: visit_services.visit_schedule(
            referral=referral,
            when=when,
            officer=officer,
            actor=request.user,
            address=form.cleaned_data.get("address", ""),
        ),
        "Jemput bola dijadwalkan untuk petugas perekaman.",
    ):
        _keep(request, pk, kept)
    return _back(pk, request)


@login_required
@require_POST
def visit_record(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = Visit.objects.select_related("referral").filter(pk=pk).first()
    if visit is None:
        raise Http404("Kunjungan tidak ditemukan.")
    selectors.referral_for(request.user, visit.referral_id)
    form = VisitResultForm(request.POST)
    form.is_valid()
    if not run_service(
        request,
        lambda: visit_services.visit_record(
            visit=visit,
            actor=request.user,
            result=form.cleaned_data.get("result", ""),
            note=form.cleaned_data.get("note", ""),
        ),
        "Hasil kunjungan tercatat.",
    ):
        _keep(
            request,
            visit.referral_id,
            {"result": request.POST.get("result", ""), "result_note": request.POST.get("note", "")},
        )
    return _back(visit.referral_id, request)
