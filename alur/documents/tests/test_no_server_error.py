"""Staff who follow a link with the id of a record of another kind (a card's draft, a task of
another step, a complaint's reference on the correction form) get a page or a 404, never a
server error. The walk fills every documents and counter URL with the ids of records of every
kind, as the Kadis and as an operator of the office, and tries each by GET and by POST."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

from alur.complaints.services import complaint_submit
from alur.documents import urls as documents_urls
from alur.documents.models import CitizenDocument
from alur.intake import urls_staff as intake_urls
from alur.workflow.models import Task
from alur.workflow.tests.drive import run_until_step, start

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
FIELDS = {"reason": "x", "note": "x", "text": "x", "passphrase": "x", "missing": "x"}


def _routes() -> list[tuple[str, str]]:
    routes = []
    for prefix, module in (("dokumen/", documents_urls), ("loket/", intake_urls)):
        for entry in module.urlpatterns:
            assert isinstance(entry, URLPattern)
            routes.append((prefix + str(entry.pattern), entry.name or ""))
    return routes


def _paths(route: str, values: dict[str, list[str]]) -> list[str]:
    paths = ["/" + route]
    for match in PARAMETER.finditer(route):
        options = values.get(match.group("name")) or values.get(match.group("kind") or "str")
        paths = [p.replace(match.group(0), o, 1) for p in paths for o in options or ["1"]]
    return paths


@pytest.fixture
def records(office: Callable[[str], Any]) -> dict[str, Any]:
    """One case of each kind in Way Kanan, each run to a step with a task and a document."""
    akta = run_until_step(start("S2a"), 3)
    card = run_until_step(start("S2c"), 3)
    outreach = run_until_step(start("S3"), 2)
    complaint = complaint_submit(
        office=office("18.08"),
        channel="web",
        reporter_name="Siti Aminah",
        reporter_phone="081234567890",
        text="Antrean lama.",
    )
    cases = [akta.case, card.case, outreach.case, complaint.case]
    tasks = Task.objects.filter(case__in=cases)
    documents = CitizenDocument.objects.filter(case__in=cases)
    return {
        "akta": akta,
        "card": card,
        "outreach": outreach,
        "complaint": complaint,
        "card_document": documents.filter(case=card.case).first(),
        "values": {
            "int": sorted(
                {
                    str(pk)
                    for pk in [
                        *tasks.values_list("pk", flat=True),
                        *documents.values_list("pk", flat=True),
                    ]
                }
            ),
            "reference": [c.reference for c in cases],
            "code": ["S2a", "S2g"],
        },
    }


@pytest.mark.parametrize(
    "username", ["waykanan.kadis", "waykanan.operator", "metro.kadis", "metro.operator"]
)
def test_no_documents_or_counter_url_answers_a_server_error(
    records: dict[str, Any], persona: Callable[[str], Any], username: str
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(persona(username))
    failures = []
    for route, name in _routes():
        for path in _paths(route, records["values"]):
            for method in ("get", "post"):
                status = getattr(client, method)(path, FIELDS).status_code
                if status >= 500:
                    failures.append(f"{method.upper()} {path} ({name}): {status}")
    assert failures == [], "\n".join(failures)


def _staff(persona: Callable[[str], Any], username: str = "waykanan.kadis") -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(persona(username))
    return client


def test_a_cards_draft_is_not_found(records: dict[str, Any], persona: Callable[[str], Any]) -> None:
    document = records["card_document"]
    assert document is not None and document.kind == "ktp_el"
    assert _staff(persona).get(f"/dokumen/{document.pk}/konsep/").status_code == 404


def test_a_documents_entry_posted_to_a_complaints_task_completes_nothing(
    records: dict[str, Any], persona: Callable[[str], Any]
) -> None:
    """One completion endpoint for every step: it reads the post by the task's own step, so a
    document's entry sent to a complaint's task is neither stored nor a 500."""
    task = records["complaint"].case.tasks.order_by("pk").last()
    status, documents = task.status, CitizenDocument.objects.count()
    response = _staff(persona).post(f"/tugas/{task.pk}/selesai/", FIELDS)
    assert response.status_code < 500
    task.refresh_from_db()
    assert task.status == status and CitizenDocument.objects.count() == documents


def test_correcting_a_complaint_as_a_document_is_not_found(
    records: dict[str, Any], persona: Callable[[str], Any]
) -> None:
    reference = records["complaint"].case.reference
    response = _staff(persona).post(f"/dokumen/perkara/{reference}/koreksi/", FIELDS)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("record", "username"),
    [("complaint", "waykanan.kadis"), ("outreach", "metro.kadis")],
)
def test_returning_a_task_that_is_no_application_is_refused_with_a_message(
    records: dict[str, Any], persona: Callable[[str], Any], record: str, username: str
) -> None:
    found = records[record]
    case = found.case
    task = case.tasks.order_by("pk").last()
    client = _staff(persona, username)
    response = client.post(f"/loket/tugas/{task.pk}/kembalikan/", FIELDS, follow=True)
    assert response.status_code == 200
    assert "bukan permohonan dengan berkas persyaratan" in response.content.decode()
