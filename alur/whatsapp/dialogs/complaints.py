"""The reporter's conversation on a complaints number (`BusinessNumber.Purpose.COMPLAINTS`).

name → the complaint in one message → the related application's tracking number (or LEWATI) →
a summary → "YA" files the complaint (an S2g case) and answers with its tracking number.
"STATUS" (or a complaint's tracking number) answers with its state and, once closed, the answer.
After the answer, a reply of one number is the reporter's satisfaction score (1–5), unless the
survey (SKM, `alur.survey`) was sent on WhatsApp for that complaint: it replaced the old score.
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
from alur.whatsapp.state import ComplaintForm

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Fetched, Turn

SKIP = "LEWATI"
REFERENCE = re.compile(r"\bS2G-\d{4}-\d{6}-[A-Z2-9]{6}\b")
RATING_DAYS = 30  # how long after the answer a lone number is read as the satisfaction score
NAME_LIMIT = 120


STEPS = ("name", "text", "application")
CONFIRM_BUTTONS = [("YA", "Kirim pengaduan"), ("BATAL", "Batal")]
AFTER_BUTTONS = [("STATUS", "Cek status"), ("MENU", "Pengaduan baru")]


def menu(turn: Turn) -> None:
    """Start (again): greet and ask the reporter's name."""
    turn.move(Conversation.State.FIELDS, ComplaintForm().to_json(), service_code="S2g")
    turn.ask_buttons(
        f"Selamat datang di layanan pengaduan {turn.number.office.short_name}. Kami akan mencatat "
        "pengaduan Anda. Ketik BATAL kapan saja untuk berhenti.\n\nSiapa nama Anda? "
        "(ketik nama Anda)",
        [("STATUS", "Cek pengaduan saya")],
    )


def again(turn: Turn) -> None:
    """Ask the question the conversation stands at once more."""
    if turn.conversation.state == Conversation.State.MENU:
        menu(turn)
    else:
        _ask(turn, ComplaintForm.from_json(turn.conversation.data))


def respond(turn: Turn, text: str, fetched: Fetched | None) -> None:
    upper = text.upper()
    state = turn.conversation.state
    form = ComplaintForm.from_json(turn.conversation.data)
    if upper == "STATUS" or (REFERENCE.search(upper) and form.step != "application"):
        match = REFERENCE.search(upper)
        status(turn, match.group(0) if match else None)
        return
    at_start = state == Conversation.State.MENU or form.step == "name"
    if at_start and typed_number(text, max_digits=3) is not None and _rate(turn, text):
        return  # a lone number where a name is asked: the score of the last answer
    if state == Conversation.State.MENU:
        menu(turn)
        return
    if fetched is not None:
        turn.say(
            "Mohon tuliskan dalam pesan teks. Berkas dapat ditunjukkan saat petugas menghubungi."
        )
        _ask(turn, form)
        return
    if state == Conversation.State.CONFIRM:
        confirm(turn, form, upper)
        return
    if form.step not in STEPS:
        menu(turn)
        return
    problem = _take(turn, form, form.step, text)
    if problem:
        turn.say(problem)
        _ask(turn, form)
        return
    form.sources[form.step] = turn.inbound.message_id
    _go_on(turn, form)


def _take(turn: Turn, form: ComplaintForm, step: str, text: str) -> str:
    """Take `text` as the answer of `step` into `form`; why not, or ""."""
    upper = text.upper()
    if step == "name":
        if not text or len(text) > NAME_LIMIT:
            return f"Mohon tulis nama Anda (paling banyak {NAME_LIMIT} huruf)."
        try:
            form.name = person_name(text)
        except ValidationError as error:
            return " ".join(error.messages)
    elif step == "text":
        if not text:
            return "Isi pengaduan tidak boleh kosong."
        form.text = text[:4000]
    else:
        if upper != SKIP:
            from alur.complaints.services import application_find

            try:
                application_find(turn.number.office, text)
            except DomainError as error:
                return f"{error.message}"
        form.application = "" if upper == SKIP else upper
    return ""


def _go_on(turn: Turn, form: ComplaintForm) -> None:
    """Ask the first question not answered yet, or the summary."""
    form.step = next((step for step in STEPS if step not in form.sources), "confirm")
    if form.step == "confirm":
        turn.move(Conversation.State.CONFIRM, form.to_json())
    else:
        turn.move(Conversation.State.FIELDS, form.to_json())
    _ask(turn, form)


def _applications_of(turn: Turn) -> list[tuple[str, str]]:
    """The citizen's applications at this office, newest first: (reference, subject)."""
    from alur.intake.models import Application

    return [
        (reference, subject)
        for reference, subject in Application.objects.filter(
            applicant_phone=turn.citizen, office=turn.number.office
        )
        .order_by("-created_at")
        .values_list("case__reference", "case__subject")[:8]
    ]


def _ask(turn: Turn, form: ComplaintForm) -> None:
    if form.step == "name":
        turn.say("Siapa nama Anda?")
    elif form.step == "text":
        turn.say(
            "Ceritakan permasalahan Anda dalam satu pesan: apa yang terjadi, kapan, dan di mana."
        )
    elif form.step == "application":
        question = "Apakah pengaduan ini tentang permohonan dokumen?"
        applications = _applications_of(turn)
        if applications:
            turn.ask_list(
                f"{question} Pilih permohonannya, atau Tidak ada.",
                "Pilih permohonan",
                [(reference, reference[:24], subject[:72]) for reference, subject in applications]
                + [(SKIP, "Tidak ada", "Pengaduan tidak tentang permohonan")],
            )
        else:
            turn.ask_buttons(
                f"{question} Kirim nomor permohonannya (mis. S2E-1808-260105-K7QM4X), atau "
                "pilih Tidak ada.",
                [(SKIP, "Tidak ada")],
            )
    else:
        summary(turn, form)


