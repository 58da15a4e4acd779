"""Demo conversations for `make run`: one citizen waiting for a person on Way Kanan's akta
kelahiran number, and one answered and closed (so the inbox shows a median first reply)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alur.chat.models import ChatMessage, Thread
from alur.org.models import User
from alur.whatsapp_cloud.models import BusinessNumber

AKTA_LAHIR = "108117961700"
WAITING = "6281277700011"
ANSWERED = "6281277700012"
CITIZEN, SYSTEM = ChatMessage.Direction.CITIZEN, ChatMessage.Direction.SYSTEM


def load_threads() -> int:
    """Create the demo threads once (idempotent); the number created."""
    number = BusinessNumber.objects.filter(phone_number_id=AKTA_LAHIR).first()
    if number is None:
        return 0
    created = 0
    now = timezone.now()
    staff = User.objects.filter(username="waykanan.petugas.capil").first()
    with transaction.atomic():
        if not Thread.objects.filter(number=number, citizen=WAITING).exists():
            opened = now - timedelta(minutes=12)
            thread = Thread.objects.create(
                office=number.office,
                number=number,
                citizen=WAITING,
                reason=Thread.Reason.ASKED,
                opened_at=opened,
                last_citizen_at=now - timedelta(minutes=9),
            )
            _messages(
                thread,
                [
                    (ChatMessage.Direction.CITIZEN, "BICARA DENGAN PETUGAS", opened),
                    (
                        ChatMessage.Direction.SYSTEM,
                        "Percakapan dibuka: Warga meminta petugas.",
                        opened,
                    ),
                    (
                        ChatMessage.Direction.CITIZEN,
                        "Selamat siang. Anak saya lahir di rumah dibantu dukun bayi, jadi tidak "
                        "ada surat keterangan lahir dari bidan. Apa penggantinya?",
                        now - timedelta(minutes=9),
                    ),
                ],
            )
            created += 1
        if staff is not None and not Thread.objects.filter(number=number, citizen=ANSWERED):
            opened = now - timedelta(days=2, hours=3)
            thread = Thread.objects.create(
                office=number.office,
                number=number,
                citizen=ANSWERED,
                reason=Thread.Reason.NOT_UNDERSTOOD,
                opened_at=opened,
                last_citizen_at=opened + timedelta(minutes=20),
                assigned_to=staff,
                first_reply_at=opened + timedelta(minutes=7),
                first_reply_seconds=7 * 60,
                status=Thread.Status.CLOSED,
                closed_at=opened + timedelta(minutes=25),
                closed_by=staff,
            )
            _messages(
                thread,
                [
                    (ChatMessage.Direction.CITIZEN, "akta gmn ya", opened),
                    (ChatMessage.Direction.CITIZEN, "??", opened),
                    (
                        ChatMessage.Direction.STAFF,
                        "Selamat pagi, Bapak/Ibu. Untuk akta kelahiran, ketik MENU lalu pilih "
                        "Akta kelahiran; siapkan surat keterangan lahir, buku nikah dan KK.",
                        opened + timedelta(minutes=7),
                    ),
                    (CITIZEN, "Baik, terima kasih", opened + timedelta(minutes=20)),
                    (SYSTEM, "Ditutup oleh petugas.", opened + timedelta(minutes=25)),
                ],
                author=staff,
            )
            created += 1
    return created


def _messages(
    thread: Thread,
    rows: list[tuple[str, str, datetime]],
    author: User | None = None,
) -> None:
    ChatMessage.objects.bulk_create(
        ChatMessage(
            thread=thread,
            direction=direction,
            text=text,
            created_at=at,
            author=author if direction == ChatMessage.Direction.STAFF else None,
        )
        for direction, text, at in rows
    )
