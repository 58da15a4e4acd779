"""The letters keys SOP steps name, and what the case page shows for them.

- `letters.draft`: the step is done once the case has a draft; finishing it submits the draft
  to the chain (a new round: every paraf asked again).
- `letters.check`: "Sesuai" records the check (Eselon IV); "Perbaikan" sends the letter back.
- `letters.paraf`: "Sesuai" is the paraf of that step's position; "Perbaikan" sends the letter
  back to its drafter with the notes; "Tolak" cancels it with the case.
- `letters.sign`: done only by signing with the certificate's passphrase (the sign form
  completes the task); "Perbaikan" sends the letter back.
- `letters.number` / `letters.issue`: the number and the signed, archived PDF were made when the
  letter was signed (the TTE covers the number, so it is taken then); these steps check them.
- `letters.deliver`: queues the signed PDF for the recipients of that step (and those without
  a step) through the outbox; with no recipient at all it refuses to complete.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from alur.core.errors import DomainError
from alur.letters.chain import (
    letter_cancel,
    letter_check,
    letter_paraf,
    letter_return,
    letter_submit,
    may_paraf_slot,
    parafs,
    waiting_for,
)
from alur.letters.delivery import letter_deliver
from alur.letters.models import Letter, LetterStatus
from alur.letters.selectors import case_letter, open_task
from alur.sop.registry import KeyKind, declare
from alur.workflow.choices import Outcome
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel
from alur.workflow.services import StepContext, procedure
from alur.workflow.spec import StepSpec

FORM, ACTION = KeyKind.FORM, KeyKind.ACTION
LETTER_KEYS = frozenset(
    {
        "letters.draft",
        "letters.check",
        "letters.paraf",
        "letters.sign",
        "letters.number",
        "letters.issue",
        "letters.deliver",
    }
)


def _required(case: Case) -> Letter:
    letter = case_letter(case)
    if letter is None:
        raise DomainError(
            "Perkara ini belum memiliki konsep naskah. Susun konsepnya dahulu (tombol Susun "
            "konsep pada langkah penyusunan).",
            code="no_letter",
        )
    return letter


def _signed(case: Case) -> Letter:
    letter = _required(case)
    if letter.status != LetterStatus.SIGNED or letter.number_id is None:
        raise DomainError(
            "Naskah perkara ini belum ditandatangani, jadi belum bernomor dan belum terbit.",
            code="unsigned",
        )
    return letter


def _back_or_cancel(context: StepContext, letter: Letter) -> None:
    assert context.actor is not None  # noqa: S101 - people complete these steps
    if context.outcome == Outcome.RETURN:
        letter_return(letter=letter, actor=context.actor, note=context.task.reason, checked=True)
    elif context.outcome == Outcome.REJECT and letter.status != LetterStatus.SIGNED:
        letter_cancel(letter=letter, actor=context.actor, reason=context.task.reason, checked=True)


def on_draft(context: StepContext) -> None:
    if context.outcome == Outcome.DONE:
        assert context.actor is not None  # noqa: S101
        letter_submit(letter=_required(context.case), actor=context.actor, restart=True)
    elif context.outcome == Outcome.REJECT and (letter := case_letter(context.case)):
        _back_or_cancel(context, letter)


def on_check(context: StepContext) -> None:
    letter = _required(context.case)
    if context.outcome == Outcome.DONE:
        assert context.actor is not None  # noqa: S101
        letter_check(letter=letter, actor=context.actor)
    else:
        _back_or_cancel(context, letter)


def on_paraf(context: StepContext) -> None:
    letter = _required(context.case)
    if context.outcome == Outcome.DONE:
        assert context.actor is not None  # noqa: S101
        letter_paraf(letter=letter, actor=context.actor, step=context.step.number)
    else:
        _back_or_cancel(context, letter)


def on_sign(context: StepContext) -> None:
    letter = _required(context.case)
    if context.outcome == Outcome.DONE:
        if letter.status != LetterStatus.SIGNED:
            raise DomainError(
                "Langkah ini selesai dengan menandatangani naskah: masukkan passphrase "
                "sertifikat Anda pada formulir Tandatangani.",
                code="unsigned",
            )
    else:
        _back_or_cancel(context, letter)


def on_number(context: StepContext) -> None:
    _signed(context.case)


def on_issue(context: StepContext) -> None:
    if _signed(context.case).document_id is None:
        raise DomainError("Naskah yang ditandatangani belum tersimpan di arsip.")


def on_deliver(context: StepContext) -> None:
    """A delivery step with nobody to deliver to refuses to complete, saying why: the letter
    would otherwise be marked sent while it reached no one."""
    letter = _signed(context.case)
    step = context.step.number
    addressed = letter.recipients.filter(step__isnull=True) | letter.recipients.filter(step=step)
    if not addressed.exists():
        raise DomainError(
            f"Langkah {step} mengirim naskah, tetapi naskah ini belum punya penerima untuk "
            "langkah ini. Tambahkan penerima (nomor WhatsApp atau e-mail) pada halaman naskah, "
            "lalu selesaikan langkah ini lagi."
        )
    letter_deliver(letter=letter, actor=context.actor, step=step)


# --- the case page -------------------------------------------------------------------------


def _uses_letters(case: Case) -> bool:
    return any(
        key in LETTER_KEYS for step in procedure(case).steps for key in (step.form, step.action)
    )


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    if not _uses_letters(case):
        return None
    letter = case_letter(case)
    return mark_safe(  # noqa: S308 - a rendered template, escaped by Django
        render_to_string(
            "letters/panels/case.html",
            {
                "letter": letter,
                "parafs": parafs(letter) if letter else [],
                "waiting": waiting_for(letter) if letter else "",
                "recipients": list(letter.recipients.select_related("message")) if letter else [],
                "case": case,
            },
            request=request,
        )
    )


def draft_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString:
    letter = case_letter(case)
    return mark_safe(  # noqa: S308 - a rendered template, escaped by Django
        render_to_string(
            "letters/panels/draft.html",
            {"letter": letter, "case": case, "task": task},
            request=request,
        )
    )


def paraf_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString:
    """The paraf step's outcome, for the holder of the very post its slot names (definitive,
    Plt. or Plh.) only; another holder of the same kind (the other Kabid) reads whose it is."""
    letter = case_letter(case)
    slot = (
        letter.slots.select_related("position").filter(step=step.number).first() if letter else None
    )
    mine = slot is not None and may_paraf_slot(request.user, slot)
    match = request.resolver_match
    posted = (
        request.method == "POST"
        and match is not None
        and match.url_name == "task_complete"
        and match.kwargs.get("pk") == task.pk
    )
    typed = (
        {k: request.POST.get(k, "") for k in ("outcome", "reason", "return_to")} if posted else {}
    )
    not_yours = (
        f"Paraf langkah ini diberikan oleh {slot.position.title} (atau Plt./Plh. jabatan itu)."
        if slot is not None
        else "Naskah ini tidak memiliki tempat paraf untuk langkah ini."
    )
    return mark_safe(  # noqa: S308 - a rendered template, escaped by Django
        render_to_string(
            "letters/panels/paraf.html",
            {
                "letter": letter,
                "case": case,
                "task": task,
                "step": step,
                "mine": mine,
                "typed": typed,
                "returns": step.returns,
                "not_yours": not_yours,
            },
            request=request,
        )
    )


def sign_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    letter = case_letter(case)
    mine = letter is not None and open_task(case, request.user, "letters.sign") is not None
    return mark_safe(  # noqa: S308 - a rendered template, escaped by Django
        render_to_string(
            "letters/panels/sign.html",
            {"letter": letter, "case": case, "task": task, "step": step, "mine": mine},
            request=request,
        )
    )


def register() -> None:
    declare(
        "letters.draft",
        FORM,
        on_draft,
        description="Draft or type an official letter or report (naskah dinas) from its template.",
        panel=draft_panel,
    )
    declare(
        "letters.check",
        FORM,
        on_check,
        description="Check (periksa) a letter before its paraf, or send it back for correction.",
    )
    declare(
        "letters.paraf",
        FORM,
        on_paraf,
        description="Initial (paraf) a letter in its approval chain, or send it back for "
        "correction.",
        panel=paraf_panel,
        replaces_outcome=True,
    )
    declare(
        "letters.sign",
        FORM,
        on_sign,
        description="Sign a letter with the signer's certificate (TTE), or send it back for "
        "correction.",
        panel=sign_panel,
        replaces_outcome=True,
    )
    declare(
        "letters.number",
        ACTION,
        on_number,
        description="Give the letter the next number of its series (gapless, per office and year).",
    )
    declare(
        "letters.issue",
        ACTION,
        on_issue,
        description="Produce the final PDF with number, signature and verification QR code.",
    )
    declare(
        "letters.deliver",
        ACTION,
        on_deliver,
        description="Send the issued letter or report to its recipients and log the delivery.",
    )
    register_case_panel(case_panel)
