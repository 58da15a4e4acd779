"""The citizen's conversation on an applications number: the menu, the questions, the documents,
the summary; STATUS or a tracking number answers with the application's current step.

Every choice is a tap: the services menu and the citizen's applications are list messages, the
choices (LEWATI for an optional file, SAMA for the phone, YA/BATAL at the summary, SELESAI of
the papers sent later) reply buttons. A reply's id is the word the citizen could type, so the
typed word (or the option's number) is read the same. Only data (NIK, names, dates) and files
are typed or sent.

A file is checked against its requirement when it arrives (type and size the requirement
takes): refused at once with the reason, and the same file asked again. If the application
cannot be made at YA, the answers and files stay: what was refused is asked again, the rest
is kept. The form remembers which message gave each answer and file (`ApplicationForm.sources`),
so an edited message changes its answer and a deleted one removes it and asks again (`revise`).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from alur.core.errors import DomainError
from alur.core.validators import person_name, to_ascii_digits, typed_number
from alur.core.web import error_text
from alur.intake.catalogue import (
    APPLICANT_FIELDS,
    Field,
    FieldKind,
    Kind,
    Requirement,
    Service,
    service,
)
from alur.whatsapp import uploads
from alur.whatsapp.models import Conversation
from alur.whatsapp.state import ApplicationForm, Resubmission, StagedUpload, file_source

if TYPE_CHECKING:
    from alur.intake.models import Application
    from alur.whatsapp.conversation import Fetched, Turn

REFERENCE = re.compile(r"\bS\d+[A-Z]?-\d{4}-\d{6}-[A-Z2-9]{6}\b")
SKIP = "LEWATI"
SAME = "SAMA"
YES = ("YA", "Y", "KIRIM")
DONE = "SELESAI"
RESEND = "KIRIM"
DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
# The services' rows of the menu carry their number; these rows their word.
STATUS_ROW = ("STATUS", "Cek status permohonan", "Lihat perkembangan permohonan Anda")
RESEND_ROW = (RESEND, "Kirim berkas susulan", "Lengkapi berkas permohonan yang dikembalikan")
# The office's staff (`alur.whatsapp.handoff` reads the id as the citizen asking for a person).
STAFF = "PETUGAS"
STAFF_ROW = (STAFF, "Bicara dengan petugas", "Tanyakan langsung kepada petugas kantor")
# A number with one service: its menu is three buttons; "1" (or the words) starts the form.
START = "1"
START_WORDS = ("MULAI PERMOHONAN", "PERMOHONAN BARU", "AJUKAN PERMOHONAN")
IDLE_BUTTONS = [(START, "Mulai permohonan"), ("STATUS", "Cek status"), (STAFF, "Petugas")]
# A greeting at the menu is answered with the menu (never taken as an answer).
GREETINGS = frozenset(
    {
        "HALO",
        "HALLO",
        "HALOO",
        "HAI",
        "HI",
        "HELLO",
        "HEI",
        "P",
        "PING",
        "TES",
        "TEST",
        "PERMISI",
        "PAGI",
        "SIANG",
        "SORE",
        "MALAM",
        "SELAMAT",
        "ASSALAMUALAIKUM",
        "ASSALAMU'ALAIKUM",
        "SALAM",
        "MISI",
    }
)
STEP_LIMIT = 160
CONFIRM_BUTTONS = [("YA", "Kirim permohonan"), ("BATAL", "Batal")]
AFTER_BUTTONS = [("STATUS", "Cek status"), ("MENU", "Menu layanan")]
APPLICANT_ERRORS = {"applicant_name": "name", "applicant_nik": "nik", "applicant_phone": "phone"}


def services_of(turn: Turn) -> list[Service]:
    return [s for code in turn.number.service_codes if (s := service(code)) is not None]


def fields_of(svc: Service) -> tuple[Field, ...]:
    return APPLICANT_FIELDS + svc.fields


def _row_title(name: str) -> str:
    return name if len(name) <= 24 else name[:23] + "…"


def menu(turn: Turn) -> None:
    offered = services_of(turn)
    office = turn.number.office.short_name
    if not offered:
        turn.ask_buttons(
            f"Selamat datang di {office}. Nomor ini belum melayani permohonan dokumen lewat "
            "percakapan. Silakan datang ke loket pelayanan, atau lihat perkembangan permohonan "
            "Anda.",
            [("STATUS", "Cek status")],
        )
        return
    waiting = _waiting_application(turn) is not None
    if len(offered) == 1 and not waiting:
        turn.ask_buttons(
            f"Selamat datang di layanan WhatsApp {office}: permohonan {offered[0].name}. "
            "Pilih «Mulai permohonan» untuk mengajukan, «Cek status» untuk melihat permohonan "
            "Anda, atau «Petugas» untuk bicara dengan petugas.",
            IDLE_BUTTONS,
        )
        return
    rows = [(str(i), _row_title(s.name), s.name[:72]) for i, s in enumerate(offered, start=1)]
    rows.append(STATUS_ROW)
    if waiting:
        rows.append(RESEND_ROW)
    rows.append(STAFF_ROW)
    turn.ask_list(
        f"Selamat datang di layanan WhatsApp {office}. Pilih layanan yang Anda perlukan.",
        "Pilih layanan",
        rows,
        section="Layanan",
    )


def start(turn: Turn, svc: Service) -> None:
    form = ApplicationForm()
    turn.move(Conversation.State.FIELDS, form.to_json(), service_code=svc.code)
    needed = "\n".join(
        f"- {r.label}{'' if r.required else ' (jika ada)'}" for r in svc.requirements
    )
    turn.say(
        f"Permohonan {svc.name}. Siapkan foto atau PDF yang jelas dari:\n{needed}\n\n"
        "Pertama, kami perlu beberapa data. Ketik BATAL kapan saja untuk berhenti."
    )
    ask_field(turn, svc, form)


def ask_field(turn: Turn, svc: Service, form: ApplicationForm) -> None:
    field = fields_of(svc)[form.index]
    if field.kind == FieldKind.PHONE:
        turn.ask_buttons(
            f"{field.label}? Ketik nomornya, atau pakai nomor WhatsApp ini.",
            [(SAME, "Pakai nomor ini")],
        )
        return
    hint = {
        FieldKind.NIK: " (16 angka)",
        FieldKind.KK: " (16 angka)",
        FieldKind.DATE: " (format HH-BB-TTTT, mis. 05-03-2026)",
    }.get(field.kind, "")
    turn.say(f"{field.label}{hint}?")


def _accepts(requirement: Requirement) -> str:
    if requirement.kinds == (Kind.IMAGE,):
        return "foto (JPG/PNG)"
    if requirement.kinds == (Kind.PDF,):
        return "dokumen PDF"
    return "foto atau PDF"


def _next_requirement(svc: Service, form: ApplicationForm) -> Requirement | None:
    return next((r for r in svc.requirements if r.key not in form.files), None)


def ask_file(turn: Turn, svc: Service, form: ApplicationForm) -> None:
    requirement = _next_requirement(svc, form)
    if requirement is None:
        ask_confirm(turn, svc, form)
        return
    hint = f"\n{requirement.hint}" if requirement.hint else ""
    question = f"Kirim {_accepts(requirement)}: {requirement.label}.{hint}"
    if requirement.required:
        turn.say(question)
    else:
        turn.ask_buttons(f"{question}\nBila tidak ada, pilih Lewati.", [(SKIP, "Lewati")])


def shown(field: Field, value: str) -> str:
    """An answer as the citizen typed it: a date (stored as YYYY-MM-DD) as DD-MM-YYYY."""
    if field.kind == FieldKind.DATE:
        try:
            return date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return value


def ask_confirm(turn: Turn, svc: Service, form: ApplicationForm) -> None:
    summary = "\n".join(
        f"- {f.label}: {shown(f, form.fields[f.key]) if f.key in form.fields else '-'}"
        for f in fields_of(svc)
    )
    received = sum(1 for file in form.files.values() if file)
    turn.ask_buttons(
        f"Ringkasan permohonan {svc.name}:\n{summary}\n- Berkas diterima: {received}\n\n"
        "Kirim permohonan ini?",
        CONFIRM_BUTTONS,
    )


def again(turn: Turn) -> None:
    """Ask the question the conversation stands at once more (the menu at the menu)."""
    conversation = turn.conversation
    svc = service(conversation.service_code) if conversation.service_code else None
    if conversation.state == Conversation.State.RESUBMIT:
        _ask_resubmit(turn, Resubmission.from_json(conversation.data))
        return
    if conversation.state == Conversation.State.MENU or svc is None:
        menu(turn)
        return
    form = ApplicationForm.from_json(conversation.data)
    if conversation.state == Conversation.State.FIELDS:
        ask_field(turn, svc, form)
    elif conversation.state == Conversation.State.FILES:
        ask_file(turn, svc, form)
    else:
        ask_confirm(turn, svc, form)


def respond(turn: Turn, text: str, fetched: Fetched | None) -> None:
    upper = text.upper()
    if fetched is None and (upper == "STATUS" or REFERENCE.search(upper)):
        match = REFERENCE.search(upper)
        status(turn, match.group(0) if match else None)
    else:
        advance(turn, text, fetched)


def advance(turn: Turn, text: str, fetched: Fetched | None) -> None:
    conversation = turn.conversation
    svc = service(conversation.service_code) if conversation.service_code else None
    if conversation.state == Conversation.State.RESUBMIT:
        resubmit(turn, Resubmission.from_json(conversation.data), text, fetched)
    elif conversation.state == Conversation.State.MENU and text.upper() == RESEND:
        start_resubmit(turn)
    elif conversation.state == Conversation.State.MENU or svc is None:
        choose(turn, text, fetched)
    else:
        form = ApplicationForm.from_json(conversation.data)
        if conversation.state == Conversation.State.FIELDS:
            answer_field(turn, svc, form, text, fetched)
        elif conversation.state == Conversation.State.FILES:
            receive_file(turn, svc, form, text, fetched)
        else:
            confirm(turn, svc, form, text)


def _greeting(text: str) -> bool:
    words = re.sub(r"[^\w' ]", " ", text.upper()).split()
    return bool(words) and words[0] in GREETINGS


def choose(turn: Turn, text: str, fetched: Fetched | None = None) -> None:
    offered = services_of(turn)
    choice = typed_number(text)
    words = " ".join(text.upper().split())
    if fetched is None and choice is not None and 1 <= choice <= len(offered):
        start(turn, offered[choice - 1])
    elif fetched is None and len(offered) == 1 and words in START_WORDS:
        start(turn, offered[0])
    elif turn.first and len(offered) == 1 and _waiting_application(turn) is None:
        # The first message on a number with one service: its form starts at once (the
        # message itself, a greeting, is not taken as an answer). Later, at the menu, the
        # form starts only when the citizen asks for it.
        start(turn, offered[0])
    elif turn.first or (fetched is None and (not text or _greeting(text))):
        menu(turn)  # a greeting: the menu is the answer
    else:
        turn.not_understood(text)


def _value(field: Field, text: str, citizen: str) -> tuple[str | None, str]:
    """The answer as stored, or None and why it cannot be taken."""
    if not text:
        return None, f"Mohon isi {field.label}."
    if field.kind in (FieldKind.NIK, FieldKind.KK):
        from alur.intake.nik import check_kk, check_nik

        digits = re.sub(r"\D", "", to_ascii_digits(text))
        check = check_nik(digits) if field.kind == FieldKind.NIK else check_kk(digits)
        return (None, " ".join(check.errors)) if check.errors else (digits, "")
    if field.kind == FieldKind.DATE:
        match = DATE.match(text)
        try:
            day = date(int(match[3]), int(match[2]), int(match[1])) if match else None
        except ValueError:
            day = None
        if day is None:
            return None, "Tanggal tidak terbaca. Tulis seperti 05-03-2026."
        if day > timezone.localdate():
            return None, "Tanggal tidak boleh di masa depan."
        return day.isoformat(), ""
    if field.kind == FieldKind.PHONE:
        from alur.outbox.validation import normalize_whatsapp_number

        try:
            return normalize_whatsapp_number(citizen if text.upper() == SAME else text), ""
        except ValidationError as error:
            return None, error_text(error)
    if len(text) > 120:
        return None, f"{field.label} terlalu panjang (paling banyak 120 huruf)."
    if field.kind == FieldKind.NAME:
        try:
            return person_name(text), ""
        except ValidationError as error:
            return None, error_text(error)
    return text, ""


def _next_field(svc: Service, form: ApplicationForm) -> int:
    """The first field not answered yet (len(fields) when all are)."""
    fields = fields_of(svc)
    return next((i for i, f in enumerate(fields) if f.key not in form.fields), len(fields))


def _go_on(turn: Turn, svc: Service, form: ApplicationForm) -> None:
    """Ask what the form still lacks: a field, a file, or the confirmation."""
    form.index = _next_field(svc, form)
    if form.index < len(fields_of(svc)):
        turn.move(Conversation.State.FIELDS, form.to_json())
        ask_field(turn, svc, form)
    elif _next_requirement(svc, form) is not None:
        turn.move(Conversation.State.FILES, form.to_json())
        ask_file(turn, svc, form)
    else:
        turn.move(Conversation.State.CONFIRM, form.to_json())
        ask_confirm(turn, svc, form)


def answer_field(
    turn: Turn, svc: Service, form: ApplicationForm, text: str, fetched: Fetched | None
) -> None:
    field = fields_of(svc)[form.index]
    if fetched is not None:
        turn.say("Berkas akan diminta setelah data terisi.")
        ask_field(turn, svc, form)
        return
    value, problem = _value(field, text, turn.citizen)
    if value is None:
        turn.say(problem)
        ask_field(turn, svc, form)
        return
    form.fields[field.key] = value
    form.sources[field.key] = turn.inbound.message_id
    _go_on(turn, svc, form)


def check_file(requirement: Requirement, fetched: Fetched) -> tuple[object | None, str]:
    """The file checked against `requirement` as it arrives: (checked file, "") or (None, why)."""
    from alur.core.uploads import FileRejected
    from alur.intake.validation import check_requirement_file

    if fetched.data is None:
        return None, f"Berkas tidak dapat kami ambil: {fetched.problem}."
    try:
        checked = check_requirement_file(
            requirement, fetched.data, declared_mime=fetched.mime_type, filename=fetched.filename
        )
    except FileRejected as rejected:
        return None, f"Berkas tidak dapat kami terima untuk {requirement.label}: {rejected.reason}"
    return checked, ""


def _stage(turn: Turn, requirement: Requirement, fetched: Fetched) -> StagedUpload | None:
    """The file kept for `requirement`, or None after telling the citizen why it is refused."""
    from alur.core.uploads import CheckedFile

    checked, problem = check_file(requirement, fetched)
    if not isinstance(checked, CheckedFile) or fetched.data is None:
        turn.say(f"{problem} Mohon kirim ulang.")
        return None
    staged = uploads.stage(
        turn.conversation, requirement.key, fetched.data, checked, fetched.filename
    )
    staged.media_id = turn.inbound.media_id or ""
    return staged


def receive_file(
    turn: Turn, svc: Service, form: ApplicationForm, text: str, fetched: Fetched | None
) -> None:
    requirement = _next_requirement(svc, form)
    if requirement is None:
        _go_on(turn, svc, form)
        return
    if fetched is None:
        if text.upper() == SKIP and not requirement.required:
            form.files[requirement.key] = None
            form.sources[file_source(requirement.key)] = turn.inbound.message_id
        else:
            turn.say(f"Kami menunggu {_accepts(requirement)}.")
            ask_file(turn, svc, form)
            return
    else:
        staged = _stage(turn, requirement, fetched)
        if staged is None:
            ask_file(turn, svc, form)
            return
        form.files[requirement.key] = staged
        form.sources[file_source(requirement.key)] = turn.inbound.message_id
    _go_on(turn, svc, form)


def _refused(svc: Service, form: ApplicationForm, error: ValidationError) -> list[str]:
    """Remove from `form` the answers and files the submission refused; their labels."""
    labels: list[str] = []
    by_key = {f.key: f for f in fields_of(svc)}
    for key in getattr(error, "error_dict", {}):
        field_key = APPLICANT_ERRORS.get(key, key)
        if field_key in by_key and field_key in form.fields:
            del form.fields[field_key]
            form.sources.pop(field_key, None)
            labels.append(by_key[field_key].label)
        elif key.startswith("file_") and (requirement := svc.requirement(key[5:])) is not None:
            dropped = form.files.pop(requirement.key, None)
            form.sources.pop(file_source(requirement.key), None)
            if dropped is not None:
                uploads.drop_staged({"files": {requirement.key: asdict(dropped)}})
            labels.append(requirement.label)
    return labels


def confirm(turn: Turn, svc: Service, form: ApplicationForm, text: str) -> None:
    """YA sends the application, whose attachments take the staged files over (stored once).
    If it cannot be made, nothing typed or sent is thrown away: what was refused is asked
    again, and YA tries again."""
    from alur.intake.services import application_submit

    if text.upper() not in YES:
        turn.not_understood(text)
        return
    fields = dict(form.fields)
    applicant = {k: fields.pop(k) for k in ("name", "nik", "phone")}
    files, missing = [], []
    for key, file in form.files.items():
        if file is None:
            continue
        try:
            files.append((key, uploads.read(file), file.mime, file.filename))
        except OSError:
            missing.append(key)
    for key in missing:  # a staged copy that is gone: asked again, the rest kept
        form.files.pop(key, None)
        form.sources.pop(file_source(key), None)
    if missing:
        turn.say("Sebagian berkas Anda tidak lagi tersimpan pada kami; mohon kirim ulang.")
        _go_on(turn, svc, form)
        return
    try:
        application = application_submit(
            office=turn.number.office,
            service_code=svc.code,
            channel="whatsapp",
            applicant=applicant,
            fields=fields,
            files=files,
            kept={key: file.path for key, file in form.files.items() if file is not None},
            whatsapp_number=turn.number,
            media_ids={
                key: file.media_id for key, file in form.files.items() if file and file.media_id
            },
        )
    except ValidationError as error:
        labels = _refused(svc, form, error)
        turn.say(
            f"Permohonan belum dapat dikirim: {error_text(error)} "
            + (
                f"Mohon perbaiki: {', '.join(labels)}. Data dan berkas lain tetap tersimpan."
                if labels
                else "Data dan berkas Anda tetap tersimpan; pilih Kirim untuk mencoba lagi."
            )
        )
        _go_on(turn, svc, form)
        return
    except DomainError as error:
        turn.say(
            f"Permohonan belum dapat dikirim: {error.message} Data dan berkas Anda tetap "
            "tersimpan; pilih Kirim untuk mencoba lagi, atau Batal."
        )
        ask_confirm(turn, svc, form)
        return
    case = application.case
    due = date_format(timezone.localtime(case.due_at), "l, j F Y H:i") if case.due_at else "-"
    # The staged files are the application's attachments now: back to the menu, none dropped.
    turn.move(Conversation.State.MENU, {}, service_code="")
    turn.ask_buttons(
        f"Permohonan {svc.name} diterima. Nomor permohonan Anda: {case.reference}\n"
        f"Perkiraan selesai: {due}.",
        AFTER_BUTTONS,
    )


def revise(turn: Turn, message_id: str, new_text: str | None) -> bool:
    """Apply the citizen's edited (`new_text`) or deleted (None) message where the form being
    filled in still holds its answer or file; False when it holds none."""
    conversation = turn.conversation
    svc = service(conversation.service_code) if conversation.service_code else None
    filling = (
        Conversation.State.FIELDS,
        Conversation.State.FILES,
        Conversation.State.CONFIRM,
    )
    if svc is None or conversation.state not in filling:
        return False
    form = ApplicationForm.from_json(conversation.data)
    key = form.answered_by(message_id)
    if key is None:
        return False
    by_key = {f.key: f for f in fields_of(svc)}
    if key.startswith("file:"):
        requirement = svc.requirement(key.removeprefix("file:"))
        if requirement is None:
            return False
        if new_text is not None:
            return False  # a caption edited: the file itself is unchanged
        dropped = form.files.pop(requirement.key, None)
        form.sources.pop(key, None)
        if dropped is not None:
            uploads.drop_staged({"files": {requirement.key: asdict(dropped)}})
        turn.say(f"Berkas {requirement.label} yang Anda hapus sudah kami hapus juga.")
        _go_on(turn, svc, form)
        return True
    field = by_key.get(key)
    if field is None:
        return False
    if new_text is None:
        form.fields.pop(key, None)
        form.sources.pop(key, None)
        turn.say(f"Jawaban {field.label} yang Anda hapus sudah kami hapus juga.")
        _go_on(turn, svc, form)
        return True
    value, problem = _value(field, new_text.strip(), turn.citizen)
    if value is None:
        turn.say(f"Perubahan {field.label} tidak dapat kami terima: {problem}")
        again(turn)
        return True
    before = form.fields.get(key)
    form.fields[key] = value
    turn.move(conversation.state, form.to_json())
    was = shown(field, before) if before is not None else "-"
    turn.say(f"{field.label} diubah dari «{was}» menjadi «{shown(field, value)}».")
    again(turn)
    return True


def status(turn: Turn, reference: str | None) -> None:
    from alur.intake.models import Application
    from alur.workflow.selectors import timeline

    applications = Application.objects.filter(applicant_phone=turn.citizen).select_related(
        "case", "case__office"
    )
    if reference:
        applications = applications.filter(case__reference=reference)
    mine = list(applications.order_by("-created_at")[:10])
    if not mine:
        turn.ask_buttons(
            "Kami tidak menemukan permohonan dari nomor ini. Periksa nomor permohonan Anda.",
            [("MENU", "Menu layanan")],
        )
        return
    if reference is None and len(mine) > 1:
        turn.ask_list(
            "Anda mempunyai beberapa permohonan. Pilih yang ingin Anda lihat.",
            "Pilih permohonan",
            [
                (
                    a.case.reference,
                    _row_title(a.case.reference),
                    f"{a.case.subject[:40]} · {a.case.get_status_display()}"[:72],
                )
                for a in mine
            ],
        )
        return
    application = mine[0]
    case = application.case
    current = [row for row in timeline(case) if row.task.status in ("open", "claimed", "waiting")]
    step = current[0].activity if current else "-"
    buttons = list(AFTER_BUTTONS)
    if _waiting_application(turn) == application:
        buttons = [(RESEND, "Kirim berkas susulan"), ("MENU", "Menu layanan")]
    turn.ask_buttons(
        f"Permohonan {case.reference}: {case.get_status_display()}.\n"
        f"Langkah sekarang: {_shortened(step, STEP_LIMIT)}",
        buttons,
    )


def _shortened(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word boundary with "…" when longer."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def _waiting_application(turn: Turn) -> Application | None:
    from alur.intake.models import Application
    from alur.workflow.choices import CaseStatus

    return (
        Application.objects.filter(
            applicant_phone=turn.citizen, office=turn.number.office, case__status=CaseStatus.WAITING
        )
        .select_related("case")
        .order_by("-created_at")
        .first()
    )


def start_resubmit(turn: Turn) -> None:
    application = _waiting_application(turn)
    svc = service(application.service_code) if application else None
    if application is None or svc is None:
        turn.say("Tidak ada permohonan Anda yang sedang menunggu kelengkapan berkas.")
        menu(turn)
        return
    sending = Resubmission(application_id=application.pk)
    turn.move(Conversation.State.RESUBMIT, sending.to_json(), service_code=svc.code)
    _ask_resubmit(turn, sending)


def _ask_resubmit(turn: Turn, sending: Resubmission) -> None:
    from alur.intake.models import Application

    application = Application.objects.select_related("case").get(pk=sending.application_id)
    svc = service(application.service_code)
    if svc is None:
        turn.reset()
        menu(turn)
        return
    if sending.requirement_key and (chosen := svc.requirement(sending.requirement_key)):
        turn.say(f"Silakan kirim {_accepts(chosen)}: {chosen.label}.")
        return
    rows = [
        (str(i), f"Persyaratan {i}", r.label[:72]) for i, r in enumerate(svc.requirements, start=1)
    ]
    if sending.added:
        rows.append((DONE, "Selesai", "Teruskan berkas susulan kepada petugas"))
    turn.ask_list(
        f"Kelengkapan untuk permohonan {application.case.reference}. Pilih persyaratan yang "
        "akan Anda kirim, lalu kirim berkasnya."
        + ("" if not sending.added else f" Sudah terkirim: {sending.added} berkas."),
        "Pilih persyaratan",
        rows,
    )


def resubmit(turn: Turn, sending: Resubmission, text: str, fetched: Fetched | None) -> None:
    from alur.intake.models import Application
    from alur.intake.services import attachment_add
    from alur.workflow.outside import outside_step_complete

    application = Application.objects.select_related("case").get(pk=sending.application_id)
    svc = service(application.service_code)
    if svc is None:  # the catalogue dropped the service since: start again
        turn.reset()
        menu(turn)
        return
    if fetched is None and text.upper() == DONE:
        if not sending.added:
            turn.say("Belum ada berkas yang dikirim.")
            _ask_resubmit(turn, sending)
            return
        outside_step_complete(case=application.case, note="Berkas susulan lewat WhatsApp")
        turn.reset()
        turn.ask_buttons(
            f"Terima kasih. Berkas susulan untuk {application.case.reference} sudah kami "
            "teruskan kepada petugas.",
            AFTER_BUTTONS,
        )
        return
    if fetched is None:
        choice = typed_number(text)
        if choice is not None and 1 <= choice <= len(svc.requirements):
            sending.requirement_key = svc.requirements[choice - 1].key
            turn.move(Conversation.State.RESUBMIT, sending.to_json())
            _ask_resubmit(turn, sending)
        else:
            turn.not_understood(text)
        return
    chosen = svc.requirement(sending.requirement_key) if sending.requirement_key else None
    if chosen is None:
        turn.say("Pilih dulu persyaratan untuk berkas ini.")
        _ask_resubmit(turn, sending)
        return
    checked, problem = check_file(chosen, fetched)
    if checked is None or fetched.data is None:
        turn.say(f"{problem} Mohon kirim ulang.")
        return
    try:
        attachment_add(
            application=application,
            requirement_key=chosen.key,
            data=fetched.data,
            declared_mime=fetched.mime_type,
            filename=fetched.filename,
            source_media_id=turn.inbound.media_id,
        )
    except ValidationError as error:
        turn.say(f"{error_text(error)} Mohon kirim ulang.")
        return
    sending.added += 1
    sending.requirement_key = None
    turn.move(Conversation.State.RESUBMIT, sending.to_json())
    turn.say(f"Berkas {chosen.label} diterima.")
    _ask_resubmit(turn, sending)
