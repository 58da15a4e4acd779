"""The approval chain of a letter: submit, paraf, send back for correction, cancel.

A letter of a case moves when the case's steps are completed (the engine orders them; see
`steps.py`); a letter on its own moves slot by slot in order. Either way a paraf counts only in
the round it was given: sending a letter back and submitting it again asks every paraf anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.letters.models import (
    Letter,
    LetterEvent,
    LetterEventKind,
    LetterStatus,
    ParafSlot,
)
from alur.letters.notices import letter_waiting
from alur.letters.numbering import number_void
from alur.letters.permissions import MSG_CANCEL_WHO, Action, refusal
from alur.letters.services import event_add, locked
from alur.org.access import Capability, require
from alur.org.models import Appointment, Position, User

# Who heads the office's administration (tata naskah): the Sekretaris, who leads the
# secretariat that keeps the office's correspondence (the Kasubag Umum works under them).


def holds_position(user: User | AnonymousUser, position: Position) -> bool:
    """Does `user` hold exactly `position` today, definitively or acting (Plt./Plh.)? Another
    post of the same kind (the other Kabid) does not count."""
    if not user.is_authenticated or not user.is_active or not position.is_active:
        return False
    return (
        Appointment.objects.active_on(timezone.localdate())
        .filter(user_id=user.pk, position_id=position.pk)
        .exists()
    )


def may_paraf_slot(user: User | AnonymousUser, slot: ParafSlot) -> bool:
    return holds_position(user, slot.position)


def may_cancel(letter: Letter, user: User | AnonymousUser) -> bool:
    """See `permissions.TABLE` (Action.CANCEL)."""
    return refusal(letter, user, Action.CANCEL) is None


def number_release(letter: Letter, actor: User | None, reason: str) -> None:
    """The number `letter` holds without being issued goes void in the book, with `reason`, and
    the letter no longer holds it. Run in the caller's transaction, on the locked letter."""
    if letter.number_id is None or letter.status == LetterStatus.SIGNED:
        return
    issued = letter.number
    assert issued is not None  # noqa: S101 - number_id is set
    number_void(issued=issued, reason=reason, actor=actor)
    letter.number = None
    letter.save(update_fields=["number"])
    if actor is not None:
        event_add(letter, LetterEventKind.VOID, actor, note=f"{issued.number}: {reason}")


@dataclass(frozen=True)
class ParafGiven:
    slot: ParafSlot
    name: str
    position: str
    at: datetime


def parafs(letter: Letter) -> list[ParafGiven]:
    """The paraf given in the letter's current round, in chain order."""
    events = {
        e.slot_id: e
        for e in LetterEvent.objects.filter(
            letter=letter, kind=LetterEventKind.PARAF, round=letter.round
        ).order_by("at", "pk")
    }
    return [
        ParafGiven(
            slot, events[slot.pk].actor_name, events[slot.pk].position_title, events[slot.pk].at
        )
        for slot in letter.slots.select_related("position").order_by("order")
        if slot.pk in events
    ]


def next_slot(letter: Letter) -> ParafSlot | None:
    """The first slot still waiting for its paraf in this round; None when all are given."""
    given = {p.slot.pk for p in parafs(letter)}
    for slot in letter.slots.select_related("position").order_by("order"):
        if slot.pk not in given:
            return slot
    return None


def ready_to_sign(letter: Letter) -> bool:
    return letter.status == LetterStatus.REVIEW and next_slot(letter) is None


def waiting_for(letter: Letter) -> str:
    """Whose turn it is, for the letter's page."""
    if letter.status == LetterStatus.DRAFT:
        return "penyusun (konsep)"
    if letter.status == LetterStatus.COSIGN and letter.cosigner_position:
        second = letter.cosigner_position
        return f"{second.title} ({second.office.short_name})"  # the status says "pihak kedua"
    if letter.status != LetterStatus.REVIEW:
        return ""
    slot = next_slot(letter)
    return (
        f"paraf {slot.position.title}" if slot else f"tanda tangan {letter.signer_position.title}"
    )


def _require_review(letter: Letter) -> None:
    if letter.status in (LetterStatus.SIGNED, LetterStatus.COSIGN):
        raise ConflictError("Naskah sudah ditandatangani.")
    if letter.status == LetterStatus.CANCELLED:
        raise DomainError("Naskah sudah dibatalkan.", code="cancelled")
    if letter.status != LetterStatus.REVIEW:
        raise DomainError("Naskah masih berupa konsep dan belum diajukan.", code="draft")


