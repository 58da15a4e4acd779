"""Citizen documents signed through BSrE (the `bsre` backend of the signing port) against the local
BSrE server over HTTP, in standalone registry mode: a KK and an akta signed and valid; a signing
that fails gives the register numbers it took back (the KK's: an akta's was taken when it was
printed), archives nothing and leaves the task open; a number that cannot be given back stays
with its document and the next attempt signs under it."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.db import transaction

from alur.audit.models import AuditEvent
from alur.core.counters import counter_last, counter_next
from alur.core.errors import DomainError
from alur.documents.issuing import _numbers_give_back, documents_sign
from alur.documents.models import CitizenDocument
from alur.tte.models import IssuedDocument
from alur.tte.tests.bsre_peer import PASSPHRASE, Peer
from alur.workflow.models import Case
from alur.workflow.tests.drive import holder, run_until_step, start

pytestmark = pytest.mark.django_db

BASE = "https://alur.test/"
SIGN_STEP = {"S2a": 5, "S2e": 9}


def at_signing(code: str, bsre: Peer) -> tuple[Case, Any]:
    case = start(code)
    task = run_until_step(case, SIGN_STEP[code])
    return case, bsre.signer(holder(task))


def _scope(document: CitizenDocument) -> tuple[object, ...]:
    return ("documents.register", document.office_id, document.kind, document.register_year)


@pytest.mark.parametrize(("code", "kind"), [("S2a", "kk"), ("S2e", "akta_kelahiran")])
def test_a_document_signed_through_bsre_is_archived_and_valid(
    code: str, kind: str, bsre: Peer, poppler: Any, tmp_path: Any
) -> None:
    case, kadis = at_signing(code, bsre)

    documents = documents_sign(case=case, actor=kadis, passphrase=PASSPHRASE, base_url=BASE)

    document = next(d for d in documents if d.kind == kind)
    assert document.signed_at is not None and document.register_number
    pdf = document.issued.file.read()
    statuses = bsre.validate(pdf)
    assert statuses and all(s.intact and s.valid and s.trusted for s in statuses)
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([poppler("pdfsig"), str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out
    event = AuditEvent.objects.get(action="documents.sign", object_id=str(document.pk))
    assert event.after["backend"] == "bsre"
    assert kadis.nik in {r["nik"] for r in bsre.sign_requests()}


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ({"mode": "down", "endpoint": "sign"}, "tidak dapat dihubungi"),
        ({"mode": "slow", "seconds": 4, "endpoint": "sign"}, "tidak dapat dihubungi"),
        ({"mode": "wrong_passphrase_always", "endpoint": "sign"}, "Passphrase TTE salah"),
    ],
)
def test_a_failed_signing_gives_the_register_numbers_back_and_archives_nothing(
    bsre: Peer, fault: dict[str, Any], words: str
) -> None:
    case, kadis = at_signing("S2a", bsre)
    archived = IssuedDocument.objects.count()
    bsre.fault(**fault)

    with pytest.raises(DomainError) as failed:
        documents_sign(case=case, actor=kadis, passphrase=PASSPHRASE, base_url=BASE)

    assert words in failed.value.message and "belum ditandatangani" in failed.value.message
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    assert kk.signed_at is None and kk.issued_id is None
    assert (kk.register_number, kk.register_serial) == ("", None)
    assert IssuedDocument.objects.count() == archived
    assert case.tasks.filter(step=SIGN_STEP["S2a"], status__in=["open", "claimed"]).exists()
    released = AuditEvent.objects.get(action="documents.number_release", object_id=str(kk.pk))
    assert released.after["given_back"] is True and "Penandatanganan gagal" in released.reason
    failed_event = AuditEvent.objects.filter(action="tte.sign_failed").latest("pk")
    assert failed_event.after["backend"] == "bsre" and PASSPHRASE not in str(failed_event.after)

    bsre.control("faults", method="DELETE")
    documents_sign(case=case, actor=kadis, passphrase=PASSPHRASE, base_url=BASE)
    kk.refresh_from_db()
    assert kk.signed_at is not None
    assert kk.register_serial == counter_last(*_scope(kk))  # the same serial, no gap


def test_a_number_a_later_one_follows_stays_with_its_document_for_the_next_attempt(
    bsre: Peer,
) -> None:
    case, kadis = at_signing("S2a", bsre)
    kk = CitizenDocument.objects.get(case=case, kind="kk")
    from alur.documents.numbering import register_number_take

    with transaction.atomic():
        number = register_number_take(kk)
        counter_next(*_scope(kk))  # another case took the next number meanwhile

    _numbers_give_back(case, [kk.pk], kadis, DomainError("Layanan BSrE tidak dapat dihubungi."))

    kk.refresh_from_db()
    assert kk.register_number == number  # kept: giving it back would leave a gap
    event = AuditEvent.objects.get(action="documents.number_release", object_id=str(kk.pk))
    assert event.after == {"register_number": number, "given_back": False}
    documents_sign(case=case, actor=kadis, passphrase=PASSPHRASE, base_url=BASE)
    kk.refresh_from_db()
    assert kk.signed_at is not None and kk.register_number == number
    assert kk.issued.verify_code == kk.verify_code
    assert (
        AuditEvent.objects.get(action="documents.sign", object_id=str(kk.pk)).after[
            "register_number"
        ]
        == number
    )
