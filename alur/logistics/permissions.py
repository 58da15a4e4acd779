"""Who may do what to an S1 allocation, by its status: the one table the case panel asks (which
buttons it shows) and the services enforce (which requests they refuse).

`TABLE[status]` names the actions an allocation in that status takes; `RULES[action]` says who
may take one: the Kadis (who signs for the province) approves or edits the proposed shares; the
province's staff draft a share's BAST once the shares are published. The steps of the round
(shipment, receipt, schedule, hand-over) are the engine's, checked by the step's holder."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from alur.core.errors import ConflictError, DomainError
from alur.logistics.choices import AllocationStatus
from alur.logistics.models import Allocation
from alur.org.access import DENIED_MESSAGE, Capability, can
from alur.org.models import User


class Action(StrEnum):
    APPROVE = "approve"
    DRAFT_BAST = "draft_bast"


Person = User | AnonymousUser
Refusal = DomainError | PermissionDenied


def _holds(capability: Capability) -> Callable[[Allocation, Person], Refusal | None]:
    def rule(allocation: Allocation, user: Person) -> Refusal | None:
        if user.is_authenticated and can(user, capability, allocation.office):
            return None
        return PermissionDenied(DENIED_MESSAGE)

    return rule


RULES: dict[Action, Callable[[Allocation, Person], Refusal | None]] = {
    Action.APPROVE: _holds(Capability.SIGN),
    Action.DRAFT_BAST: _holds(Capability.HANDLE_CASES),
}

TABLE: dict[str, frozenset[Action]] = {
    AllocationStatus.PROPOSED: frozenset({Action.APPROVE}),
    AllocationStatus.APPROVED: frozenset(),
    AllocationStatus.PUBLISHED: frozenset({Action.DRAFT_BAST}),
}


def status_refusal(allocation: Allocation, action: Action) -> Refusal | None:
    if action in TABLE[allocation.status]:
        return None
    if action == Action.APPROVE:
        return ConflictError(
            f"Pembagian ini sudah {allocation.get_status_display().lower()}; tidak dapat diubah."
        )
    return DomainError("BAST disusun setelah porsi pembagian ditetapkan.", code="not_published")


def refusal(allocation: Allocation, user: Person, action: Action) -> Refusal | None:
    """Why `user` may not take `action` on `allocation` now (who first, then when); None when
    they may."""
    return RULES[action](allocation, user) or status_refusal(allocation, action)


def allowed(allocation: Allocation, user: Person) -> set[Action]:
    return {action for action in Action if refusal(allocation, user, action) is None}


def require(allocation: Allocation, user: Person, action: Action) -> None:
    error = refusal(allocation, user, action)
    if error is not None:
        raise error
