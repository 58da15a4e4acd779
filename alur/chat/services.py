"""Writes of the staff inbox: a thread opened for a citizen, their messages kept, a staff reply
queued through the outbox, a thread assigned and closed. Each change and its audit event in one
transaction; the replies are outbox rows written in the same transaction.

The channel that carries the citizen (`alur.whatsapp.handoff`) calls `thread_open`,
`citizen_message` and `thread_close(by_citizen=True)`; the inbox's pages call the rest.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from alur.audit.services import record
from alur.chat.models import ChatMessage, Thread
from alur.chat.selectors import colleagues, inbox_office_ids
from alur.core.errors import ConflictError, DomainError
from alur.org.access import DENIED_MESSAGE
from alur.org.models import User
from alur.outbox.content import WhatsAppContent, whatsapp_template, whatsapp_text
from alur.outbox.services import whatsapp_enqueue
from alur.whatsapp_cloud.models import BusinessNumber

REPLY_LIMIT = 1000  # the longest staff reply (it must also fit a template parameter)
WINDOW = timedelta(hours=24)  # WhatsApp's customer service window


def _require(actor: User, thread: Thread) -> None:
    if thread.office_id not in inbox_office_ids(actor):
        raise PermissionDenied(DENIED_MESSAGE)


def _locked(thread: Thread) -> Thread:
    return (
        Thread.objects.select_for_update(of=("self",))
        .select_related("number", "office", "last_inbound")
        .get(pk=thread.pk)
    )


def _note(thread: Thread, text: str, actor: User | None = None) -> None:
    ChatMessage.objects.create(
        thread=thread,
        direction=ChatMessage.Direction.SYSTEM,
        text=text,
        author=actor,
        created_at=timezone.now(),
    )


def open_thread(number: BusinessNumber, citizen: str) -> Thread | None:
    return Thread.objects.filter(number=number, citizen=citizen, status=Thread.Status.OPEN).first()


def thread_open(
    *, number: BusinessNumber, citizen: str, reason: str, inbound: Any = None
) -> Thread:
    """Open the citizen's thread with the number's office (or return the open one)."""
    with transaction.atomic():
        existing = open_thread(number, citizen)
        if existing is not None:
            return existing
        now = timezone.now()
        thread = Thread.objects.create(
            office=number.office,
            number=number,
            citizen=citizen,
            reason=reason,
            opened_at=now,
            last_citizen_at=now,
            last_inbound=inbound,
        )
        _note(thread, f"Percakapan dibuka: {thread.get_reason_display()}.")
        record(
            actor=None,
            office=number.office,
            action="chat.open",
            obj=thread,
            after={"reason": reason, "number": number.display_number},
        )
    return thread


def citizen_message(
    *,
    thread: Thread,
    inbound: Any,  # the channel's inbound message (whatsapp.InboundMessage)
    text: str,
    file: tuple[bytes, str, str] | None = None,
    problem: str = "",
) -> ChatMessage:
    """Keep the citizen's message (and file: data, filename, MIME type) on the open thread."""
    now = timezone.now()
    message = ChatMessage(
        thread=thread,
        direction=ChatMessage.Direction.CITIZEN,
        text=text if not problem else f"{text}\n(berkas tidak dapat diambil: {problem})".strip(),
        inbound=inbound,
        created_at=now,
    )
    if file is not None:
        data, filename, mime_type = file
        safe = get_valid_filename(filename)[:80] or "berkas"
        message.file = default_storage.save(f"chat/{thread.pk}/{safe}", ContentFile(data))
        message.filename, message.mime_type = filename[:255], mime_type[:100]
    with transaction.atomic():
        message.save()
        Thread.objects.filter(pk=thread.pk).update(last_citizen_at=now, last_inbound=inbound)
    return message


def _content(thread: Thread, text: str, now: datetime) -> WhatsAppContent:
    """Within the 24-hour window a text (its template carries it should the window close before
    it leaves); outside it the number's approved status template with the reply on one line."""
    number = thread.number
    if now - thread.last_citizen_at <= WINDOW:
        return whatsapp_text(
            text, template=number.status_template, language=number.template_language
        )
    return whatsapp_template(number.status_template, [text], language=number.template_language)


