"""Who may do what to a letter, by its status: the one table that the letter's page asks (which
buttons it shows) and the services enforce (which requests they refuse).

`TABLE[status]` names the actions a letter in that status can take and, for each, the rule
that says whether `user` may take it now: None when they may, else the refusal the service
raises (its message is shown as it is). An action missing from a status is refused with
`NOT_IN_STATUS`. A letter of a case is initialled, signed and sent back on the case page
(steps.py), where the engine has checked the step: the letter page offers those actions only
for a letter drafted on its own (`PAGE_ACTIONS_OF_A_CASE`)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser

from alur.core.errors import ConflictError, DomainError
from alur.letters.models import Letter, LetterStatus
from alur.letters.selectors import SIGN_KEY, open_draft_task, open_task
from alur.org.access import Capability, can
from alur.org.choices import PositionKind
from alur.org.models import User
from alur.workflow.engine import holds

HEAD_OF_ADMINISTRATION = PositionKind.SEKRETARIS

MSG_CANCEL_WHO = (
    "Naskah hanya dapat dibatalkan oleh penyusunnya, pejabat penanda tangannya, atau Sekretaris "
    "kantor ini."
)
MSG_RECIPIENT_WHO = (
    "Naskah ini sudah ditandatangani: penerimanya hanya dapat ditambah oleh penyusun atau "
    "penanda tangannya."
)
MSG_EDIT_LOCKED = "Naskah ini tidak dapat Anda ubah pada tahap ini."


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    PARAF = "paraf"
    RETURN = "return"
    SIGN = "sign"
    COSIGN = "cosign"
    DELIVER = "deliver"
    CANCEL = "cancel"
    ADD_RECIPIENT = "add_recipient"


Person = User | AnonymousUser
Rule = Callable[[Letter, Person], DomainError | None]


def _staff(letter: Letter, user: Person) -> bool:
    return user.is_authenticated and can(user, Capability.HANDLE_CASES, letter.office)


def _edit(letter: Letter, user: Person) -> DomainError | None:
    if letter.case is not None:
        mine = user.is_authenticated and open_draft_task(letter.case, user)
    else:
        mine = letter.status == LetterStatus.DRAFT and _staff(letter, user)
    return None if mine else DomainError(MSG_EDIT_LOCKED, code="locked")


def _submit(letter: Letter, user: Person) -> DomainError | None:
    return None if _staff(letter, user) else DomainError("Anda tidak menangani naskah kantor ini.")


def _paraf(letter: Letter, user: Person) -> DomainError | None:
    from alur.letters.chain import holds_position, next_slot

    slot = next_slot(letter)
    if slot is None:
        return ConflictError("Semua paraf sudah lengkap; naskah menunggu tanda tangan.")
    if not holds_position(user, slot.position):
        return DomainError(
            f"Paraf ini menunggu {slot.position.title} (atau Plt./Plh. jabatan itu); Anda tidak "
            "memegang jabatan itu.",
            code="not_yours",
        )
    return None


def _send_back(letter: Letter, user: Person) -> DomainError | None:
    kinds = {s.position.kind for s in letter.slots.select_related("position")}
    kinds.add(letter.signer_position.kind)
    if user.is_authenticated and any(holds(user, letter.office_id, kind) for kind in kinds):
        return None
    return DomainError("Hanya pemaraf atau penanda tangan yang dapat mengembalikan naskah.")


def _sign(letter: Letter, user: Person) -> DomainError | None:
    from alur.letters.chain import holds_position, ready_to_sign

    if not ready_to_sign(letter):
        return DomainError(
            "Naskah belum siap ditandatangani: masih konsep atau paraf belum lengkap.",
            code="not_ready",
        )
    if not (
        holds_position(user, letter.signer_position) and can(user, Capability.SIGN, letter.office)
    ):
        return DomainError(
            f"Naskah ini ditandatangani oleh {letter.signer_position.title}.", code="not_signer"
        )
    if letter.case is not None and open_task(letter.case, user, SIGN_KEY) is None:
        return DomainError("Tugas tanda tangan perkara ini belum sampai kepada Anda.", code="step")
    return None


def _cosign(letter: Letter, user: Person) -> DomainError | None:
    from alur.letters.chain import holds_position

    position = letter.cosigner_position
    if (
        position is not None
        and holds_position(user, position)
        and can(user, Capability.SIGN, position.office_id)
    ):
        return None
    return DomainError("Naskah ini tidak menunggu tanda tangan Anda.", code="not_cosigner")


def _deliver(letter: Letter, user: Person) -> DomainError | None:
    return None if _staff(letter, user) else DomainError("Anda tidak menangani naskah kantor ini.")


def _cancel(letter: Letter, user: Person) -> DomainError | None:
    """The letter's drafter, a holder of its signer's post, or the office's Sekretaris
    (definitive or acting)."""
    from alur.letters.chain import holds_position

    if user.is_authenticated and (
        letter.drafted_by_id == user.pk
        or holds_position(user, letter.signer_position)
        or holds(user, letter.office_id, HEAD_OF_ADMINISTRATION)
    ):
        return None
    return DomainError(MSG_CANCEL_WHO, code="not_yours")


def _add_recipient_before(letter: Letter, user: Person) -> DomainError | None:
    """Before signing, staff of the office add where the letter will go."""
    return None if _staff(letter, user) else DomainError(MSG_RECIPIENT_WHO, code="not_yours")


def _add_recipient_after(letter: Letter, user: Person) -> DomainError | None:
    """Once signed (or waiting for the second party's signature), only its drafter or signer."""
    if user.is_authenticated and user.pk in (letter.drafted_by_id, letter.signed_by_id):
        return None
    return DomainError(MSG_RECIPIENT_WHO, code="not_yours")


TABLE: dict[str, dict[Action, Rule]] = {
    LetterStatus.DRAFT: {
        Action.EDIT: _edit,
        Action.SUBMIT: _submit,
        Action.CANCEL: _cancel,
        Action.ADD_RECIPIENT: _add_recipient_before,
    },
    LetterStatus.REVIEW: {
        Action.EDIT: _edit,
        Action.PARAF: _paraf,
        Action.RETURN: _send_back,
        Action.SIGN: _sign,
        Action.CANCEL: _cancel,
        Action.ADD_RECIPIENT: _add_recipient_before,
    },
    LetterStatus.COSIGN: {
        Action.EDIT: _edit,
        Action.COSIGN: _cosign,
        Action.CANCEL: _cancel,
        Action.ADD_RECIPIENT: _add_recipient_after,
    },
    LetterStatus.SIGNED: {
        Action.DELIVER: _deliver,
        Action.ADD_RECIPIENT: _add_recipient_after,
    },
    LetterStatus.CANCELLED: {},
}

# The chain's actions on a letter of a case are the case page's steps, not the letter page's.
PAGE_ACTIONS_OF_A_CASE = frozenset(
    {Action.EDIT, Action.COSIGN, Action.DELIVER, Action.CANCEL, Action.ADD_RECIPIENT}
)


def not_in_status(letter: Letter, action: Action) -> DomainError:
    """The refusal of an action the letter's status does not have."""
    if letter.status == LetterStatus.CANCELLED:
        return DomainError("Naskah sudah dibatalkan.", code="cancelled")
    if action == Action.SIGN:
        if letter.status == LetterStatus.SIGNED:
            signer = letter.signed_by.get_full_name() if letter.signed_by else ""
            return ConflictError(f"Naskah sudah ditandatangani oleh {signer}.")
        return DomainError(
            "Naskah belum siap ditandatangani: masih konsep atau paraf belum lengkap.",
            code="not_ready",
        )
    if action == Action.COSIGN and letter.status == LetterStatus.SIGNED:
        return ConflictError("Naskah sudah ditandatangani kedua pihak.")
    if action == Action.COSIGN:
        return DomainError("Naskah ini tidak menunggu tanda tangan Anda.", code="not_cosigner")
    if action == Action.DELIVER:
        return DomainError(
            "Naskah belum ditandatangani, jadi belum dapat dikirim.", code="unsigned"
        )
    if action == Action.CANCEL:
        return DomainError(
            "Naskah yang sudah ditandatangani tidak dibatalkan; cabut dokumennya di arsip.",
            code="signed",
        )
    if action == Action.EDIT and letter.status == LetterStatus.SIGNED:
        return DomainError("Naskah sudah ditandatangani dan tidak dapat diubah.", code="signed")
    if letter.status in (LetterStatus.SIGNED, LetterStatus.COSIGN):
        return ConflictError("Naskah sudah ditandatangani.")
    if action in (Action.PARAF, Action.RETURN):
        return DomainError("Naskah masih berupa konsep dan belum diajukan.", code="draft")
    return DomainError(MSG_EDIT_LOCKED, code="locked")


def refusal(letter: Letter, user: Person, action: Action) -> DomainError | None:
    """Why `user` may not take `action` on `letter` now; None when they may."""
    rule = TABLE[letter.status].get(action)
    if rule is None:
        return not_in_status(letter, action)
    return rule(letter, user)


def allowed(letter: Letter, user: Person) -> set[Action]:
    """The actions `user` may take on `letter` now."""
    return {action for action, rule in TABLE[letter.status].items() if rule(letter, user) is None}


def on_page(letter: Letter, user: Person) -> set[Action]:
    """The actions the letter's page offers `user`: those allowed, less the chain's steps of a
    letter of a case."""
    actions = allowed(letter, user)
    return actions & PAGE_ACTIONS_OF_A_CASE if letter.case_id is not None else actions


def require(letter: Letter, user: Person, action: Action) -> None:
    """Raise the refusal of `action` unless `user` may take it on `letter` now."""
    error = refusal(letter, user, action)
    if error is not None:
        raise error
