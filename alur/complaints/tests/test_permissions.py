"""The permission table walked: on a complaint at each stage of S2g, for each person of Way Kanan
(and one of another office), every action the table allows (the forms the case page shows) is
one its service takes, and every action its service takes is allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from alur.complaints import services
from alur.complaints.choices import Category
from alur.complaints.models import Complaint
from alur.complaints.permissions import RULES, allowed
from alur.complaints.tests.conftest import NOT_TEAM, OFFICER, OFFICIAL, TEAM, TEAM_LEAD
from alur.complaints.tests.test_procedure import register, report_to_the_official
from alur.core.errors import DomainError

pytestmark = pytest.mark.django_db

PEOPLE = (OFFICER, OFFICIAL, TEAM_LEAD, TEAM[1], NOT_TEAM, "metro.petugas")

SERVICE: dict[str, Callable[[Complaint, Any], object]] = {
    "register": lambda c, user: services.complaint_register(
        complaint=c, actor=user, category=Category.DELAY, analysis="Blangko sempat kosong."
    ),
    "reject": lambda c, user: services.complaint_reject(
        complaint=c, actor=user, reason="Bukan kewenangan Disdukcapil."
    ),
    "answer": lambda c, user: services.complaint_answer(
        complaint=c, actor=user, answer="KTP-el Anda dapat diambil besok."
    ),
    "escalate": lambda c, user: services.complaint_escalate(
        complaint=c, actor=user, note="Perlu cek stok blangko."
    ),
    "opinion": lambda c, user: services.complaint_opinion_add(
        complaint=c, actor=user, text="Cetak ulang hari ini."
    ),
    "resolve": lambda c, user: services.complaint_resolve(
        complaint=c, actor=user, solution="KTP-el dicetak hari ini."
    ),
    "decide": lambda c, user: services.complaint_decide(
        complaint=c, actor=user, decision="KTP-el Anda dicetak hari ini."
    ),
}


class Undo(Exception):
    pass


def _takes(complaint: Complaint, user: Any, action: str) -> bool:
    """Does the service take the action for `user`? Rolled back after."""
    try:
        with transaction.atomic():
            try:
                SERVICE[action](Complaint.objects.get(pk=complaint.pk), user)
            except (DomainError, PermissionDenied):
                return False
            raise Undo
    except Undo:
        return True


def test_every_action_allowed_is_one_the_service_takes_and_no_other(
    file_complaint: Callable[..., Complaint], persona: Callable[[str], Any]
) -> None:
    assert set(SERVICE) == set(RULES)
    stages: dict[str, Complaint] = {"received": file_complaint()}
    stages["registered"] = register(file_complaint(), persona)
    stages["consulting"] = escalated(file_complaint, persona)
    stages["deciding"] = services.complaint_resolve(
        complaint=escalated(file_complaint, persona),
        actor=persona(TEAM_LEAD),
        solution="KTP-el dicetak hari ini.",
    )
    stages["answered"] = services.complaint_answer(
        complaint=register(file_complaint(), persona),
        actor=persona(OFFICER),
        answer="KTP-el Anda sudah dapat diambil.",
    )

    mismatches = []
    reached: set[str] = set()
    for stage, complaint in stages.items():
        for username in PEOPLE:
            user = persona(username)
            shown = allowed(Complaint.objects.get(pk=complaint.pk), user)
            reached |= shown
            for action in SERVICE:
                if (action in shown) != _takes(complaint, user, action):
                    mismatches.append((stage, username, action, action in shown))
    assert mismatches == []
    assert reached == set(SERVICE)


def escalated(file_complaint: Callable[..., Complaint], persona: Any) -> Complaint:
    """A complaint in the team's consultation (escalated, reported, one opinion given)."""
    complaint = register(file_complaint(), persona)
    services.complaint_escalate(complaint=complaint, actor=persona(OFFICER), note="Perlu tim.")
    report_to_the_official(complaint, persona)
    services.complaint_opinion_add(
        complaint=complaint, actor=persona(TEAM[0]), text="Blangko ada; cetak ulang."
    )
    return complaint
