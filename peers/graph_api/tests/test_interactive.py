"""The local Graph API server takes reply buttons and list messages as the Cloud API does, and
refuses what the Cloud API refuses with Meta's error codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from alur.outbox.content import whatsapp_buttons, whatsapp_list
from alur.whatsapp_cloud.tests.conftest import ACCESS_TOKEN, control, http
from peers.graph_api import RunningServer

OFFICE = "108117961700"
SITI = "6281234567890"


def send(graph: RunningServer, interactive: dict[str, Any]) -> httpx.Response:
    return http.post(
        f"{graph.base_url}/{OFFICE}/messages",
        headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        json={
            "messaging_product": "whatsapp",
            "to": SITI,
            "type": "interactive",
            "interactive": interactive,
        },
    )


@pytest.fixture
def window(graph: RunningServer) -> RunningServer:
    control(graph, "inbound", {"from": SITI, "phone_number_id": OFFICE})
    return graph


def _buttons(count: int = 2, title: str = "Ya") -> dict[str, Any]:
    return {
        "type": "button",
        "body": {"text": "Kirim permohonan?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": f"B{i}", "title": f"{title}{i}"}}
                for i in range(count)
            ]
        },
    }


def _list(rows: int = 3, **row: str) -> dict[str, Any]:
    return {
        "type": "list",
        "body": {"text": "Pilih layanan"},
        "action": {
            "button": "Pilih layanan",
            "sections": [
                {
                    "rows": [
                        {"id": str(i), "title": f"Layanan {i}", **row} for i in range(1, rows + 1)
                    ]
                }
            ],
        },
    }


def test_the_builders_output_is_accepted_and_recorded(window: RunningServer) -> None:
    rows = [(str(i), f"Layanan nomor {i} yang panjang sekali", "x" * 100) for i in range(1, 15)]
    for content in (
        whatsapp_buttons("Kirim?", [("YA", "Ya, kirim sekarang juga ya"), ("BATAL", "Batal")]),
        whatsapp_list("Pilih", "Pilih layanan sekarang juga", rows, page=2),
    ):
        answer = send(window, content.payload["interactive"])
        assert answer.status_code == 200, answer.text
    recorded = http.get(window.control("messages"), params={"to": SITI, "type": "interactive"})
    assert len(recorded.json()["data"]) == 2


@pytest.mark.parametrize(
    ("interactive", "code", "words"),
    [
        (_buttons(4), 131009, "Buttons count"),
        (_buttons(1, title="x" * 21), 131009, "button title"),
        ({**_buttons(), "body": {"text": "x" * 1025}}, 131009, "body.text"),
        ({**_buttons(), "body": {}}, 131008, "body.text"),
        (_list(11), 131009, "Total row count"),
        (_list(2, description="x" * 73), 131009, "row description"),
        ({**_list(), "action": {**_list()["action"], "button": "x" * 21}}, 131009, "button"),
        (
            {
                **_list(),
                "action": {
                    "button": "Pilih",
                    "sections": [{"rows": [{"id": "1", "title": "x" * 25}]}],
                },
            },
            131009,
            "row title",
        ),
        (
            {
                **_list(),
                "action": {
                    "button": "Pilih",
                    "sections": [
                        {"title": "A", "rows": [{"id": "1", "title": "Satu"}]},
                        {"rows": [{"id": "2", "title": "Dua"}]},
                    ],
                },
            },
            131008,
            "section title",
        ),
        (
            {
                **_list(),
                "action": {
                    "button": "Pilih",
                    "sections": [{"rows": [{"id": "1", "title": "A"}, {"id": "1", "title": "B"}]}],
                },
            },
            131009,
            "unique",
        ),
        ({"type": "carousel", "body": {"text": "x"}}, 100, "interactive.type"),
    ],
)
def test_what_the_cloud_api_refuses_is_refused_with_its_code(
    window: RunningServer, interactive: dict[str, Any], code: int, words: str
) -> None:
    answer = send(window, interactive)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == code and words in error["error_data"]["details"]


def test_an_interactive_message_outside_the_window_is_refused(graph: RunningServer) -> None:
    assert send(graph, _buttons()).json()["error"]["code"] == 131047
