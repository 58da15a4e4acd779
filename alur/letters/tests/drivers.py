"""How the demo personas do the letters steps of an SOP in the tests that drive whole cases:
the drafter drafts the letter, the signer signs it with their certificate's passphrase."""

from __future__ import annotations

from typing import Any

from alur.letters.issuing import letter_sign
from alur.letters.selectors import case_letter
from alur.letters.services import LetterInput, letter_create
from alur.org.models import User
from alur.tte.tests.drivers import PASSPHRASE, certificate_for
from alur.workflow.models import Task
from alur.workflow.services import procedure
from alur.workflow.tests.drive import DRIVERS


def draft(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    if case_letter(task.case) is not None:
        return False  # the draft exists: finishing the step submits it
    steps = procedure(task.case).steps
    first_delivery = next((s.number for s in steps if s.action == "letters.deliver"), None)
    letter_create(
        office=task.case.office,
        actor=actor,
        case=task.case,
        data=LetterInput(
            kind="surat",
            classification="400.12.2.1",
            subject=f"Naskah perkara {task.case.reference}",
            body="Dengan hormat,\n\nBersama ini kami sampaikan naskah perkara ini.",
        ),
        # a delivery step with nobody to send to refuses to complete: the first one sends here
        recipients=[("Penerima uji", "email", "penerima@dukcapil.example.go.id", first_delivery)]
        if first_delivery is not None
        else [],
    )
    return False


def sign(task: Task, actor: User, choice: dict[str, Any]) -> bool:
    letter = case_letter(task.case)
    if letter is None:
        return False
    certificate_for(actor)
    letter_sign(letter=letter, actor=actor, passphrase=PASSPHRASE, base_url="https://alur.test/")
    return True


DRIVERS["letters.draft"] = draft
DRIVERS["letters.sign"] = sign
