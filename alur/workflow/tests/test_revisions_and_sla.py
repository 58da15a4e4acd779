import copy

import pytest

from alur.sop.models import SopRevision
from alur.workflow.tests.drive import run_to_end, start


@pytest.mark.django_db
def test_a_running_case_keeps_its_revision_and_new_cases_take_the_new_one() -> None:
    running = start("S2e")
    first = SopRevision.objects.get(code="S2e", revision=1)
    definition = copy.deepcopy(first.definition)
    definition["revision"] = 2
    definition["steps"][2]["time"] = {"text": "15 menit", "minutes": 15}  # Kasi gets longer
    SopRevision.objects.create(
        code="S2e",
        revision=2,
        name=first.name,
        office_code=first.office_code,
        definition=definition,
        checksum="r2",
        source="uji",
    )
    fresh = start("S2e")
    assert running.sop.revision == 1 and fresh.sop.revision == 2
    from alur.workflow.services import procedure

    assert procedure(running).step(3).minutes == 5
    assert procedure(fresh).step(3).minutes == 15
    assert run_to_end(running).sop.revision == 1
