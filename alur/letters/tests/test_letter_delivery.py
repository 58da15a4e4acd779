"""Sending a signed letter: once per recipient, as a template with the PDF when the recipient's
24-hour WhatsApp window is closed, and never before it is signed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alur.core.errors import DomainError
from alur.letters.chain import letter_paraf, letter_submit
from alur.letters.delivery import DOCUMENT_TEMPLATE, letter_deliver
from alur.letters.issuing import letter_sign
from alur.letters.models import Letter
from alur.letters.services import recipient_add
from alur.letters.tests.conftest import TTE_PASSPHRASE
from alur.outbox.choices import MessageStatus
from alur.outbox.delivery import deliver_due
from alur.outbox.tests.conftest import control, graph, graph_api  # noqa: F401

pytestmark = pytest.mark.django_db

KORWIL = "6281299887766"


@pytest.fixture
def signed(
    draft: Callable[..., Letter], persona: Callable[[str], Any], tte: Callable[..., Any]
) -> Letter:
    letter = draft(paraf=("kabid",))
    pelaksana = persona("babel.pelaksana")
    recipient_add(
        letter=letter, actor=pelaksana, name="PJ Korwil", channel="whatsapp", address=KORWIL
    )
    with pytest.raises(DomainError, match="belum ditandatangani"):
        letter_deliver(letter=letter, actor=pelaksana)
    letter_submit(letter=letter, actor=pelaksana)
    letter_paraf(letter=letter, actor=persona("babel.kabid"))
    kadis = persona("babel.kadis")
    tte(kadis)
    return letter_sign(
        letter=letter, actor=kadis, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    )


def test_outside_the_window_the_pdf_goes_as_a_template_header(
    signed: Letter,
    persona: Callable[[str], Any],
    graph: Any,  # noqa: F811
) -> None:
    pelaksana = persona("babel.pelaksana")
    assert letter_deliver(letter=signed, actor=pelaksana) == 1
    assert letter_deliver(letter=signed, actor=pelaksana) == 0  # a second click queues nothing

    deliver_due()
    recipient = signed.recipients.get()
    recipient.message.refresh_from_db()
    assert recipient.message.status == MessageStatus.SENT
    [sent] = control(graph, "messages", method="GET")["data"]
    assert sent["type"] == "template"
    template = sent["message"]["template"]
    assert template["name"] == DOCUMENT_TEMPLATE
    [header] = [c for c in template["components"] if c["type"] == "header"]
    document = header["parameters"][0]["document"]
    assert document["id"] and "path" not in document  # uploaded, never our storage path
