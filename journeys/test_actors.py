"""No step of any SOP waits on nobody: in the demo, every staff step's position is held by
someone in each office that does it, and every SOP runs in an office of the demo."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alur.org.models import Appointment, Office
from alur.org.services import NATIONAL_CODE
from alur.sop.selectors import newest_revisions
from alur.workflow.sop_spec import spec_for
from alur.workflow.spec import OfficeRelation

pytestmark = pytest.mark.django_db


def _offices(owner: Office, relation: OfficeRelation) -> list[Office]:
    if relation == OfficeRelation.SAME:
        return [owner]
    if relation == OfficeRelation.PARENT:
        return [owner.parent] if owner.parent else []
    if relation == OfficeRelation.NATIONAL:
        return list(Office.objects.filter(code=NATIONAL_CODE))
    return list(Office.objects.filter(parent=owner, is_active=True))


def test_every_staff_step_has_a_holder_in_every_office_that_does_it() -> None:
    revisions = list(newest_revisions())
    assert len(revisions) >= 11
    held = set(
        Appointment.objects.active_on(timezone.localdate())
        .filter(position__is_active=True, user__is_active=True)
        .values_list("position__office_id", "position__kind")
    )
    missing = []
    for revision in revisions:
        owner = Office.objects.filter(code=revision.office_code).first()
        assert owner is not None, f"{revision.code}: its office {revision.office_code} is missing"
        spec = spec_for(revision)
        for step in spec.steps:
            actor = spec.actors[step.actor]
            if actor.is_outside:
                continue
            offices = _offices(owner, actor.office)
            if not offices:
                missing.append(f"{revision.code} langkah {step.number}: no office ({actor.office})")
            for office in offices:
                if (office.pk, actor.position_kind) not in held:
                    missing.append(
                        f"{revision.code} langkah {step.number}: no {actor.position_kind} "
                        f"in {office.code}"
                    )
    assert not missing, missing
