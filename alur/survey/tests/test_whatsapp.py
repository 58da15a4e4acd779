"""The survey on WhatsApp, with taps only: the answered reporter's phone (the local Graph API
server) receives one list message per element, and each tap on a row — sent back to our
webhook as Meta delivers a list reply, signed — answers it and brings the next question."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from alur.complaints.choices import Channel as ComplaintChannel
from alur.survey.models import Answer, Survey
from alur.survey.tests.conftest import CITIZEN
from alur.whatsapp_cloud import payloads
from alur.whatsapp_cloud.models import BusinessNumber
from peers.graph_api import RunningServer
from peers.graph_api.server import start_server

pytestmark = pytest.mark.django_db

COMPLAINTS = ("108117961900", "628117961900")  # Way Kanan's complaints number (demo)


@pytest.fixture
def graph(settings: Any) -> Iterator[RunningServer]:
    running = start_server(port=0, app_secret=settings.WHATSAPP_APP_SECRET)
    settings.WHATSAPP_API_BASE = running.base_url
    httpx.post(running.control("inbound"), json={"from": CITIZEN})  # the 24-hour window is open
    yield running
    running.stop()


def phone(graph: RunningServer) -> list[dict[str, Any]]:
    """What the citizen's phone received, oldest first."""
    sent = httpx.get(graph.control("messages"), params={"to": CITIZEN}).json()["data"]
    return [m["message"] for m in sent]


def last_list(graph: RunningServer) -> dict[str, Any]:
    lists = [m for m in phone(graph) if m.get("type") == "interactive"]
    assert lists, "no list message reached the phone"
    return lists[-1]["interactive"]


def tap(client: Client, row: dict[str, Any]) -> None:
    """The citizen taps `row` of a list message: the list reply, signed, to our webhook."""
    from django.conf import settings

    body = payloads.encode(
        payloads.message_notification(
            phone_number_id=COMPLAINTS[0],
            display_phone_number=COMPLAINTS[1],
            message=payloads.list_reply_message(CITIZEN, reply_id=row["id"], title=row["title"]),
        )
    )
    header = payloads.signature_header(body, settings.WHATSAPP_APP_SECRET)
    response = client.post(
        "/whatsapp/webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=header[payloads.SIGNATURE_HEADER],
    )
    assert response.status_code == 200


def rows_of(interactive: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for section in interactive["action"]["sections"] for row in section["rows"]]


def test_the_survey_with_taps_only(
    graph: RunningServer,
    client: Client,
    answered_complaint: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    number = BusinessNumber.objects.get(phone_number_id=COMPLAINTS[0])
    with django_capture_on_commit_callbacks(execute=True):
        complaint = answered_complaint(ComplaintChannel.WHATSAPP, whatsapp_number=number)
    survey = Survey.objects.get(case=complaint.case)
    first = last_list(graph)
    assert "Survei Kepuasan Masyarakat" in first["body"]["text"]
    assert "Pertanyaan 1 dari 9" in first["body"]["text"]
    chosen = [4, 3, 3, 4, 3, 2, 4, 3, 4]
    for element, score in enumerate(chosen, 1):
        shown = last_list(graph)
        assert f"Pertanyaan {element} dari 9" in shown["body"]["text"]
        rows = rows_of(shown)
        assert len(rows) == 5 and rows[-1]["title"] == "Lewati survei"
        with django_capture_on_commit_callbacks(execute=True):
            tap(client, rows[score - 1])
    survey.refresh_from_db()
    assert survey.completed_at is not None
    assert [a.score for a in Answer.objects.filter(survey=survey).order_by("element")] == chosen
    thanks = phone(graph)[-1]
    assert thanks["type"] == "text" and "survei selesai" in thanks["text"]["body"]
    # A tap on an old question once the survey is complete changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, rows_of(first)[0])
    assert Answer.objects.get(survey=survey, element=1).score == 4
    assert "sudah diisi" in phone(graph)[-1]["text"]["body"]
    complaint.refresh_from_db()
    assert complaint.satisfaction is None  # the complaint's own 1–5 score is apart


def test_lewati_is_a_tap_too(
    graph: RunningServer,
    client: Client,
    answered_complaint: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    number = BusinessNumber.objects.get(phone_number_id=COMPLAINTS[0])
    with django_capture_on_commit_callbacks(execute=True):
        complaint = answered_complaint(ComplaintChannel.WHATSAPP, whatsapp_number=number)
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, rows_of(last_list(graph))[-1])
    survey = Survey.objects.get(case=complaint.case)
    assert survey.skipped_at is not None and not survey.answers.exists()
    assert "survei dilewati" in phone(graph)[-1]["text"]["body"]


def test_a_tap_from_another_number_is_not_taken(
    graph: RunningServer,
    client: Client,
    answered_complaint: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    number = BusinessNumber.objects.get(phone_number_id=COMPLAINTS[0])
    with django_capture_on_commit_callbacks(execute=True):
        complaint = answered_complaint(
            ComplaintChannel.WHATSAPP, whatsapp_number=number, reporter_phone="081311112222"
        )
    survey = Survey.objects.get(case=complaint.case)
    row = {"id": f"SKM:{survey.token}:1:1", "title": "1. Tidak sesuai"}
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row)  # CITIZEN taps a row of someone else's survey
    assert not survey.answers.exists()
    assert "tidak ditemukan" in phone(graph)[-1]["text"]["body"]


def test_typed_answers_on_a_complaint_go_to_the_survey(
    graph: RunningServer,
    client: Client,
    answered_complaint: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Where the list cannot be shown the citizen types: the survey replaced the complaint's old
    1–5 score, so a lone number answers the survey's latest question; LEWATI ends it."""
    from alur.whatsapp.tests.conftest import webhook_text

    number = BusinessNumber.objects.get(phone_number_id=COMPLAINTS[0])
    with django_capture_on_commit_callbacks(execute=True):
        complaint = answered_complaint(ComplaintChannel.WHATSAPP, whatsapp_number=number)
    survey = Survey.objects.get(case=complaint.case)

    def typed(text: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            webhook_text(client, COMPLAINTS, CITIZEN, text)

    typed("3")
    assert Answer.objects.get(survey=survey, element=1).score == 3
    complaint.refresh_from_db()
    assert complaint.satisfaction is None  # no old 1–5 score beside the survey
    assert "Pertanyaan 2 dari 9" in last_list(graph)["body"]["text"]
    typed("lewati")
    survey.refresh_from_db()
    assert survey.skipped_at is not None and survey.answers.count() == 1
    typed("2")  # the survey is over: a lone number is the dialog's again
    assert survey.answers.count() == 1
