"""Demo questionnaires, so the IKM page shows an index for the current quarter: paper
questionnaires typed in at the counters of Way Kanan, Kota Metro and two of Babel's kab/kota
(the province's page then lists them). The answers come from a seeded generator per office and
service: the same scores on every run. Idempotent per quarter: an office that has paper
questionnaires in the current quarter gets none more.
"""

from __future__ import annotations

import random
from datetime import datetime

from django.utils import timezone

from alur.org.models import Office
from alur.survey.choices import ELEMENTS, Gender, Occupation
from alur.survey.models import Survey
from alur.survey.selectors import current_quarter
from alur.survey.services import survey_record_paper

# office code → (service code, questionnaires)
PLAN: dict[str, tuple[tuple[str, int], ...]] = {
    "18.08": (("S2a", 12), ("S2c", 8), ("S2d", 6), ("S2e", 10), ("S2g", 6)),
    "18.72": (("S2a", 8), ("S3", 6)),
    "19.01": (("S2a", 6), ("S2e", 6)),
    "19.02": (("S2a", 5), ("S2c", 5)),
}
# How each element tends to be scored (weights of 1, 2, 3, 4): the fee is free (mostly 4), the
# waiting time the weakest.
TYPICAL = (2, 10, 58, 30)
LEANING = {3: (5, 22, 55, 18), 4: (0, 2, 18, 80), 9: (4, 16, 56, 24)}


def _scores(rng: random.Random) -> dict[int, int]:
    return {
        e.number: rng.choices((1, 2, 3, 4), weights=LEANING.get(e.number, TYPICAL))[0]
        for e in ELEMENTS
    }


def load_surveys(now: datetime | None = None) -> int:
    """Type in the demo questionnaires of the current quarter; the number added."""
    now = now or timezone.now()
    added = 0
    for code, services in PLAN.items():
        office = Office.objects.filter(code=code).first()
        if office is None:
            continue
        quarter = current_quarter(office)
        start, _end = quarter.bounds(office)
        if Survey.objects.filter(office=office, source="paper", responded_at__gte=start).exists():
            continue
        span = max((now - start).total_seconds(), 60.0)
        total = sum(n for _service, n in services)
        index = 0
        for service_code, count in services:
            rng = random.Random(f"alur-survey-demo:{code}:{service_code}")  # noqa: S311 - demo
            for _ in range(count):
                index += 1
                survey_record_paper(
                    office=office,
                    service_code=service_code,
                    scores=_scores(rng),
                    actor=None,
                    gender=rng.choice(Gender.values),
                    occupation=rng.choice(Occupation.values),
                    when=start + (now - start) * (index / (total + 1)) if span > 60 else now,
                )
                added += 1
    return added