@transaction.atomic
def letter_submit(*, letter: Letter, actor: User, restart: bool = False) -> Letter:
    """The draft goes into the chain (a new round). Submitting twice changes nothing, unless
    `restart`: the drafting step of a case was done again, so every paraf is asked anew."""
    letter = locked(letter)
    require(actor, Capability.HANDLE_CASES, letter.office)
    if letter.status == LetterStatus.REVIEW and not restart:
        return letter
    if letter.status not in (LetterStatus.DRAFT, LetterStatus.REVIEW):
        _require_review(letter)
    letter.status = LetterStatus.REVIEW
    letter.round += 1
    letter.updated_at = timezone.now()
    letter.save(update_fields=["status", "round", "updated_at"])
    event_add(letter, LetterEventKind.SUBMIT, actor)
    record(
        actor=actor,
        office=letter.office,
        action="letter.submit",
        obj=letter,
        after={"version": letter.version, "round": letter.round},
    )
    letter_waiting(letter)
    return letter


@transaction.atomic
def letter_paraf(*, letter: Letter, actor: User, step: int | None = None) -> Letter:
    """Initial the letter: the next slot in order, or for a letter of a case the slot of SOP
    step `step`. The actor must hold the slot's very position (definitive, Plt. or Plh.)."""
    letter = locked(letter)
    _require_review(letter)
    slots = letter.slots.select_related("position")
    if step is not None:
        slot = slots.filter(step=step).first()
        if slot is None:
            raise DomainError(f"Langkah {step} bukan langkah paraf naskah ini.")
    else:
        slot = next_slot(letter)
        if slot is None:
            raise ConflictError("Semua paraf sudah lengkap; naskah menunggu tanda tangan.")
    if any(p.slot.pk == slot.pk for p in parafs(letter)):
        raise ConflictError(f"Naskah sudah diparaf oleh {slot.position.title} pada putaran ini.")
    if not may_paraf_slot(actor, slot):
        raise DomainError(
            f"Paraf ini menunggu {slot.position.title} (atau Plt./Plh. jabatan itu); Anda tidak "
            "memegang jabatan itu.",
            code="not_yours",
        )
    event_add(letter, LetterEventKind.PARAF, actor, position=slot.position, slot=slot)
    letter.updated_at = timezone.now()
    letter.save(update_fields=["updated_at"])
    record(
        actor=actor,
        office=letter.office,
        action="letter.paraf",
        obj=letter,
        after={"slot": slot.order, "position": slot.position.title, "round": letter.round},
    )
    letter_waiting(letter)
    return letter


@transaction.atomic
def letter_check(*, letter: Letter, actor: User) -> Letter:
    """Record that the letter was checked (diperiksa) before its paraf; the engine has already
    checked that `actor` holds the checking step."""
    letter = locked(letter)
    _require_review(letter)
    event_add(letter, LetterEventKind.CHECK, actor)
    record(
        actor=actor,
        office=letter.office,
        action="letter.check",
        obj=letter,
        after={"version": letter.version, "round": letter.round},
    )
    return letter


@transaction.atomic
def letter_return(*, letter: Letter, actor: User, note: str, checked: bool = False) -> Letter:
    """Send the letter back to its drafter for correction ("Perbaikan") with `note`.
    `checked`: the engine already checked that the actor holds the returning step."""
    note = note.strip()
    if not note:
        raise DomainError("Tuliskan catatan perbaikan untuk penyusun.", code="note")
    letter = locked(letter)
    _require_review(letter)
    if not checked and (error := refusal(letter, actor, Action.RETURN)) is not None:
        raise error
    letter.status = LetterStatus.DRAFT
    letter.updated_at = timezone.now()
    letter.save(update_fields=["status", "updated_at"])
    event_add(letter, LetterEventKind.RETURN, actor, note=note)
    record(
        actor=actor,
        office=letter.office,
        action="letter.return",
        obj=letter,
        reason=note,
        after={"round": letter.round},
    )
    letter_waiting(letter, note)
    return letter


@transaction.atomic
def letter_cancel(*, letter: Letter, actor: User, reason: str, checked: bool = False) -> Letter:
    """Cancel the letter with `reason` (see `may_cancel`); a number it holds without being
    issued goes void in the book. `checked`: a refusal step of the case ("Tolak") cancels it,
    and the engine already checked that the actor holds that step."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Tuliskan alasan pembatalan.", code="reason")
    letter = locked(letter)
    if letter.status == LetterStatus.SIGNED:
        raise DomainError(
            "Naskah yang sudah ditandatangani tidak dibatalkan; cabut dokumennya di arsip.",
            code="signed",
        )
    if letter.status == LetterStatus.CANCELLED:
        return letter
    if not checked and not may_cancel(letter, actor):
        raise DomainError(MSG_CANCEL_WHO, code="not_yours")
    number_release(letter, actor, f"Naskah dibatalkan: {reason}"[:300])
    letter.status = LetterStatus.CANCELLED
    letter.updated_at = timezone.now()
    letter.save(update_fields=["status", "updated_at"])
    event_add(letter, LetterEventKind.CANCEL, actor, note=reason)
    record(actor=actor, office=letter.office, action="letter.cancel", obj=letter, reason=reason)
    letter_waiting(letter)
    return letter
