"""The demo shows what issue 19 promises on `make run`: letters waiting for the Way Kanan
Kadis's signature, and a Capil case about to miss its promise, again after every load."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command

from alur.letters.demo import SUBJECTS
from alur.letters.models import Letter
from alur.org.models import User
from alur.workflow import staff_notices
from alur.workflow.demo import SUBJECT
from alur.workflow.models import Case, Notification
from alur.workflow.notice_selectors import at_risk_for, notifications_list

pytestmark = pytest.mark.django_db


def test_after_the_demo_loaders_the_kadis_has_three_letters_and_capil_a_case_about_to_miss(
    persona: Callable[[str], User],
) -> None:
    for _ in range(2):  # as every `make run` does: nothing doubled
        call_command("load_demo_waiting")
    kadis = persona("waykanan.kadis")
    letters = Letter.objects.filter(subject__in=SUBJECTS, office__code="18.08")
    assert letters.count() == 3
    assert {letter.signer_position_id for letter in letters} <= {
        a.position_id for a in kadis.appointments.all()
    }
    waiting = [n for n in notifications_list(kadis) if n.kind == staff_notices.LETTER_SIGN]
    assert {n.url for n in waiting} == {f"/naskah/{letter.pk}/" for letter in letters}
    assert Case.objects.filter(subject=SUBJECT).count() == 1
    for username in ("waykanan.kasi.capil", "waykanan.kadis"):
        rows = at_risk_for(persona(username))
        assert SUBJECT in [row.case.subject for row in rows], username
    assert SUBJECT not in [r.case.subject for r in at_risk_for(persona("waykanan.kabid.dafduk"))]
    assert Notification.objects.filter(user=kadis, kind=staff_notices.LETTER_SIGN).count() == 3
