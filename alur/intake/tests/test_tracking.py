from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from alur.core.web import TRACKING_LIMIT
from alur.intake.choices import Channel
from alur.intake.models import Application
from alur.intake.services import application_submit
from alur.intake.views import TRACKING_NO_MATCH
from alur.workflow.choices import Outcome, TaskStatus
from alur.workflow.services import task_complete
from alur.workflow.spec import APPLICANT

pytestmark = pytest.mark.django_db

URL = "/lacak/"


@pytest.fixture
def application(
    office: Callable[[str], Any], persona: Callable[[str], Any], birth_request: dict[str, Any]
) -> Application:
    return application_submit(
        office=office("18.08"),
        channel=Channel.COUNTER,
        actor=persona("waykanan.petugas.capil"),
        **birth_request,
    )


def lookup(client: Client, reference: str, last4: str, **extra: Any) -> Any:
    return client.post(URL, {"reference": reference, "last4": last4}, **extra)


def test_the_url() -> None:
    assert reverse("tracking:tracking") == URL


def test_the_form_needs_no_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="last4"' in response.content.decode()


def test_match_by_nik_last_four(client: Client, application: Application) -> None:
    response = lookup(client, application.case.reference, application.applicant_nik[-4:])
    assert response.status_code == 200
    body = response.content.decode()
    assert "Akta kelahiran" in body
    assert "Berjalan" in body
    assert "Pemohon mengirim berkas" in body  # step 1, done
    assert "Menerima dan memeriksa kelengkapan" in body  # step 2, current
    assert "Perkiraan selesai" in body
    due = timezone.localtime(application.case.due_at, ZoneInfo(application.office.timezone))
    assert date_format(due, "l, j F Y H:i") in body
    assert TRACKING_NO_MATCH not in body


def test_match_by_phone_last_four_and_lower_case_reference(
    client: Client, application: Application
) -> None:
    assert application.applicant_phone[-4:] != application.applicant_nik[-4:]
    response = lookup(client, application.case.reference.lower(), application.applicant_phone[-4:])
    assert "Langkah yang sudah selesai" in response.content.decode()


def test_wrong_digits_or_reference_give_the_same_generic_message(
    client: Client, application: Application
) -> None:
    wrong_digits = lookup(client, application.case.reference, "9999").content.decode()
    wrong_reference = lookup(client, "S2E-1808-000000-AAAAAA", "0001").content.decode()
    for body in (wrong_digits, wrong_reference):
        assert TRACKING_NO_MATCH in body
        assert "Langkah yang sudah selesai" not in body


def test_shows_nothing_personal(client: Client, application: Application) -> None:
    body = lookup(client, application.case.reference, "0001").content.decode()
    assert "Langkah yang sudah selesai" in body
    for personal in (
        application.applicant_name,
        application.applicant_nik,
        application.applicant_phone,
        "Budi Santoso",  # the child, in the case subject
        "Blambangan Umpu",
        "Petugas",  # no staff names or positions
    ):
        assert personal not in body


def test_waiting_case_shows_the_waiting_text(
    client: Client, application: Application, persona: Callable[[str], Any]
) -> None:
    task = application.case.tasks.get(step=2)
    task_complete(
        task=task,
        actor=persona("waykanan.petugas.capil"),
        outcome=Outcome.RETURN,
        return_to=APPLICANT,
        reason="KK kurang jelas",
    )
    assert application.case.tasks.filter(status=TaskStatus.WAITING).exists()
    body = lookup(client, application.case.reference, "0001").content.decode()
    assert "Menunggu pemohon" in body
    assert "menunggu kelengkapan dari pemohon" in body
    assert "KK kurang jelas" not in body


def test_rate_limited_per_client_address(client: Client, application: Application) -> None:
    for _ in range(TRACKING_LIMIT):
        assert lookup(client, "X", "1234", REMOTE_ADDR="10.0.0.1").status_code == 200
    blocked = lookup(client, application.case.reference, "0001", REMOTE_ADDR="10.0.0.1")
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.content.decode()
    assert "Langkah yang sudah selesai" not in blocked.content.decode()
    other = lookup(client, application.case.reference, "0001", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200
    assert "Langkah yang sudah selesai" in other.content.decode()


def test_the_status_page_query_count_does_not_grow_with_the_steps(
    client: Client, application: Application, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alur.workflow.tests.drive import run_until_step

    nik4 = application.applicant_nik[-4:]
    with CaptureQueriesContext(connection) as early:
        lookup(client, application.case.reference, nik4)
    run_until_step(application.case, 6)  # five more steps done
    with django_assert_max_num_queries(len(early.captured_queries)):
        response = lookup(client, application.case.reference, nik4)
    assert response.status_code == 200
