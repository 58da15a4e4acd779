"""The citizen's conversation on an applications number: the menu, the questions, the documents,
the summary; STATUS or a tracking number answers with the application's current step."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from alur.core.validators import person_name, to_ascii_digits, typed_number
from alur.core.web import error_text
from alur.intake.catalogue import APPLICANT_FIELDS, Field, FieldKind, Service, service
from alur.whatsapp import uploads
from alur.whatsapp.models import Conversation
from alur.whatsapp.state import ApplicationForm, Resubmission

if TYPE_CHECKING:
    from alur.intake.models import Application
    from alur.whatsapp.conversation import Fetched, Turn

REFERENCE = re.compile(r"\bS\d+[A-Z]?-\d{4}-\d{6}-[A-Z2-9]{6}\b")
SKIP = "LEWATI"
DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def services_of(turn: Turn) -> list[Service]:
    return [s for code in turn.number.service_codes if (s := service(code)) is not None]


def fields_of(svc: Service) -> tuple[Field, ...]:
    return APPLICANT_FIELDS + svc.fields


def menu(turn: Turn) -> None:
    offered = services_of(turn)
    office = turn.number.office.short_name
    if not offered:
        turn.say(
            f"Selamat datang di {office}. Nomor ini belum melayani permohonan dokumen lewat "
            "percakapan. Silakan datang ke loket pelayanan, atau kirim STATUS dan nomor "
            "permohonan untuk melihat perkembangan permohonan Anda."
        )
        return
    if len(offered) == 1:
        start(turn, offered[0])
        return
    lines = [f"{i}. {s.name}" for i, s in enumerate(offered, start=1)]
    turn.say(
        f"Selamat datang di layanan WhatsApp {office}.\nBalas dengan angka layanan:\n"
        + "\n".join(lines)
        + "\n\nKirim STATUS untuk melihat permohonan Anda."
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
    hint = {
        FieldKind.NIK: " (16 angka)",
        FieldKind.DATE: " (format HH-BB-TTTT, mis. 05-03-2026)",
        FieldKind.PHONE: " (ketik SAMA untuk memakai nomor WhatsApp ini)",
    }.get(field.kind, "")
    turn.say(f"{field.label}{hint}?")


def ask_file(turn: Turn, svc: Service, form: ApplicationForm) -> None:
    requirement = next(r for r in svc.requirements if r.key not in form.files)
    optional = "" if requirement.required else f" Ketik {SKIP} jika tidak ada."
    turn.say(f"Kirim foto atau PDF: {requirement.label}.{optional}")


def respond(turn: Turn, text: str, fetched: Fetched | None) -> None:
    upper = text.upper()
    if upper == "STATUS" or REFERENCE.search(upper):
        match = REFERENCE.search(upper)
        status(turn, match.group(0) if match else None)
    else:
        advance(turn, text, fetched)


def advance(turn: Turn, text: str, fetched: Fetched | None) -> None:
    conversation = turn.conversation
    svc = service(conversation.service_code) if conversation.service_code else None
    if conversation.state == Conversation.State.RESUBMIT:
        resubmit(turn, Resubmission.from_json(conversation.data), text, fetched)
    elif conversation.state == Conversation.State.MENU and text.upper() == "KIRIM":
        start_resubmit(turn)
    elif conversation.state == Conversation.State.MENU or svc is None:
        choose(turn, text)
    else:
        form = ApplicationForm.from_json(conversation.data)
        if conversation.state == Conversation.State.FIELDS:
            answer_field(turn, svc, form, text, fetched)
        elif conversation.state == Conversation.State.FILES:
            receive_file(turn, svc, form, text, fetched)
        else:
            confirm(turn, svc, form, text)


def choose(turn: Turn, text: str) -> None:
    offered = services_of(turn)
    choice = typed_number(text)
    if choice is not None and 1 <= choice <= len(offered):
        start(turn, offered[choice - 1])
    else:
        menu(turn)


def _value(field: Field, text: str, citizen: str) -> tuple[str | None, str]:
    """The answer as stored, or None and why it cannot be taken."""
    if not text:
        return None, f"Mohon isi {field.label}."
    if field.kind == FieldKind.NIK:
        from alur.intake.nik import check_nik

        digits = re.sub(r"\D", "", to_ascii_digits(text))
        check = check_nik(digits)
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
            return normalize_whatsapp_number(citizen if text.upper() == "SAMA" else text), ""
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
    form.index += 1
    if form.index < len(fields_of(svc)):
        turn.move(Conversation.State.FIELDS, form.to_json())
        ask_field(turn, svc, form)
    else:
        turn.move(Conversation.State.FILES, form.to_json())
        ask_file(turn, svc, form)


def receive_file(
    turn: Turn, svc: Service, form: ApplicationForm, text: str, fetched: Fetched | None
) -> None:
    from alur.core.uploads import FileRejected, check_upload

    requirement = next(r for r in svc.requirements if r.key not in form.files)
    if fetched is None:
        if text.upper() == SKIP and not requirement.required:
            form.files[requirement.key] = None
        else:
            turn.say("Kami menunggu foto atau dokumen PDF.")
            ask_file(turn, svc, form)
            return
    elif fetched.data is None:
        turn.say(f"Berkas tidak dapat kami ambil: {fetched.problem}. Mohon kirim ulang.")
        return
    else:
        try:
            checked = check_upload(
                fetched.data, declared_mime=fetched.mime_type, filename=fetched.filename
            )
        except FileRejected as rejected:
            turn.say(f"{rejected} Mohon kirim ulang {requirement.label}.")
            return
        form.files[requirement.key] = uploads.stage(
            turn.conversation, requirement.key, fetched.data, checked, fetched.filename
        )
    if any(r.key not in form.files for r in svc.requirements):
        turn.move(Conversation.State.FILES, form.to_json())
        ask_file(turn, svc, form)
        return
    turn.move(Conversation.State.CONFIRM, form.to_json())
    summary = "\n".join(f"- {f.label}: {form.fields.get(f.key, '-')}" for f in fields_of(svc))
    received = sum(1 for file in form.files.values() if file)
    turn.say(
        f"Ringkasan permohonan {svc.name}:\n{summary}\n- Berkas diterima: {received}\n\n"
        "Balas YA untuk mengirim permohonan, atau BATAL untuk membatalkan."
    )


def confirm(turn: Turn, svc: Service, form: ApplicationForm, text: str) -> None:
    """YA sends the application, whose attachments take the staged files over (stored once); a
    refusal drops them (`reset`)."""
    from alur.intake.services import application_submit

    if text.upper() not in ("YA", "Y", "KIRIM"):
        turn.say("Balas YA untuk mengirim permohonan, atau BATAL untuk membatalkan.")
        return
    fields = dict(form.fields)
    applicant = {k: fields.pop(k) for k in ("name", "nik", "phone")}
    files = [
        (key, uploads.read(file), file.mime, file.filename)
        for key, file in form.files.items()
        if file is not None
    ]
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
        )
    except ValidationError as error:
        turn.say(
            f"Permohonan belum dapat dikirim: {error_text(error)} Ketik MENU untuk mulai lagi."
        )
        turn.reset()
        return
    case = application.case
    due = date_format(timezone.localtime(case.due_at), "l, j F Y H:i") if case.due_at else "-"
    turn.say(
        f"Permohonan {svc.name} diterima. Nomor permohonan Anda: {case.reference}\n"
        f"Perkiraan selesai: {due}.\nKirim STATUS kapan saja untuk melihat perkembangannya."
    )
    # The staged files are the application's attachments now: back to the menu, none dropped.
    turn.move(Conversation.State.MENU, {}, service_code="")


def status(turn: Turn, reference: str | None) -> None:
    from alur.intake.models import Application
    from alur.workflow.selectors import timeline

    applications = Application.objects.filter(applicant_phone=turn.citizen).select_related(
        "case", "case__office"
    )
    if reference:
        applications = applications.filter(case__reference=reference)
    application = applications.order_by("-created_at").first()
    if application is None:
        turn.say("Kami tidak menemukan permohonan dari nomor ini. Periksa nomor permohonan Anda.")
        return
    case = application.case
    current = [row for row in timeline(case) if row.task.status in ("open", "claimed", "waiting")]
    step = current[0].activity if current else "-"
    turn.say(
        f"Permohonan {case.reference}: {case.get_status_display()}.\nLangkah sekarang: {step[:160]}"
    )


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
    turn.move(
        Conversation.State.RESUBMIT,
        Resubmission(application_id=application.pk).to_json(),
        service_code=svc.code,
    )
    lines = "\n".join(f"{i}. {r.label}" for i, r in enumerate(svc.requirements, start=1))
    turn.say(
        f"Kelengkapan untuk permohonan {application.case.reference}. Balas angka persyaratan "
        f"yang akan Anda kirim, lalu kirim berkasnya:\n{lines}\n\nKetik SELESAI bila semua "
        "sudah dikirim."
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
    if fetched is None and text.upper() == "SELESAI":
        if not sending.added:
            turn.say("Belum ada berkas yang dikirim. Balas angka persyaratan lalu kirim berkasnya.")
            return
        outside_step_complete(case=application.case, note="Berkas susulan lewat WhatsApp")
        turn.say(
            f"Terima kasih. Berkas susulan untuk {application.case.reference} sudah kami "
            "teruskan kepada petugas."
        )
        turn.reset()
        return
    if fetched is None:
        choice = typed_number(text)
        if choice is not None and 1 <= choice <= len(svc.requirements):
            chosen = svc.requirements[choice - 1]
            sending.requirement_key = chosen.key
            turn.move(Conversation.State.RESUBMIT, sending.to_json())
            turn.say(f"Silakan kirim foto atau PDF: {chosen.label}.")
        else:
            turn.say("Balas angka persyaratan, kirim berkasnya, atau ketik SELESAI.")
        return
    if not sending.requirement_key:
        turn.say("Balas dulu angka persyaratan untuk berkas ini.")
        return
    if fetched.data is None:
        turn.say(f"Berkas tidak dapat kami ambil: {fetched.problem}. Mohon kirim ulang.")
        return
    try:
        attachment_add(
            application=application,
            requirement_key=sending.requirement_key,
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
    turn.say("Berkas diterima. Balas angka persyaratan lain, atau ketik SELESAI.")
