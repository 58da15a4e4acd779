"""The permission table walked: on an S1 allocation proposed and one published, for each person
of the province (and a kab/kota's and another province's), every button the case panel shows is
one its service takes, and every action its service takes is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from alur.core.errors import DomainError
from alur.logistics import handover_documents
from alur.logistics.choices import AllocationStatus
from alur.logistics.models import Allocation
from alur.logistics.permissions import TABLE, Action
from alur.logistics.services.allocation import allocation_approve
from alur.logistics.tests.conftest import s1_decide, s1_round
from alur.logistics.tests.test_s1 import drive_to

pytestmark = pytest.mark.django_db

PEOPLE = ("babel.kadis", "babel.kabid", "babel.kasi", "belitung.kadis", "sumbar.kabid")

SERVICE: dict[Action, Callable[[Allocation, Any], object]] = {
    Action.APPROVE: lambda allocation, user: allocation_approve(allocation=allocation, actor=user),
    Action.DRAFT_BAST: lambda allocation, user: handover_documents.bast_draft(
        line=next(line for line in allocation.lines.order_by("office__code") if line.share > 0),
        actor=user,
    ),
}


class Undo(Exception):
    pass


def _takes(allocation: Allocation, user: Any, action: Action) -> bool:
    try:
        with transaction.atomic():
            try:
                SERVICE[action](Allocation.objects.get(pk=allocation.pk), user)
            except (DomainError, PermissionDenied):
                return False
            raise Undo
    except Undo:
        return True


def _shown(allocation: Allocation, username: str, persona: Callable[[str], Any]) -> set[Action]:
    client = Client()
    client.force_login(persona(username))
    page = client.get(f"/perkara/{allocation.case.reference}/")
    body = page.content.decode() if page.status_code == 200 else ""
    shown = set()
    if f"/logistik/pembagian/{allocation.pk}/setujui/" in body:
        shown.add(Action.APPROVE)
    if "Susun BAST" in body:
        shown.add(Action.DRAFT_BAST)
    return shown


def test_every_button_shown_is_one_the_service_takes_and_no_other(
    persona: Callable[[str], Any],
) -> None:
    case = s1_round()  # one round: the demo's requests are answered by it
    mismatches = []
    reached: set[Action] = set()
    seen: set[str] = set()
    for step in (16, 19):  # the shares proposed, then published
        drive_to(case, step, s1_decide())
        allocation = Allocation.objects.get(case=case)
        seen.add(allocation.status)
        for username in PEOPLE:
            shown = _shown(allocation, username, persona)
            reached |= shown
            for action in Action:
                if (action in shown) != _takes(allocation, persona(username), action):
                    mismatches.append((allocation.status, username, str(action), action in shown))
    assert seen == {AllocationStatus.PROPOSED, AllocationStatus.PUBLISHED}
    assert set(TABLE) == set(AllocationStatus.values)
    assert mismatches == []
    assert reached == set(Action)
