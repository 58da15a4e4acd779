"""The reporter's conversation on a complaints number (`BusinessNumber.Purpose.COMPLAINTS`).

name → the complaint in one message → the related application's tracking number (or LEWATI) →
a summary → "YA" files the complaint (an S2g case) and answers with its tracking number.
"STATUS" (or a complaint's tracking number) answers with its state and, once closed, the answer.
After the answer, a reply of one number is the reporter's satisfaction score (1–5).
The complaint is filed, found and rated by `alur.complaints.services`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from alur.complaints.choices import Channel, Status
from alur.complaints.models import Complaint
from alur.core.errors import DomainError
from alur.core.validators import person_name, typed_number
from alur.whatsapp.models import Conversation

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Dialog, Fetched

SKIP = "LEWATI"
REFERENCE = re.compile(r"\bS2G-\d{4}-\d{6}-[A-Z2-9]{6}\b")
RATING_DAYS = 30  # how long after the answer a lone number is read as the satisfaction score
NAME_LIMIT = 120


def menu(d: Dialog) -> None:
    """Start (again): greet and ask the reporter's name."""
    d.c.state, d.c.service_code = Conversation.State.FIELDS, "S2g"
    d.c.data = {"step": "name"}
    d.say(
        f"Selamat datang di layanan pengaduan {d.number.office.short_name}. Kami akan mencatat "
        "pengaduan Anda. Ketik BATAL kapan saja untuk berhenti, atau STATUS untuk melihat "
        "pengaduan Anda.\n\nSiapa nama Anda?"
    )


def respond(d: Dialog, text: str, fetched: Fetched | None) -> None:
    upper = text.upper()
    if upper == "STATUS" or (REFERENCE.search(upper) and d.c.data.get("step") != "application"):
        match = REFERENCE.search(upper)
        status(d, match.group(0) if match else None)
        return
    at_start = d.c.state == Conversation.State.MENU or d.c.data.get("step") == "name"
    if at_start and typed_number(text, max_digits=3) is not None and _rate(d, text):
        return  # a lone number where a name is asked: the score of the last answer
    if d.c.state == Conversation.State.MENU:
        menu(d)
        return
    if fetched is not None:
        d.say("Mohon tuliskan dalam pesan teks. Berkas dapat ditunjukkan saat petugas menghubungi.")
        _ask(d)
        return
    if d.c.state == Conversation.State.CONFIRM:
        confirm(d, upper)
        return
    step = d.c.data.get("step")
    if step == "name":
        if not text or len(text) > NAME_LIMIT:
            d.say(f"Mohon tulis nama Anda (paling banyak {NAME_LIMIT} huruf).")
            return
        try:
            name = person_name(text)
        except ValidationError as error:
            d.say(" ".join(error.messages))
            return
        d.c.data.update(step="text", name=name)
    elif step == "text":
        if not text:
            d.say("Isi pengaduan tidak boleh kosong.")
            _ask(d)
            return
        d.c.data.update(step="application", text=text[:4000])
    elif step == "application":
        if upper != SKIP:
            from alur.complaints.services import application_find

            try:
                application_find(d.number.office, text)
            except DomainError as error:
                d.say(f"{error.message} Ketik {SKIP} bila tidak ada.")
                return
        d.c.data.update(step="confirm", application="" if upper == SKIP else upper)
        d.c.state = Conversation.State.CONFIRM
        summary(d)
        return
    else:
        menu(d)
        return
    _ask(d)


def _ask(d: Dialog) -> None:
    step = d.c.data.get("step")
    if step == "name":
        d.say("Siapa nama Anda?")
    elif step == "text":
        d.say("Ceritakan permasalahan Anda dalam satu pesan: apa yang terjadi, kapan, dan di mana.")
    elif step == "application":
        d.say(
            "Apakah pengaduan ini tentang permohonan dokumen? Kirim nomor permohonannya "
            f"(mis. S2E-1808-260105-K7QM4X), atau ketik {SKIP}."
        )
    else:
        summary(d)


def summary(d: Dialog) -> None:
    data = d.c.data
    d.say(
        f"Ringkasan pengaduan:\n- Nama: {data['name']}\n- Pengaduan: {data['text'][:500]}\n"
        f"- Permohonan terkait: {data.get('application') or '-'}\n\n"
        "Balas YA untuk mengirim pengaduan, atau BATAL untuk membatalkan."
    )


def confirm(d: Dialog, upper: str) -> None:
    from alur.complaints.services import complaint_submit

    if upper not in ("YA", "Y", "KIRIM"):
        d.say("Balas YA untuk mengirim pengaduan, atau BATAL untuk membatalkan.")
        return
    data = d.c.data
    try:
        complaint = complaint_submit(
            office=d.number.office,
            channel=Channel.WHATSAPP,
            reporter_name=data["name"],
            reporter_phone=d.c.citizen,
            text=data["text"],
            application_reference=data.get("application", ""),
            whatsapp_number=d.number,
            client_token=f"wa:{d.inbound.message_id}"[:64],
        )
    except DomainError as error:
        d.say(f"Pengaduan belum dapat dikirim: {error.message} Ketik MENU untuk mulai lagi.")
        d.reset()
        return
    case = complaint.case
    due = date_format(timezone.localtime(case.due_at), "l, j F Y H:i") if case.due_at else "-"
    d.say(
        f"Pengaduan Anda diterima. Nomor pengaduan: {case.reference}\n"
        f"Perkiraan jawaban: {due}.\nKirim STATUS kapan saja untuk melihat perkembangannya."
    )
    d.reset()


def _mine(d: Dialog) -> list[Complaint]:
    return list(
        Complaint.objects.filter(reporter_phone=d.c.citizen, office=d.number.office)
        .select_related("case")
        .order_by("-created_at")[:20]
    )


def status(d: Dialog, reference: str | None) -> None:
    complaints = [c for c in _mine(d) if reference is None or c.case.reference == reference]
    if not complaints:
        d.say("Kami tidak menemukan pengaduan dari nomor ini. Periksa nomor pengaduan Anda.")
        return
    complaint = complaints[0]
    lines = [f"Pengaduan {complaint.case.reference}: {complaint.get_status_display()}."]
    if complaint.is_closed and complaint.answer:
        lines.append(f"Jawaban: {complaint.answer[:1500]}")
    d.say("\n".join(lines))


def _rate(d: Dialog, text: str) -> bool:
    """A lone number after an answer is the satisfaction score; False when nothing awaits one."""
    from alur.complaints.services import complaint_rate

    since = timezone.now() - timedelta(days=RATING_DAYS)
    answered = [
        c for c in _mine(d) if c.status == Status.ANSWERED and c.closed_at and c.closed_at >= since
    ]
    if not answered:
        return False
    complaint = answered[0]
    try:
        rated = complaint_rate(complaint=complaint, score=text, channel=Channel.WHATSAPP)
    except DomainError as error:
        d.say(error.message)
        return True
    d.say(
        f"Terima kasih atas penilaian Anda ({rated.satisfaction} dari 5) untuk pengaduan "
        f"{complaint.case.reference}."
    )
    return True
