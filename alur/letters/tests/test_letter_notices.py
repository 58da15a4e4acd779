"""Staff told of letters that wait for them: notices per turn of the chain, and the batched
digest (one WhatsApp template or e-mail per person per window, in office hours)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from alur.audit.models import AuditEvent
from alur.letters.chain import letter_paraf, letter_return, letter_submit
from alur.letters.models import Letter
from alur.org.models import User
from alur.outbox.models import OutboundMessage
from alur.workflow import staff_notices
from alur.workflow.digest import DIGEST_TEMPLATE, digest_send
from alur.workflow.models import Notification

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")  # Babel's zone
TUESDAY_10 = datetime(2026, 12, 8, 10, 0, tzinfo=WIB)
SUBJECTS = ("Laporan stok blanko", "Undangan rapat koordinasi", "Permohonan data agregat")


@pytest.fixture(autouse=True)
def _nothing_waiting_yet(db: None) -> None:
    """The demo's own cases and letters leave notices: each test starts from none."""
    Notification.objects.all().delete()


def _to_signing(draft: Callable[..., Letter], persona: Callable[[str], Any]) -> list[Letter]:
    """Three letters drafted, submitted, initialled by the Kabid and the Sekretaris through the
    services: each then waits for the Kadis's signature."""
    letters = []
    for subject in SUBJECTS:
        letter = draft(subject=subject)
        letter = letter_submit(letter=letter, actor=persona("babel.pelaksana"))
        letter = letter_paraf(letter=letter, actor=persona("babel.kabid"))
        letter = letter_paraf(letter=letter, actor=persona("babel.sekretaris"))
        letters.append(letter)
    return letters


def _parameter(message: OutboundMessage) -> str:
    body = next(c for c in message.payload["components"] if c["type"] == "body")
    return body["parameters"][0]["text"]


def _digests(user: User) -> list[OutboundMessage]:
    return list(
        OutboundMessage.objects.filter(object_type="org.user", object_id=str(user.pk)).order_by(
            "pk"
        )
    )


def test_each_turn_of_the_chain_tells_who_it_waits_for(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    kabid, sekretaris, kadis = (persona(f"babel.{k}") for k in ("kabid", "sekretaris", "kadis"))
    letter = letter_submit(letter=draft(subject=SUBJECTS[0]), actor=persona("babel.pelaksana"))
    first = Notification.objects.get(user=kabid)
    assert first.kind == staff_notices.LETTER_PARAF
    assert first.link == f"/naskah/{letter.pk}/" and SUBJECTS[0] in first.message
    assert not Notification.objects.filter(user__in=[sekretaris, kadis]).exists()

    letter_paraf(letter=letter, actor=kabid)
    first.refresh_from_db()
    assert first.done_at is not None  # her turn is over: the digest no longer carries it
    assert Notification.objects.get(user=sekretaris).kind == staff_notices.LETTER_PARAF

    letter_return(letter=letter, actor=sekretaris, note="Lampiran belum ada")
    back = Notification.objects.get(user=persona("babel.pelaksana"))
    assert back.kind == staff_notices.LETTER_RETURN and "Lampiran belum ada" in back.message
    assert Notification.objects.get(user=sekretaris).done_at is not None


def test_a_kadis_gets_one_message_for_three_letters_waiting_for_her_signature(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    _to_signing(draft, persona)
    kadis = persona("babel.kadis")
    assert Notification.objects.filter(user=kadis, kind=staff_notices.LETTER_SIGN).count() == 3

    assert digest_send(now=TUESDAY_10) >= 1
    (message,) = _digests(kadis)
    assert message.channel == "whatsapp" and message.kind == "template"
    assert message.payload["name"] == DIGEST_TEMPLATE
    assert message.recipient == "62" + kadis.phone[1:]
    assert message.sender == "107174210000"  # Babel's business number
    text = _parameter(message)
    assert text.startswith("3 naskah menunggu tanda tangan Anda: ")
    assert all(f"«{subject}»" in text for subject in SUBJECTS)
    assert text.endswith("/pemberitahuan/") and "\n" not in text
    assert AuditEvent.objects.filter(action="notice.digest", object_id=str(kadis.pk)).exists()
    # The Kabid's and Sekretaris's paraf notices were done before any digest: nothing for them.
    assert not _digests(persona("babel.kabid")) and not _digests(persona("babel.sekretaris"))

    # Delivered notices are not repeated, in this window or the next.
    digest_send(now=TUESDAY_10 + timedelta(minutes=5))
    digest_send(now=TUESDAY_10 + timedelta(hours=2))
    assert len(_digests(kadis)) == 1


def test_within_the_window_new_work_waits_for_the_next_digest(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    kadis = persona("babel.kadis")
    _to_signing(draft, persona)
    digest_send(now=TUESDAY_10)
    letter = draft(subject="Surat susulan")
    letter = letter_submit(letter=letter, actor=persona("babel.pelaksana"))
    letter = letter_paraf(letter=letter, actor=persona("babel.kabid"))
    letter_paraf(letter=letter, actor=persona("babel.sekretaris"))
    digest_send(now=TUESDAY_10 + timedelta(minutes=20))
    assert len(_digests(kadis)) == 1  # at most one message per 30-minute window
    digest_send(now=TUESDAY_10 + timedelta(minutes=31))
    _first, second = _digests(kadis)
    assert _parameter(second).startswith("1 naskah menunggu tanda tangan Anda: «Surat susulan»")


def test_none_outside_office_hours_the_next_morning_instead(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    kadis = persona("babel.kadis")
    _to_signing(draft, persona)
    evening = datetime(2026, 12, 8, 19, 0, tzinfo=WIB)
    digest_send(now=evening)
    digest_send(now=evening + timedelta(hours=10))  # 05:00, before the office opens
    assert _digests(kadis) == []
    digest_send(now=datetime(2026, 12, 9, 7, 35, tzinfo=WIB))
    (message,) = _digests(kadis)
    assert _parameter(message).startswith("3 naskah menunggu tanda tangan Anda")


def test_none_when_turned_off_and_e_mail_without_a_phone(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    kadis = persona("babel.kadis")
    kadis.notice_channel = User.NoticeChannel.APP
    kadis.save(update_fields=["notice_channel"])
    _to_signing(draft, persona)
    digest_send(now=TUESDAY_10)
    assert _digests(kadis) == []
    assert Notification.objects.filter(user=kadis, delivered_at__isnull=True).count() == 3

    kadis.notice_channel, kadis.phone, kadis.email = (
        User.NoticeChannel.WHATSAPP,
        "",
        "kadis@babelprov.example.go.id",
    )
    kadis.save(update_fields=["notice_channel", "phone", "email"])
    digest_send(now=TUESDAY_10 + timedelta(minutes=5))
    (message,) = _digests(kadis)
    assert message.channel == "email" and message.recipient == kadis.email
    assert "3 naskah menunggu tanda tangan Anda" in message.payload["body"]


def test_what_was_read_in_the_app_is_not_sent(
    draft: Callable[..., Letter], persona: Callable[[str], Any]
) -> None:
    kadis = persona("babel.kadis")
    _to_signing(draft, persona)
    Notification.objects.filter(user=kadis).update(read_at=TUESDAY_10)
    digest_send(now=TUESDAY_10)
    assert _digests(kadis) == []
