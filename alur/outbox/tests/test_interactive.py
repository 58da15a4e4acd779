"""Reply buttons and list messages: built within the Cloud API's limits, sent as `interactive`
over real HTTP to the local Graph API server, and sent again as their text fallback (the
options with the word to type) when the provider refuses the interactive form."""

from __future__ import annotations

from typing import Any

import pytest

from alur.outbox.choices import Kind, MessageStatus, Outcome
from alur.outbox.content import list_pages, whatsapp_buttons, whatsapp_list
from alur.outbox.delivery import deliver
from alur.outbox.tests.conftest import AKTA_LAHIR, CITIZEN, control

WA_ID = "62" + CITIZEN.removeprefix("0")  # the citizen's number as WhatsApp writes it


def test_buttons_keep_the_ids_and_a_fallback_naming_the_words() -> None:
    content = whatsapp_buttons(
        "Kirim permohonan ini?", [("YA", "Kirim permohonan"), ("BATAL", "Batal")]
    )
    assert content.kind == Kind.INTERACTIVE
    buttons = content.payload["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["YA", "BATAL"]
    assert "Kirim permohonan: ketik YA" in content.payload["body"]
    assert "• BATAL" in content.payload["body"]
    with pytest.raises(ValueError):
        whatsapp_buttons("x", [("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")])


def test_a_long_list_is_paged_within_ten_rows_and_the_fallback_lists_every_row() -> None:
    rows = [(str(i), f"Layanan ke-{i} dengan nama panjang", "d" * 90) for i in range(1, 15)]
    assert list_pages(len(rows)) == 2
    for page in (1, 2):
        action = whatsapp_list("Pilih layanan", "Pilih", rows, page=page).payload["interactive"][
            "action"
        ]
        shown = [row for section in action["sections"] for row in section["rows"]]
        assert len(shown) <= 10 and all(len(r["title"]) <= 24 for r in shown)
        assert all(len(r.get("description", "")) <= 72 for r in shown)
        assert all(section.get("title") for section in action["sections"])
    first = whatsapp_list("Pilih layanan", "Pilih", rows, page=1).payload
    ids = [r["id"] for s in first["interactive"]["action"]["sections"] for r in s["rows"]]
    assert ids[:8] == [str(i) for i in range(1, 9)] and ids[-1] == "HALAMAN 2"
    assert "14. Layanan ke-14" in first["body"]  # every row in the text fallback


@pytest.mark.django_db
def test_an_interactive_message_goes_as_interactive(queue: Any, graph: Any) -> None:
    control(graph, "inbound", {"from": WA_ID, "phone_number_id": AKTA_LAHIR})
    content = whatsapp_buttons("Kirim?", [("YA", "Kirim"), ("BATAL", "Batal")])
    message = queue(kind=content.kind, payload=content.payload)
    assert deliver(message.pk) == Outcome.SENT
    (sent,) = control(graph, "messages", method="GET")["data"]
    assert sent["type"] == "interactive"
    assert sent["message"]["interactive"] == content.payload["interactive"]


@pytest.mark.django_db
def test_a_refused_interactive_message_is_sent_as_its_text_fallback(queue: Any, graph: Any) -> None:
    control(graph, "inbound", {"from": WA_ID, "phone_number_id": AKTA_LAHIR})
    # The citizen's app cannot show it: Meta answers 131026 (message undeliverable).
    control(
        graph, "faults", {"mode": "error_code", "code": 131026, "count": 1, "endpoint": "messages"}
    )
    content = whatsapp_list(
        "Pilih layanan", "Pilih layanan", [("1", "KTP-el", ""), ("2", "KIA", "")]
    )
    message = queue(kind=content.kind, payload=content.payload)
    assert deliver(message.pk) == Outcome.FALLBACK
    message.refresh_from_db()
    assert message.kind == Kind.TEXT and message.status == MessageStatus.QUEUED
    assert deliver(message.pk) == Outcome.SENT
    (sent,) = control(graph, "messages", method="GET")["data"]
    assert sent["type"] == "text"
    assert "1. KTP-el" in sent["message"]["text"]["body"]
    assert "2. KIA" in sent["message"]["text"]["body"]