def thread_reply(*, thread: Thread, actor: User, text: str) -> ChatMessage:
    """Queue a staff reply to the citizen; the first reply's delay is kept on the thread."""
    _require(actor, thread)
    body = (text or "").strip()
    if not body:
        raise DomainError("Tuliskan balasan untuk warga.")
    if len(body) > REPLY_LIMIT:
        raise DomainError(f"Balasan terlalu panjang (paling banyak {REPLY_LIMIT} karakter).")
    with transaction.atomic():
        current = _locked(thread)
        if not current.is_open:
            raise ConflictError("Percakapan ini sudah ditutup; balasan tidak dikirim.")
        now = timezone.now()
        message = ChatMessage.objects.create(
            thread=current,
            direction=ChatMessage.Direction.STAFF,
            text=body,
            author=actor,
            created_at=now,
        )
        content = _content(current, body, now)
        message.outbound = whatsapp_enqueue(
            office=current.office,
            sender=current.number.phone_number_id,
            recipient=current.citizen,
            content=content,
            dedupe_key=f"chat:{current.pk}:{message.pk}",
            # the citizen's own message: a reply passes their BERHENTI within 24 hours
            cause=current.last_inbound,
            actor=actor,
        )
        message.save(update_fields=["outbound"])
        fields = []
        if current.first_reply_at is None:
            current.first_reply_at = now
            current.first_reply_seconds = max(0, int((now - current.opened_at).total_seconds()))
            fields += ["first_reply_at", "first_reply_seconds"]
        if current.assigned_to_id is None:
            current.assigned_to = actor
            fields.append("assigned_to")
        if fields:
            current.save(update_fields=fields)
        record(
            actor=actor,
            office=current.office,
            action="chat.reply",
            obj=current,
            after={
                "message": message.pk,
                "kind": content.kind,
                "status": message.outbound.status,
                "first_reply_seconds": current.first_reply_seconds,
            },
        )
    return message


def thread_assign(*, thread: Thread, actor: User, assignee: User | None = None) -> Thread:
    """Give the thread to `assignee` (a colleague who serves the same office), or to `actor`."""
    _require(actor, thread)
    target = assignee or actor
    if target.pk != actor.pk and target.pk not in {u.pk for u in colleagues(thread.office)}:
        raise DomainError("Petugas itu tidak melayani warga di kantor ini.")
    with transaction.atomic():
        current = _locked(thread)
        if not current.is_open:
            raise ConflictError("Percakapan ini sudah ditutup.")
        before = {"assigned_to": current.assigned_to_id}
        current.assigned_to = target
        current.save(update_fields=["assigned_to"])
        _note(current, f"Ditangani oleh {target.get_full_name() or target.username}.", actor)
        record(
            actor=actor,
            office=current.office,
            action="chat.assign",
            obj=current,
            before=before,
            after={"assigned_to": target.pk},
        )
    return current


def thread_close(*, thread: Thread, actor: User | None, by_citizen: bool = False) -> Thread:
    """Close the thread (SELESAI). Closed by staff, the citizen is told the dialog is back."""
    if not by_citizen:
        if actor is None:
            raise PermissionDenied(DENIED_MESSAGE)
        _require(actor, thread)
    with transaction.atomic():
        current = _locked(thread)
        if not current.is_open:
            return current
        now = timezone.now()
        current.status, current.closed_at, current.closed_by = Thread.Status.CLOSED, now, actor
        current.save(update_fields=["status", "closed_at", "closed_by"])
        _note(
            current,
            "Ditutup oleh warga (SELESAI)." if by_citizen else "Ditutup oleh petugas.",
            actor,
        )
        if not by_citizen and now - current.last_citizen_at <= WINDOW:
            number = current.number
            whatsapp_enqueue(
                office=current.office,
                sender=number.phone_number_id,
                recipient=current.citizen,
                content=whatsapp_text(
                    "Percakapan dengan petugas sudah selesai. Terima kasih. "
                    "Ketik MENU untuk melihat layanan."
                ),
                dedupe_key=f"chat:{current.pk}:closed",
                cause=current.last_inbound,
                actor=actor,
            )
        record(
            actor=actor,
            office=current.office,
            action="chat.close",
            obj=current,
            after={"by": "warga" if by_citizen else "petugas"},
        )
    return current
