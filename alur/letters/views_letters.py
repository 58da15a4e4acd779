"""Letter pages for staff: list, draft, edit, read, the chain's actions, signing, delivery and the
outgoing-letter book (a signer's certificates are `tte`'s page). Each action is one service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from alur.core.errors import DomainError
from alur.core.web import error_text, run_service
from alur.letters import agenda, chain, delivery, issuing, services
from alur.letters.forms import ChainForm, LetterForm, RecipientForm, SignForm
from alur.letters.models import Letter, LetterStatus
from alur.letters.permissions import Action, on_page
from alur.letters.selectors import agenda_rows, letter_document_for, letter_for, letters_for
from alur.org.access import DENIED_MESSAGE, AuthedRequest, Capability, can, offices_for
from alur.org.models import Office
from alur.tte.views_archive import document_response
from alur.workflow.models import Case
from alur.workflow.selectors import case_for


def _mine(user: Any, letter: Letter) -> bool:
    """Is it the user's turn on this letter (a letter drafted on its own)?"""
    if letter.status == LetterStatus.COSIGN:
        return issuing.may_cosign(letter, user)
    if letter.case_id is not None:
        return False
    if letter.status == LetterStatus.DRAFT:
        return letter.drafted_by_id == user.pk
    if letter.status != LetterStatus.REVIEW:
        return False
    slot = chain.next_slot(letter)
    return chain.holds_position(user, slot.position if slot else letter.signer_position)


@login_required
def letter_list(request: AuthedRequest) -> HttpResponse:
    if not offices_for(request.user, Capability.HANDLE_CASES).exists():
        raise PermissionDenied(DENIED_MESSAGE)
    recent = list(
        letters_for(request.user)
        .exclude(status=LetterStatus.CANCELLED)
        .order_by("-updated_at")[:100]
    )
    waiting = [letter for letter in recent if _mine(request.user, letter)]
    return render(request, "letters/letter_list.html", {"recent": recent, "waiting": waiting})


def _office_for_new(request: HttpRequest) -> Office:
    offices = offices_for(request.user, Capability.HANDLE_CASES).order_by("code")
    code = request.GET.get("kantor") or request.POST.get("kantor")
    office = offices.filter(code=code).first() if code else offices.first()
    if office is None:
        raise PermissionDenied(DENIED_MESSAGE)
    return office


@login_required
def letter_new(request: AuthedRequest) -> HttpResponse:
    case: Case | None = None
    reference = request.GET.get("perkara") or request.POST.get("perkara")
    if reference:
        case = case_for(request.user, reference, personal=True)
        office = case.office
    else:
        office = _office_for_new(request)
    form = LetterForm(request.POST or None)
    chain_form = None if case else ChainForm(request.POST or None, office=office)
    if (
        request.method == "POST"
        and form.is_valid()
        and (chain_form is None or chain_form.is_valid())
    ):
        signer, paraf, cosigner = chain_form.chain() if chain_form else (None, [], None)
        try:
            letter = services.letter_create(
                office=office,
                actor=request.user,
                data=form.letter_input(),
                signer=signer,
                paraf=paraf,
                case=case,
                cosigner=cosigner,
            )
        except (DomainError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Konsep naskah tersimpan.")
            if case is not None:
                return redirect("workflow:case_detail", reference=case.reference)
            return redirect("letters:detail", pk=letter.pk)
    return render(
        request,
        "letters/letter_form.html",
        {
            "form": form,
            "chain_form": chain_form,
            "office": office,
            "offices": offices_for(request.user, Capability.HANDLE_CASES).order_by("code"),
            "case": case,
            "letter": None,
        },
    )


@login_required
def letter_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = letter_for(request.user, pk)
    if not services.may_edit(letter, request.user):
        messages.error(request, "Naskah ini tidak dapat Anda ubah pada tahap ini.")
        return redirect("letters:detail", pk=letter.pk)
    form = LetterForm(request.POST or None, initial=LetterForm.initial_of(letter))
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_update(
                letter=letter,
                actor=request.user,
                data=form.letter_input(),
                note=request.POST.get("note", ""),
            )
        except (DomainError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Perubahan tersimpan sebagai versi baru.")
            return redirect("letters:detail", pk=letter.pk)
    return render(
        request,
        "letters/letter_form.html",
        {
            "form": form,
            "chain_form": None,
            "office": letter.office,
            "case": letter.case,
            "letter": letter,
        },
    )


@login_required
def letter_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = letter_for(request.user, pk)
    user = request.user
    kept = _kept_take(request, letter)
    actions = on_page(letter, user)
    return render(
        request,
        "letters/letter_detail.html",
        {
            "letter": letter,
            "parafs": chain.parafs(letter),
            "slots": list(letter.slots.select_related("position")),
            "events": list(letter.events.select_related("slot")),
            "versions": list(letter.versions.select_related("author")),
            "recipients": list(letter.recipients.select_related("message")),
            "waiting": chain.waiting_for(letter),
            **{f"may_{action}": action in actions for action in Action},
            "sign_form": SignForm(),
            "recipient_form": RecipientForm(initial=kept.get("recipient", {})),
            "cancel_reason": kept.get("reason", ""),
        },
    )


@login_required
def letter_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = letter_for(request.user, pk)
    if letter.document_id is not None:
        return redirect("letters:document", pk=letter.pk)
    pdf = (
        bytes(letter.first_signed_pdf)
        if letter.first_signed_pdf is not None
        else issuing.draft_pdf(letter)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="konsep-{letter.pk}-v{letter.version}.pdf"'
    return response


@login_required
def letter_document(request: AuthedRequest, pk: int) -> FileResponse:
    """The signed PDF, for whoever may read the letter and its archive (the BAST's second party
    too, whose office does not hold the archive)."""
    document = letter_document_for(request.user, letter_for(request.user, pk))
    if document is None:
        raise Http404("Dokumen tidak ditemukan.")
    return document_response(document)


KEPT = "letters:kept"


def _kept_take(request: HttpRequest, letter: Letter) -> dict[str, Any]:
    """What was typed into a refused form of this letter's page (a cancellation's reason, a
    recipient), to fill the form again; taken once."""
    kept = request.session.pop(KEPT, None)
    if not isinstance(kept, dict) or kept.get("letter") != letter.pk:
        return {}
    return kept


def _act(
    request: HttpRequest,
    pk: int,
    call: Callable[[Letter], object],
    success: str,
    keep: dict[str, Any] | None = None,
) -> HttpResponse:
    letter = letter_for(request.user, pk)
    done = run_service(request, lambda: call(letter), success)
    if not done and keep:
        request.session[KEPT] = {"letter": letter.pk, **keep}
    if request.POST.get("next") == "case" and letter.case is not None:
        return redirect("workflow:case_detail", reference=letter.case.reference)
    return redirect("letters:detail", pk=letter.pk)


@login_required
@require_POST
def letter_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda letter: chain.letter_submit(letter=letter, actor=request.user),
        "Naskah diajukan untuk paraf.",
    )


@login_required
@require_POST
def letter_paraf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda letter: chain.letter_paraf(letter=letter, actor=request.user),
        "Paraf tercatat.",
    )


@login_required
@require_POST
def letter_return(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda letter: chain.letter_return(
            letter=letter, actor=request.user, note=request.POST.get("note", "")
        ),
        "Naskah dikembalikan ke penyusun untuk perbaikan.",
    )


@login_required
@require_POST
def letter_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda letter: chain.letter_cancel(
            letter=letter, actor=request.user, reason=request.POST.get("reason", "")
        ),
        "Naskah dibatalkan.",
        keep={"reason": request.POST.get("reason", "")[:300]},
    )


