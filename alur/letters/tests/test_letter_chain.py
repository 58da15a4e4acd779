"""Drafting a letter and its approval chain: versions, paraf in order, send-back, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from alur.audit.models import AuditEvent
from alur.core.errors import ConflictError, DomainError
from alur.letters.chain import (
    letter_cancel,
    letter_paraf,
    letter_return,
    letter_submit,
    next_slot,
    parafs,
    ready_to_sign,
)
from alur.letters.models import Letter, LetterStatus
from alur.letters.services import letter_create, letter_update, recipient_add
from alur.letters.tests.conftest import letter_input, position
from alur.org.demo import KABID_DAFDUK

pytestmark = pytest.mark.django_db


def test_draft_keeps_its_chain_and_first_version(draft: Callable[..., Letter]) -> None:
    letter = draft()

    assert letter.status == LetterStatus.DRAFT
    assert [s.position.kind for s in letter.slots.order_by("order")] == ["kabid", "sekretaris"]
    assert letter.versions.get().content["subject"] == "Permohonan Blanko KTP-el Triwulan IV"
    assert AuditEvent.objects.filter(action="letter.draft", object_id=str(letter.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"classification": "4a0"}, "Kode klasifikasi"),
        ({"subject": "  "}, "Perihal naskah wajib diisi"),
        ({"body": ""}, "Isi naskah wajib diisi"),
        ({"kind": "memo"}, "Jenis naskah"),
    ],
)
def test_bad_content_is_refused_and_nothing_kept(
    draft: Callable[..., Letter], overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        draft(**overrides)
    assert not Letter.objects.exists()


def test_at_most_three_paraf(draft: Callable[..., Letter], babel: Any) -> None:
    with pytest.raises(DomainError, match="Paling banyak 3 paraf"):
        draft(paraf=("kabid", "sekretaris", "kasi", "kasi"))


def test_the_signer_drafting_needs_no_paraf(babel: Any, persona: Callable[[str], Any]) -> None:
    kadis = persona("babel.kadis")
    with pytest.raises(DomainError, match="tidak memerlukan paraf"):
        letter_create(
            office=babel,
            actor=kadis,
            data=letter_input(),
            signer=position(babel, "kadis"),
            paraf=[position(babel, "kabid")],
        )
    letter = letter_create(
        office=babel, actor=kadis, data=letter_input(), signer=position(babel, "kadis")
    )
    assert ready_to_sign(letter_submit(letter=letter, actor=kadis))


def test_a_pelaksana_cannot_be_named_signer(babel: Any, draft: Callable[..., Letter]) -> None:
    with pytest.raises(DomainError, match="tidak berwenang menandatangani"):
        letter_create(
            office=babel,
            actor=babel.positions.get(kind="pelaksana").appointments.first().user,
            data=letter_input(),
            signer=position(babel, "pelaksana"),
        )


def test_another_office_cannot_draft_here(babel: Any, persona: Callable[[str], Any]) -> None:
    with pytest.raises(PermissionDenied):
        letter_create(
            office=babel,
            actor=persona("waykanan.operator"),
            data=letter_input(),
            signer=position(babel, "kadis"),
        )


def test_paraf_in_order_by_the_holder_only(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft()
    with pytest.raises(DomainError, match="belum diajukan"):
        letter_paraf(letter=letter, actor=persona("babel.kabid"))
    letter = letter_submit(letter=letter, actor=persona("babel.pelaksana"))

    with pytest.raises(DomainError, match=r"menunggu Kepala Bidang|tidak memegang"):
        letter_paraf(letter=letter, actor=persona("babel.sekretaris"))
    letter = letter_paraf(letter=letter, actor=persona("babel.kabid"))
    assert next_slot(letter).position.kind == "sekretaris"
    letter = letter_paraf(letter=letter, actor=persona("babel.sekretaris"))

    assert ready_to_sign(letter)
    assert [p.slot.position.kind for p in parafs(letter)] == ["kabid", "sekretaris"]
    with pytest.raises(ConflictError, match="Semua paraf sudah lengkap"):
        letter_paraf(letter=letter, actor=persona("babel.kabid"))


def test_send_back_needs_a_note_and_asks_every_paraf_again(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft()
    pelaksana, kabid, sekretaris = (
        persona("babel.pelaksana"),
        persona("babel.kabid"),
        persona("babel.sekretaris"),
    )
    letter_submit(letter=letter, actor=pelaksana)
    letter_paraf(letter=letter, actor=kabid)
    with pytest.raises(DomainError, match="catatan perbaikan"):
        letter_return(letter=letter, actor=sekretaris, note=" ")

    letter_return(letter=letter, actor=sekretaris, note="Lampirkan rekap kebutuhan per kab/kota.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    letter_update(
        letter=letter,
        actor=pelaksana,
        data=letter_input(body="Dengan hormat,\n\nTerlampir rekap kebutuhan per kab/kota."),
        note="rekap dilampirkan",
    )
    letter.refresh_from_db()
    assert letter.version == 2
    assert [v.number for v in letter.versions.all()] == [1, 2]

    letter = letter_submit(letter=letter, actor=pelaksana)
    assert parafs(letter) == []  # Kabid's earlier paraf was for the previous round
    assert next_slot(letter).position.kind == "kabid"


def test_someone_outside_the_chain_cannot_send_back(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft(paraf=("kabid",))
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    with pytest.raises(DomainError, match="Hanya pemaraf"):
        letter_return(letter=letter, actor=persona("babel.kasi"), note="salah ketik")


def test_a_letter_in_review_cannot_be_edited_by_its_drafter(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft()
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    with pytest.raises(DomainError, match="tidak dapat Anda ubah"):
        letter_update(
            letter=letter, actor=persona("babel.pelaksana"), data=letter_input(subject="Lain")
        )
    letter.refresh_from_db()
    assert letter.version == 1


def test_cancel_needs_a_reason(draft: Callable[..., Letter], persona: Callable[[str], Any]) -> None:
    letter = draft()
    with pytest.raises(DomainError, match="alasan"):
        letter_cancel(letter=letter, actor=persona("babel.pelaksana"), reason="")
    letter_cancel(letter=letter, actor=persona("babel.pelaksana"), reason="Dobel")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CANCELLED
    with pytest.raises(DomainError, match="dibatalkan"):
        letter_submit(letter=letter, actor=persona("babel.pelaksana"))


def test_recipients_are_checked_and_not_doubled(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft()
    pelaksana = persona("babel.pelaksana")
    with pytest.raises(DomainError, match="tidak sah"):
        recipient_add(
            letter=letter, actor=pelaksana, name="Kadis", channel="whatsapp", address="12"
        )
    with pytest.raises(DomainError, match="tidak sah"):
        recipient_add(letter=letter, actor=pelaksana, name="Ditjen", channel="email", address="x@")
    first = recipient_add(
        letter=letter, actor=pelaksana, name="Kadis", channel="whatsapp", address="0812-3456-7890"
    )
    again = recipient_add(
        letter=letter, actor=pelaksana, name="Kadis", channel="whatsapp", address="+6281234567890"
    )
    assert first is not None and first.address == "6281234567890"
    assert again is None
    assert letter.recipients.count() == 1


def _waykanan_letter(persona: Callable[[str], Any], office: Callable[[str], Any]) -> Letter:
    """A Way Kanan letter initialled by the Kabid Pendaftaran Penduduk, signed by the Kadis."""
    from alur.org.models import Position

    waykanan = office("18.08")
    return letter_create(
        office=waykanan,
        actor=persona("waykanan.operator"),
        data=letter_input(),
        signer=position(waykanan, "kadis"),
        paraf=[Position.objects.get(office=waykanan, title=KABID_DAFDUK)],
    )


def test_paraf_slot_only_by_named_position(
    persona: Callable[[str], Any], office: Callable[[str], Any]
) -> None:
    """The Plt. Kabid Pencatatan Sipil holds a Kabid post, but not the one the slot names."""
    letter = _waykanan_letter(persona, office)
    letter_submit(letter=letter, actor=persona("waykanan.operator"))
    with pytest.raises(DomainError, match=KABID_DAFDUK):
        letter_paraf(letter=letter, actor=persona("waykanan.kasi.capil"))
    assert parafs(letter) == []
    letter = letter_paraf(letter=letter, actor=persona("waykanan.kabid.dafduk"))
    assert [p.name for p in parafs(letter)] == [persona("waykanan.kabid.dafduk").get_full_name()]


def test_cancel_only_by_drafter_signer_or_head_of_administration(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    letter = draft()
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    letter_paraf(letter=letter, actor=persona("babel.kabid"))
    letter_paraf(letter=letter, actor=persona("babel.sekretaris"))  # waiting for the signature
    for outsider in ("babel.kasi", "babel.kasubag", "babel.kabid"):
        with pytest.raises(DomainError, match="penyusunnya, pejabat penanda tangannya"):
            letter_cancel(letter=letter, actor=persona(outsider), reason="Tidak perlu")
        letter.refresh_from_db()
        assert letter.status == LetterStatus.REVIEW
    assert not AuditEvent.objects.filter(action="letter.cancel").exists()

    for who in ("babel.pelaksana", "babel.kadis", "babel.sekretaris"):
        other = draft()
        with pytest.raises(DomainError, match="alasan"):
            letter_cancel(letter=other, actor=persona(who), reason="  ")
        letter_cancel(letter=other, actor=persona(who), reason="Dobel dengan naskah lain")
        other.refresh_from_db()
        assert other.status == LetterStatus.CANCELLED
        event = AuditEvent.objects.filter(action="letter.cancel", object_id=str(other.pk)).get()
        assert event.reason == "Dobel dengan naskah lain"


def test_recipient_of_signed_letter_only_by_drafter_or_signer(
    draft: Callable[..., Letter], persona: Callable[[str], Any], tte: Callable[..., Any]
) -> None:
    from alur.letters.issuing import letter_sign
    from alur.letters.tests.conftest import TTE_PASSPHRASE

    letter = draft()
    letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    letter_paraf(letter=letter, actor=persona("babel.kabid"))
    letter_paraf(letter=letter, actor=persona("babel.sekretaris"))
    kadis = persona("babel.kadis")
    tte(kadis)
    letter = letter_sign(
        letter=letter, actor=kadis, passphrase=TTE_PASSPHRASE, base_url="https://a.example/"
    )
    for outsider in ("babel.kasi", "babel.kasubag", "babel.sekretaris"):
        with pytest.raises(DomainError, match="penyusun atau penanda tangannya"):
            recipient_add(
                letter=letter,
                actor=persona(outsider),
                name="Orang lain",
                channel="whatsapp",
                address="081299990000",
            )
    assert letter.recipients.count() == 0
    for who, number in (("babel.pelaksana", "081211112222"), ("babel.kadis", "081233334444")):
        recipient_add(
            letter=letter, actor=persona(who), name="Ditjen", channel="whatsapp", address=number
        )
    assert letter.recipients.count() == 2
    assert AuditEvent.objects.filter(action="letter.recipient_add").count() == 2