def summary(turn: Turn, form: ComplaintForm) -> None:
    turn.ask_buttons(
        f"Ringkasan pengaduan:\n- Nama: {form.name}\n- Pengaduan: {form.text[:500]}\n"
        f"- Permohonan terkait: {form.application or '-'}\n\nKirim pengaduan ini?",
        CONFIRM_BUTTONS,
    )


def confirm(turn: Turn, form: ComplaintForm, upper: str) -> None:
    from alur.complaints.services import complaint_submit

    if upper not in ("YA", "Y", "KIRIM"):
        turn.not_understood(upper)
        return
    try:
        complaint = complaint_submit(
            office=turn.number.office,
            channel=Channel.WHATSAPP,
            reporter_name=form.name,
            reporter_phone=turn.citizen,
            text=form.text,
            application_reference=form.application,
            whatsapp_number=turn.number,
            client_token=f"wa:{turn.inbound.message_id}"[:64],
        )
    except DomainError as error:
        turn.say(
            f"Pengaduan belum dapat dikirim: {error.message} Isi pengaduan Anda tetap tersimpan."
        )
        summary(turn, form)
        return
    case = complaint.case
    due = date_format(timezone.localtime(case.due_at), "l, j F Y H:i") if case.due_at else "-"
    turn.reset()
    turn.ask_buttons(
        f"Pengaduan Anda diterima. Nomor pengaduan: {case.reference}\nPerkiraan jawaban: {due}.",
        AFTER_BUTTONS,
    )


def revise(turn: Turn, message_id: str, new_text: str | None) -> bool:
    """Apply an edited (`new_text`) or deleted (None) answer the unsent complaint still holds."""
    state = turn.conversation.state
    if state not in (Conversation.State.FIELDS, Conversation.State.CONFIRM):
        return False
    form = ComplaintForm.from_json(turn.conversation.data)
    step = next((key for key, source in form.sources.items() if source == message_id), None)
    if step not in STEPS:
        return False
    label = {"name": "Nama", "text": "Isi pengaduan", "application": "Permohonan terkait"}[step]
    if new_text is None:
        del form.sources[step]
        setattr(form, step, "")
        turn.say(f"{label} yang Anda hapus sudah kami hapus juga.")
        _go_on(turn, form)
        return True
    current = form.step
    problem = _take(turn, form, step, new_text.strip())
    if problem:
        turn.say(f"Perubahan {label.lower()} tidak dapat kami terima: {problem}")
    else:
        turn.say(f"{label} sudah diubah sesuai pesan Anda yang disunting.")
    form.step = current
    turn.move(state, form.to_json())
    _ask(turn, form)
    return True


def _mine(turn: Turn) -> list[Complaint]:
    return list(
        Complaint.objects.filter(reporter_phone=turn.citizen, office=turn.number.office)
        .select_related("case")
        .order_by("-created_at")[:20]
    )


def status(turn: Turn, reference: str | None) -> None:
    complaints = [c for c in _mine(turn) if reference is None or c.case.reference == reference]
    if not complaints:
        turn.ask_buttons(
            "Kami tidak menemukan pengaduan dari nomor ini. Periksa nomor pengaduan Anda.",
            [("MENU", "Pengaduan baru")],
        )
        return
    if reference is None and len(complaints) > 1:
        turn.ask_list(
            "Anda mempunyai beberapa pengaduan. Pilih yang ingin Anda lihat.",
            "Pilih pengaduan",
            [
                (
                    c.case.reference,
                    c.case.reference[:24],
                    f"{c.created_at:%d-%m-%Y} · {c.get_status_display()}"[:72],
                )
                for c in complaints[:10]
            ],
        )
        return
    complaint = complaints[0]
    lines = [f"Pengaduan {complaint.case.reference}: {complaint.get_status_display()}."]
    if complaint.is_closed and complaint.answer:
        lines.append(f"Jawaban: {complaint.answer[:1500]}")
    turn.ask_buttons("\n".join(lines), [("MENU", "Pengaduan baru")])


def _rate(turn: Turn, text: str) -> bool:
    """A lone number after an answer is the satisfaction score; False when nothing awaits one.
    A complaint whose survey (SKM) was sent on WhatsApp has no 1–5 score there: the survey
    replaced it, so its typed answers are the survey's."""
    from alur.complaints.services import complaint_rate
    from alur.survey.models import Survey

    since = timezone.now() - timedelta(days=RATING_DAYS)
    surveyed = set(
        Survey.objects.filter(phone=turn.citizen)
        .exclude(whatsapp_number=None)
        .values_list("case_id", flat=True)
    )
    answered = [
        c
        for c in _mine(turn)
        if c.status == Status.ANSWERED
        and c.closed_at
        and c.closed_at >= since
        and c.case_id not in surveyed
    ]
    if not answered:
        return False
    complaint = answered[0]
    try:
        rated = complaint_rate(complaint=complaint, score=text, channel=Channel.WHATSAPP)
    except DomainError as error:
        turn.say(error.message)
        return True
    turn.say(
        f"Terima kasih atas penilaian Anda ({rated.satisfaction} dari 5) untuk pengaduan "
        f"{complaint.case.reference}."
    )
    return True