def public_base(request: HttpRequest) -> str:
    return settings.PUBLIC_URL or request.build_absolute_uri("/")


@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def letter_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    form = SignForm(request.POST)
    passphrase = form.data.get("passphrase", "")
    return _act(
        request,
        pk,
        lambda letter: issuing.letter_sign(
            letter=letter, actor=request.user, passphrase=passphrase, base_url=public_base(request)
        ),
        "Naskah ditandatangani secara elektronik, diberi nomor dan diarsipkan.",
    )


@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def letter_cosign(request: AuthedRequest, pk: int) -> HttpResponse:
    passphrase = request.POST.get("passphrase", "")
    return _act(
        request,
        pk,
        lambda letter: issuing.letter_cosign(
            letter=letter, actor=request.user, passphrase=passphrase
        ),
        "Berita acara ditandatangani pihak kedua dan diarsipkan.",
    )


@login_required
@require_POST
def letter_deliver(request: AuthedRequest, pk: int) -> HttpResponse:
    def call(letter: Letter) -> int:
        count = delivery.letter_deliver(letter=letter, actor=request.user)
        if not count:
            raise DomainError("Semua penerima sudah dikirimi naskah ini.")
        return count

    return _act(request, pk, call, "Naskah masuk antrean kirim ke penerima.")


@login_required
@require_POST
def recipient_add(request: AuthedRequest, pk: int) -> HttpResponse:
    form = RecipientForm(request.POST)

    def call(letter: Letter) -> object:
        if not form.is_valid():
            raise ValidationError("Lengkapi nama, saluran dan nomor/alamat penerima.")
        return services.recipient_add(letter=letter, actor=request.user, **form.cleaned_data)

    typed = {k: request.POST.get(k, "")[:254] for k in ("name", "channel", "address")}
    return _act(request, pk, call, "Penerima ditambahkan.", keep={"recipient": typed})


@login_required
def agenda_book(request: AuthedRequest) -> HttpResponse:
    offices = offices_for(request.user, Capability.VIEW_OFFICE).order_by("code")
    code = request.GET.get("kantor")
    office = offices.filter(code=code).first() if code else offices.first()
    if office is None or not can(request.user, Capability.VIEW_OFFICE, office):
        raise PermissionDenied(DENIED_MESSAGE)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun") or today.year)
        month = int(request.GET["bulan"]) if request.GET.get("bulan") else None
        series = request.GET.get("seri") or None
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            data = agenda.agenda_xlsx(
                office=office, year=year, month=month, series_key=series, viewer=request.user
            )
            response = HttpResponse(
                data,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="agenda-{office.code}-{year}.xlsx"'
            )
            return response
        if fmt == "pdf":
            data = agenda.agenda_pdf(
                office=office, year=year, month=month, series_key=series, viewer=request.user
            )
            response = HttpResponse(data, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="agenda-{office.code}-{year}.pdf"'
            )
            return response
        rows = agenda_rows(
            office=office, year=year, month=month, series_key=series, viewer=request.user
        )
    except (ValueError, DomainError) as error:
        messages.error(
            request, error_text(error) if isinstance(error, DomainError) else "Periode tidak sah."
        )
        rows, year, month, series = [], today.year, None, None
    return render(
        request,
        "letters/agenda.html",
        {
            "office": office,
            "offices": offices,
            "rows": rows,
            "year": year,
            "month": month or "",
            "series": series or "",
            "series_list": office.number_series.all(),
        },
    )
