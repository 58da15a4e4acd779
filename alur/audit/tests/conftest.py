import pytest
from django.db import transaction

from alur.audit.models import AuditEvent
from alur.audit.services import record


@pytest.fixture
def events(office, persona) -> list[AuditEvent]:
    metro = office("18.72")
    with transaction.atomic():
        return [
            record(
                actor=persona("metro.kadis"),
                office=metro,
                action=f"test.step{i}",
                after={"i": i},
                reason="uji",
            )
            for i in range(3)
        ]
