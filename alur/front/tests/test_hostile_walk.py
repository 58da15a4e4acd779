"""A hostile walk over every URL pattern: an anonymous visitor and the head of another office try
each page and each action with the ids and codes of Way Kanan's records. Neither ever sees a
Way Kanan record's content, and no action they try changes anything of Way Kanan's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alur.audit.models import AuditEvent
from alur.complaints.services import complaint_submit
from alur.front.tests.walking import paths, readable, routes, tally, walked_routes
from alur.intake.services import application_submit
from alur.intake.tests.conftest import birth_request  # noqa: F401  (a fixture)
from alur.letters.services import LetterInput, letter_create
from alur.letters.tests.conftest import position
from alur.workflow.tests.drive import run_until_step

pytestmark = pytest.mark.django_db

SECRET = "Rahasiawati Sentinel"  # appears in Way Kanan's records only

# Pages meant for everyone (each shows nothing until given what only the owner knows).
PUBLIC = {
    "login",
    "alive",
    "webhook",
    "tracking",
    "document",
    "public_form",
    "public_sent",
}


@pytest.fixture
def way_kanan(
    office: Callable[[str], Any],
    persona: Callable[[str], Any],
    birth_request: dict[str, Any],  # noqa: F811 - the intake tests' fixture, imported above
) -> dict[str, list[str]]:
    """Way Kanan's records with the secret in them, and the ids and codes that reach them."""
    waykanan = office("18.08")
    birth_request["applicant"]["name"] = SECRET
    application = application_submit(office=waykanan, channel="counter", **birth_request)
    task = run_until_step(application.case, 2)
    complaint = complaint_submit(
        office=waykanan,
        channel="web",
        reporter_name=SECRET,
        reporter_phone="081234567890",
        text=f"Keluhan {SECRET}",
    )
    kasi = persona("waykanan.kasi.dafduk")
    letter = letter_create(
        office=waykanan,
        actor=kasi,
        data=LetterInput(
            kind="surat",
            classification="400.12.2.1",
            subject=f"Undangan {SECRET}",
            body=f"Perihal {SECRET}.",
        ),
        signer=position(waykanan, "kadis"),
    )
    ids = {
        application.pk,
        task.pk,
        complaint.pk,
        letter.pk,
        *application.attachments.values_list("pk", flat=True),
        *application.case.tasks.values_list("pk", flat=True),
        *complaint.case.tasks.values_list("pk", flat=True),
    }
    return {
        "int": sorted(str(i) for i in ids),
        "reference": [application.case.reference, complaint.case.reference],
        "code": ["18.08", "S2e"],
        "item": ["ktp_el"],
        "fmt": ["xlsx", "pdf"],
        "kind": ["domisili"],
    }


def _shows_secret(response: Any, poppler: Callable[[str], str]) -> bool:
    return SECRET.encode() in readable(response, poppler)


def _walk(
    client: Client,
    values: dict[str, list[str]],
    poppler: Any,
    methods: tuple[str, ...] = ("get", "post"),
    walker: str = "anonymous",
) -> list[str]:
    leaks = []
    for route, name in walked_routes():  # the walker stays logged in
        for path in paths(route, values):
            for method in methods:
                tally("strangers", walker, method, route)
                response = getattr(client, method)(
                    path, {"reason": "x", "note": "x", "text": "x", "passphrase": "x"}
                )
                if _shows_secret(response, poppler):
                    leaks.append(f"{method.upper()} {path} ({name})")
    return leaks


def test_another_offices_head_sees_and_changes_nothing_of_way_kanan(
    way_kanan: dict[str, list[str]], persona: Callable[[str], Any], poppler: Any
) -> None:
    owner = Client()
    owner.force_login(persona("waykanan.kasi.capil"))
    seen_by_owner = _walk(owner, way_kanan, poppler, methods=("get",), walker="owner")
    # The walk reaches the records: their own staff see the secret on these pages.
    assert {"case_detail", "detail", "preview", "answer_sheet", "office_events"} <= {
        leak.rsplit("(", 1)[1].rstrip(")") for leak in seen_by_owner
    }

    before = AuditEvent.objects.filter(office__code="18.08").count()
    stranger = Client()
    stranger.force_login(persona("babel.kadis"))
    assert _walk(stranger, way_kanan, poppler, walker="babel.kadis") == []
    assert AuditEvent.objects.filter(office__code="18.08").count() == before


def test_an_anonymous_visitor_sees_only_the_public_pages(
    way_kanan: dict[str, list[str]], poppler: Any
) -> None:
    anonymous = Client()
    assert _walk(anonymous, way_kanan, poppler) == []
    for route, name in routes():
        if route.startswith("admin/") or name in PUBLIC or "<" in route:
            continue
        response = anonymous.get("/" + route)
        assert response.status_code in (302, 403, 404, 405), f"/{route} ({name})"
        if response.status_code == 302:
            assert response.url.startswith("/masuk/"), f"/{route} ({name})"
