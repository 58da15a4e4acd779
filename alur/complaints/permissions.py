"""Who may do what to a complaint, by its status: the one table the case page's forms ask (which
ones it shows) and the services enforce (which requests they refuse).

`ACTION_STATUSES[action]` is the statuses an action starts from; `RULES[action]` says who may
take it then: the holder of the open step the action completes (the engine's own check), or,
for the team's opinion, an active member of the office's answering team (Tim Penjawab Aduan)
while the consultation is open, once each. The reporter's rating is the public tracking page's,
not staff's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from alur.complaints.choices import CLOSED, Status
from alur.complaints.models import Complaint
from alur.core.errors import ConflictError, DomainError
from alur.org.access import DENIED_MESSAGE, Capability, can
from alur.org.models import User
from alur.workflow import engine

if TYPE_CHECKING:  # Python 3.13's typing.TypeIs, for the checker only
    from typing_extensions import TypeIs

MSG_CLOSED = "Pengaduan ini sudah ditutup; jawabannya tidak dapat diubah lagi."
MSG_NOT_TEAM = "Anda bukan anggota Tim Penjawab Aduan kantor ini; pendapat tidak dapat dicatat."

# Which statuses each action starts from.
ACTION_STATUSES: dict[str, frozenset[str]] = {
    "register": frozenset({Status.RECEIVED}),
    "reject": frozenset({Status.RECEIVED, Status.REGISTERED, Status.ESCALATED}),
    "answer": frozenset({Status.REGISTERED, Status.ESCALATED}),
    "escalate": frozenset({Status.REGISTERED}),
    "opinion": frozenset({Status.ESCALATED}),
    "resolve": frozenset({Status.ESCALATED}),
    "decide": frozenset({Status.ESCALATED}),
    "rate": frozenset({Status.ANSWERED}),
}

# The SOP steps (by key) whose open task an action completes.
ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "register": ("complaints.register",),
    "reject": ("complaints.register", "complaints.respond", "complaints.resolve"),
    "answer": ("complaints.respond",),
    "escalate": ("complaints.respond",),
    "resolve": ("complaints.resolve",),
    "decide": ("complaints.decide",),
}

Person = User | object  # a signed-in user, or the anonymous one (refused)
Refusal = DomainError | PermissionDenied


def status_refusal(complaint: Complaint, action: str) -> Refusal | None:
    """The refusal of an action the complaint's status does not start."""
    if complaint.status in ACTION_STATUSES[action]:
        return None
    if complaint.status in CLOSED:
        return ConflictError(MSG_CLOSED)
    return DomainError(
        f"Pengaduan berstatus «{complaint.get_status_display()}»; langkah ini belum atau tidak "
        "lagi dapat dilakukan."
    )


def allow(complaint: Complaint, action: str) -> None:
    """Raise unless the complaint's status starts `action`."""
    error = status_refusal(complaint, action)
    if error is not None:
        raise error


def _signed_in(user: Person) -> TypeIs[User]:
    return bool(getattr(user, "is_authenticated", False))


def _holds_step(action: str) -> Callable[[Complaint, Person], Refusal | None]:
    def rule(complaint: Complaint, user: Person) -> Refusal | None:
        from alur.complaints.services import active_task, step_numbers

        steps = [n for key in ACTION_KEYS[action] for n in step_numbers(complaint, key)]
        task = active_task(complaint, steps)
        if task is None:
            return DomainError("Langkah ini tidak sedang terbuka untuk pengaduan ini.")
        if _signed_in(user) and engine.holds(user, task.office_id, task.position_kind):
            return None
        return PermissionDenied(DENIED_MESSAGE)

    return rule


def opinion_refusal(complaint: Complaint, user: Person) -> Refusal | None:
    """A member of the office's answering team, during the consultation, once."""
    from alur.complaints.services import active_task, is_team_member, step_numbers

    if not _signed_in(user) or not can(user, Capability.HANDLE_CASES, complaint.office):
        return PermissionDenied(DENIED_MESSAGE)
    if not is_team_member(user, complaint.office_id):
        return DomainError(MSG_NOT_TEAM, code="team")
    if (error := status_refusal(complaint, "opinion")) is not None:
        return error
    if active_task(complaint, step_numbers(complaint, "complaints.resolve")) is None:
        return DomainError("Konsultasi Tim Penjawab Aduan tidak sedang berlangsung.")
    if complaint.opinions.filter(member=user).exists():
        return ConflictError("Pendapat Anda tentang pengaduan ini sudah tercatat.")
    return None


RULES: dict[str, Callable[[Complaint, Person], Refusal | None]] = {
    **{action: _holds_step(action) for action in ACTION_KEYS},
    "opinion": opinion_refusal,
}


def refusal(complaint: Complaint, user: Person, action: str) -> Refusal | None:
    """Why `user` may not take `action` on `complaint` now; None when they may."""
    return status_refusal(complaint, action) or RULES[action](complaint, user)


def allowed(complaint: Complaint, user: Person) -> set[str]:
    """The staff actions `user` may take on `complaint` now."""
    return {action for action in RULES if refusal(complaint, user, action) is None}


def require(complaint: Complaint, user: Person, action: str) -> None:
    error = refusal(complaint, user, action)
    if error is not None:
        raise error
