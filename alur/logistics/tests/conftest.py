"""Shared pieces of the logistics tests: archived documents (a BAST), the S1 step data. The
letters steps of S1 are done by the letters app's test drivers (drafted, initialled, signed), the
logistics steps by `drivers` here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alur.logistics.tests import drivers
from alur.logistics.tests.drivers import archived
from alur.tte.models import IssuedDocument


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bast() -> Callable[..., IssuedDocument]:
    return archived


def s1_decide(kadis_shares: dict[str, int] | None = None) -> Callable[[Any], dict]:
    """Each task's choice for `drive.step_once`: the logistics steps' data, the Kadis's approval
    (with edited shares) while the disposition step 16 is open."""

    def decide(task: Any) -> dict:
        if task.step == 16:
            drivers.approve_as_kadis(task.case, kadis_shares)
            return {}
        data = drivers.step_data(task)
        return {} if data is None else {"data": data}

    return decide


def s1_round() -> Any:
    """An S1 round as the province's Kasi starts it: the meeting answers every kab/kota request
    waiting at the province (the demo's), and step 1 is done with its minutes."""
    from alur.logistics.rounds import round_start, waiting_requests
    from alur.org.models import Office, User

    province = Office.objects.get(code="19")
    waiting = [r.pk for r in waiting_requests(province)]
    assert waiting, "the demo leaves kab/kota requests waiting at the province"
    return round_start(
        office=province,
        request_ids=waiting,
        minutes="Rapat monev: stok kab/kota menipis; ajukan fasilitasi ke Ditjen Dukcapil.",
        actor=User.objects.get(username="babel.kasi"),
    )
