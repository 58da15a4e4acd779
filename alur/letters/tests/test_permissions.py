"""The permission table walked: on a letter in each status, for each person of the office (and
one of another office), every action the letter's page offers is one its service accepts, and
every action its service accepts is offered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from alur.core.errors import DomainError
from alur.letters import chain, delivery, issuing, services
from alur.letters.models import Letter, LetterStatus, Recipient
from alur.letters.permissions import TABLE, Action
from alur.letters.tests.conftest import TTE_PASSPHRASE, letter_input

pytestmark = pytest.mark.django_db

PEOPLE = (
    "babel.pelaksana",
    "babel.kasi",
    "babel.kabid",
    "babel.sekretaris",
    "babel.kadis",
    "bangka.kadis",
)

SERVICE: dict[Action, Callable[[Letter, Any], object]] = {
    Action.EDIT: lambda letter, user: services.letter_update(
        letter=letter, actor=user, data=letter_input(subject="Perihal yang diubah")
    ),
    Action.SUBMIT: lambda letter, user: chain.letter_submit(letter=letter, actor=user),
    Action.PARAF: lambda letter, user: chain.letter_paraf(letter=letter, actor=user),
    Action.RETURN: lambda letter, user: chain.letter_return(
        letter=letter, actor=user, note="Mohon perbaiki perihal."
    ),
    Action.SIGN: lambda letter, user: issuing.letter_sign(
        letter=letter, actor=user, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    ),
    Action.COSIGN: lambda letter, user: issuing.letter_cosign(
        letter=letter, actor=user, passphrase=TTE_PASSPHRASE
    ),
    Action.DELIVER: lambda letter, user: delivery.letter_deliver(letter=letter, actor=user),
    Action.CANCEL: lambda letter, user: chain.letter_cancel(
        letter=letter, actor=user, reason="Tidak jadi dikirim."
    ),
    Action.ADD_RECIPIENT: lambda letter, user: services.recipient_add(
        letter=letter, actor=user, name="Bagian Umum", channel="email", address="umum@alur.test"
    ),
}


class Undo(Exception):
    pass


def _trace(letter: Letter) -> tuple[Any, ...]:
    letter.refresh_from_db()
    return (
        letter.status,
        letter.version,
        letter.events.count(),
        letter.recipients.count(),
        Recipient.objects.filter(letter=letter, message__isnull=False).count(),
    )


def _accepts(letter: Letter, user: Any, action: Action) -> bool:
    """Does the service take the action (change the letter) for `user`? Rolled back after."""
    before = _trace(letter)
    try:
        with transaction.atomic():
            try:
                SERVICE[action](Letter.objects.get(pk=letter.pk), user)
            except (DomainError, PermissionDenied):
                return False
            changed = _trace(letter) != before
            raise Undo
    except Undo:
        return changed


@pytest.fixture
def letters(draft: Callable[..., Letter], persona: Callable[[str], Any], tte: Any) -> dict:
    """A Babel letter in each status of the walk (drafted, waiting for the Kabid's paraf,
    ready to sign, signed with a recipient waiting, cancelled)."""
    pelaksana, kadis = persona("babel.pelaksana"), persona("babel.kadis")
    tte(kadis)
    made = {"draft": draft()}
    made["paraf"] = chain.letter_submit(letter=draft(), actor=pelaksana)
    ready = chain.letter_submit(letter=draft(), actor=pelaksana)
    chain.letter_paraf(letter=ready, actor=persona("babel.kabid"))
    made["sign"] = chain.letter_paraf(letter=ready, actor=persona("babel.sekretaris"))
    signed = chain.letter_submit(letter=draft(paraf=()), actor=pelaksana)
    services.recipient_add(
        letter=signed, actor=pelaksana, name="Dinas", channel="email", address="d@alur.test"
    )
    made["signed"] = issuing.letter_sign(
        letter=signed, actor=kadis, passphrase=TTE_PASSPHRASE, base_url="https://alur.test/"
    )
    made["cancelled"] = chain.letter_cancel(letter=draft(), actor=pelaksana, reason="Batal.")
    return made


def test_every_button_shown_is_one_the_service_takes_and_no_other(
    letters: dict[str, Letter], persona: Callable[[str], Any]
) -> None:
    assert {letter.status for letter in letters.values()} >= {
        LetterStatus.DRAFT,
        LetterStatus.REVIEW,
        LetterStatus.SIGNED,
        LetterStatus.CANCELLED,
    }
    assert set(TABLE) == set(LetterStatus.values)
    mismatches = []
    offered_somewhere: set[Action] = set()
    for state, letter in letters.items():
        for username in PEOPLE:
            user = persona(username)
            client = Client()
            client.force_login(user)
            page = client.get(f"/naskah/{letter.pk}/")
            context = page.context if page.status_code == 200 else {}
            shown = {a for a in Action if context.get(f"may_{a}")}
            offered_somewhere |= shown
            for action in Action:
                if (action in shown) != _accepts(letter, user, action):
                    mismatches.append((state, username, str(action), action in shown))
    assert mismatches == []
    # the walk reaches every action but the second party's signature (a BAST's, not here)
    assert offered_somewhere == set(Action) - {Action.COSIGN}
