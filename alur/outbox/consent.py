"""A citizen's consent to messages from one business number: BERHENTI/STOP and MULAI.

WhatsApp's business policy and UU 27/2022 (pelindungan data pribadi) let a citizen refuse
messages. The WhatsApp channel (`alur.whatsapp.consent`) records the citizen's word here; the
outbox honours it in `whatsapp_enqueue`: to a citizen who opted out of a number, only

- a reply to the citizen's own message (the `cause` is their inbound message to that number,
  received in the last 24 hours), and
- a notice the law requires (`required=True`: a decision on the citizen's application or
  complaint — returned, rejected, issued, answered)

are sent; anything else is kept as a `withheld` row with the reason, seen by staff on
/kotak-keluar/. The outbox is base layer: it reads the inbound message by its fields, without
importing the channel that stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from alur.audit.services import record
from alur.org.models import Office
from alur.outbox.models import WhatsAppConsent

REPLY_WINDOW = timedelta(hours=24)
INBOUND_LABEL = "whatsapp.inboundmessage"


@dataclass(frozen=True)
class ConsentChange:
    """What one BERHENTI or MULAI did: the row, and whether it changed anything."""

    consent: WhatsAppConsent
    changed: bool


def _set(
    *, office: Office, sender: str, recipient: str, opted_out: bool, source_message_id: str
) -> ConsentChange:
    now = timezone.now()
    with transaction.atomic():
        consent = (
            WhatsAppConsent.objects.select_for_update()
            .filter(sender=sender, recipient=recipient)
            .first()
        )
        if consent is None:
            if not opted_out:
                # MULAI from a citizen who never opted out: nothing to record.
                return ConsentChange(
                    WhatsAppConsent(
                        office=office, sender=sender, recipient=recipient, changed_at=now
                    ),
                    False,
                )
            consent = WhatsAppConsent(office=office, sender=sender, recipient=recipient)
        elif consent.opted_out == opted_out:
            return ConsentChange(consent, False)
        before = {"opted_out": consent.opted_out} if consent.pk else None
        consent.opted_out = opted_out
        consent.opted_out_at = now if opted_out else None
        consent.changed_at = now
        consent.source_message_id = source_message_id[:128]
        consent.save()
        record(
            actor=None,
            office=office,
            action="outbox.consent.opt_out" if opted_out else "outbox.consent.opt_in",
            obj=consent,
            before=before,
            after={"opted_out": opted_out, "sender": sender, "recipient": _masked(recipient)},
        )
    return ConsentChange(consent, True)


def opt_out(
    *, office: Office, sender: str, recipient: str, source_message_id: str = ""
) -> ConsentChange:
    """The citizen said BERHENTI/STOP to the number `sender` (a phone_number_id)."""
    return _set(
        office=office,
        sender=sender,
        recipient=recipient,
        opted_out=True,
        source_message_id=source_message_id,
    )


def opt_in(
    *, office: Office, sender: str, recipient: str, source_message_id: str = ""
) -> ConsentChange:
    """The citizen said MULAI to the number `sender`: messages go out again."""
    return _set(
        office=office,
        sender=sender,
        recipient=recipient,
        opted_out=False,
        source_message_id=source_message_id,
    )


def opted_out_since(sender: str, recipient: str) -> datetime | None:
    """When the citizen opted out of the number, or None when messages may go out."""
    return (
        WhatsAppConsent.objects.filter(sender=sender, recipient=recipient, opted_out=True)
        .values_list("opted_out_at", flat=True)
        .first()
    )


def opted_out_of_any(senders: list[str], recipient: str) -> datetime | None:
    """The earliest opt-out of `recipient` from any of `senders` (for the staff pages)."""
    times = WhatsAppConsent.objects.filter(
        sender__in=senders, recipient=recipient, opted_out=True
    ).values_list("opted_out_at", flat=True)
    known = [t for t in times if t is not None]
    return min(known) if known else None


def is_reply(cause: Model | None, sender: str, recipient: str, now: datetime) -> bool:
    """Is `cause` the citizen's own message to this number, received within 24 hours?"""
    if cause is None or cause._meta.label_lower != INBOUND_LABEL:
        return False
    received = getattr(cause, "received_at", None)
    return (
        getattr(cause, "sender", None) == recipient
        and getattr(cause, "phone_number_id", None) == sender
        and received is not None
        and now - received <= REPLY_WINDOW
    )


def withheld_reason(
    *, sender: str, recipient: str, cause: Model | None, required: bool, now: datetime
) -> str:
    """Why a WhatsApp message must not go out, or "" when it may."""
    if required:
        return ""
    since = opted_out_since(sender, recipient)
    if since is None or is_reply(cause, sender, recipient, now):
        return ""
    local = timezone.localtime(since).strftime("%d-%m-%Y %H:%M")
    return f"Warga ini menolak pesan dari nomor ini (BERHENTI) sejak {local}; pesan tidak dikirim."


def _masked(recipient: str) -> str:
    return f"{recipient[:4]}****{recipient[-4:]}" if len(recipient) > 8 else recipient
