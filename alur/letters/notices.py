"""Telling people that a letter drafted on its own waits for them (`workflow.staff_notices`).

Called at the end of each move of the chain (submit, paraf, return, the first of two signatures,
the signature, cancel), in its transaction: whoever the letter now waits for is told once per
round and slot, and the notices of the earlier turn are no longer carried. A letter of a case
moves by its case's tasks, whose notices the engine writes.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from alur.letters.models import Letter, LetterStatus
from alur.org.models import Appointment, Position, User
from alur.workflow import staff_notices


def _holders(position: Position | None) -> list[User]:
    """Who holds exactly `position` today, definitively or acting (Plt./Plh.)."""
    if position is None or not position.is_active:
        return []
    return [
        a.user
        for a in Appointment.objects.active_on(timezone.localdate())
        .filter(position=position, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ]


def letter_waiting(letter: Letter, note: str = "") -> int:
    """Tell whoever `letter` now waits for; how many were told."""
    if letter.case_id is not None:
        return 0
    from alur.letters.chain import next_slot

    prefix = f"letter:{letter.pk}:"
    url = reverse("letters:detail", args=[letter.pk])
    subject = f"«{letter.subject}»"
    kind, key, message = "", "", ""
    people: list[User] = []
    if letter.status == LetterStatus.REVIEW:
        slot = next_slot(letter)
        if slot is not None:
            kind, key = staff_notices.LETTER_PARAF, f"{prefix}r{letter.round}:paraf{slot.order}"
            people = _holders(slot.position)
            message = f"Naskah {subject} menunggu paraf Anda."
        else:
            kind, key = staff_notices.LETTER_SIGN, f"{prefix}r{letter.round}:sign"
            people = _holders(letter.signer_position)
            message = f"Naskah {subject} menunggu tanda tangan Anda."
    elif letter.status == LetterStatus.COSIGN:
        kind, key = staff_notices.LETTER_COSIGN, f"{prefix}r{letter.round}:cosign"
        people = _holders(letter.cosigner_position)
        message = f"Naskah {subject} menunggu tanda tangan Anda sebagai pihak kedua."
    elif letter.status == LetterStatus.DRAFT and letter.round > 0:
        kind, key = staff_notices.LETTER_RETURN, f"{prefix}r{letter.round}:return"
        people = [letter.drafted_by]
        message = f"Naskah {subject} dikembalikan kepada Anda untuk perbaikan" + (
            f": {note}" if note else "."
        )
    staff_notices.resolve(key_prefix=prefix, keep=key)
    if not key:
        return 0
    return staff_notices.notify(
        people,
        office=letter.office,
        kind=kind,
        message=message,
        title=letter.subject,
        url=url,
        key=key,
    )
