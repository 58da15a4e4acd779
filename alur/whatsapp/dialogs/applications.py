"""The citizen's conversation on an applications number: the menu, the questions, the documents,
the summary; STATUS or a tracking number answers with the application's current step."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.formats import date_format

from alur.core.validators import person_name, to_ascii_digits, typed_number
from alur.core.web import error_text
from alur.intake.catalogue import APPLICANT_FIELDS, Field, FieldKind, Service, service
from alur.whatsapp.models import Conversation

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Dialog, Fetched

REFERENCE = re.compile(r"\bS\d+[A-Z]?-\d{4}-\d{6}-[A-Z2-9]{6}\b")
SKIP = "LEWATI"
DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def services_of(d: Dialog) -> list[Service]:
    return [s for code in d.number.service_codes if (s := service(code)) is not None]


def fields_of(svc: Service) -> tuple[Field, ...]:
    return APPLICANT_FIELDS + svc.fields


def menu(d: Dialog) -> None:
    offered = services_of(d)
    office = d.number.office.short_name
    if not offered:
        d.say(
            f"Selamat datang di {office}. Nomor ini belum melayani permohonan dokumen lewat "
            "percakapan. Silakan datang ke loket pelayanan, atau kirim STATUS dan nomor "
            "permohonan untuk melihat perkembangan permohonan Anda."
        )
        return
    if len(offered) == 1:
        start(d, offered[0])
        return
    lines = [f"{i}. {s.name}" for i, s in enumerate(offered, start=1)]
    d.say(
        f"Selamat datang di layanan WhatsApp {office}.\nBalas dengan angka layanan:\n"
        + "\n".join(lines)
        + "\n\nKirim STATUS untuk melihat permohonan Anda."
    )


def start(d: Dialog, svc: Service) -> None:
    d.c.state, d.c.service_code = Conversation.State.FIELDS, svc.code
    d.c.data = {"fields": {}, "files": {}, "index": 0}
    needed = "\n".join(
        f"- {r.label}{'' if r.required else ' (jika ada)'}" for r in svc.requirements
    )
    d.say(
        f"Permohonan {svc.name}. Siapkan foto atau PDF yang jelas dari:\n{needed}\n\n"
        "Pertama, kami perlu beberapa data. Ketik BATAL kapan saja untuk berhenti."
    )
    ask_field(d, svc)


def ask_field(d: Dialog, svc: Service) -> None:
    field = fields_of(svc)[d.c.data["index"]]
    hint = {
        FieldKind.NIK: " (16 angka)",
        FieldKind.DATE: " (format HH-BB-TTTT, mis. 05-03-2026)",
        FieldKind.PHONE: " (ketik SAMA untuk memakai nomor WhatsApp ini)",
    }.get(field.kind, "")
    d.say(f"{field.label}{hint}?")


def ask_file(d: Dialog, svc: Service) -> None:
    pending = [r for r in svc.requirements if r.key not in d.c.data["files"]]
    requirement = pending[0]
    optional = "" if requirement.required else f" Ketik {SKIP} jika tidak ada."
    d.say(f"Kirim foto atau PDF: {requirement.label}.{optional}")


def respond(d: Dialog, text: str, fetched: Fetched | None) -> None:
    upper = text.upper()
    if upper == "STATUS" or REFERENCE.search(upper):
        match = REFERENCE.search(upper)
        status(d, match.group(0) if match else None)
    else:
        advance(d, text, fetched)


def advance(d: Dialog, text: str, fetched: Fetched | None) -> None:
    svc = service(d.c.service_code) if d.c.service_code else None
    if d.c.state == Conversation.State.RESUBMIT:
        resubmit(d, text, fetched)
    elif d.c.state == Conversation.State.MENU and text.upper() == "KIRIM":
        start_resubmit(d)
    elif d.c.state == Conversation.State.MENU or svc is None:
        choose(d, text)
    elif d.c.state == Conversation.State.FIELDS:
        answer_field(d, svc, text, fetched)
    elif d.c.state == Conversation.State.FILES:
        receive_file(d, svc, text, fetched)
    else:
        confirm(d, svc, text)


def choose(d: Dialog, text: str) -> None:
    offered = services_of(d)
    choice = typed_number(text)
    if choice is not None and 1 <= choice <= len(offered):
        start(d, offered[choice - 1])
    else:
        menu(d)


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
        from alur.outbox.services import normalize_whatsapp_number

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


def answer_field(d: Dialog, svc: Service, text: str, fetched: Fetched | None) -> None:
    field = fields_of(svc)[d.c.data["index"]]
    if fetched is not None:
        d.say("Berkas akan diminta setelah data terisi.")
        ask_field(d, svc)
        return
    value, problem = _value(field, text, d.c.citizen)
    if value is None:
        d.say(problem)
        ask_field(d, svc)
        return
    d.c.data["fields"][field.key] = value
    d.c.data["index"] += 1
    if d.c.data["index"] < len(fields_of(svc)):
        ask_field(d, svc)
    else:
        d.c.state = Conversation.State.FILES
        ask_file(d, svc)


def receive_file(d: Dialog, svc: Service, text: str, fetched: Fetched | None) -> None:
    from alur.core.uploads import FileRejected, check_upload

    requirement = next(r for r in svc.requirements if r.key not in d.c.data["files"])
    if fetched is None:
        if text.upper() == SKIP and not requirement.required:
            d.c.data["files"][requirement.key] = None
        else:
            d.say("Kami menunggu foto atau dokumen PDF.")
            ask_file(d, svc)
            return
    elif fetched.data is None:
        d.say(f"Berkas tidak dapat kami ambil: {fetched.problem}. Mohon kirim ulang.")
        return
    else:
        try:
            checked = check_upload(
                fetched.data, declared_mime=fetched.mime_type, filename=fetched.filename
            )
        except FileRejected as rejected:
            d.say(f"{rejected} Mohon kirim ulang {requirement.label}.")
            return
        path = default_storage.save(
            f"intake/whatsapp/{d.c.pk}/{requirement.key}-{checked.sha256[:12]}.{checked.extension}",
            ContentFile(fetched.data),
        )
        d.c.data["files"][requirement.key] = {
            "path": path,
            "mime": checked.mime,
            "filename": fetched.filename,
        }
    if any(r.key not in d.c.data["files"] for r in svc.requirements):
        ask_file(d, svc)
        return
    d.c.state = Conversation.State.CONFIRM
    summary = "\n".join(
        f"- {f.label}: {d.c.data['fields'].get(f.key, '-')}" for f in fields_of(svc)
    )
    received = sum(1 for v in d.c.data["files"].values() if v)
    d.say(
        f"Ringkasan permohonan {svc.name}:\n{summary}\n- Berkas diterima: {received}\n\n"
        "Balas YA untuk mengirim permohonan, atau BATAL untuk membatalkan."
    )


def confirm(d: Dialog, svc: Service, text: str) -> None:
    from alur.intake.services import application_submit

    if text.upper() not in ("YA", "Y", "KIRIM"):
        d.say("Balas YA untuk mengirim permohonan, atau BATAL untuk membatalkan.")
        return
    fields = dict(d.c.data["fields"])
    applicant = {k: fields.pop(k) for k in ("name", "nik", "phone")}
    files = []
    for key, stored in d.c.data["files"].items():
        if stored:
            with default_storage.open(stored["path"], "rb") as handle:
                files.append((key, handle.read(), stored["mime"], stored["filename"]))
    try:
        application = application_submit(
            office=d.number.office,
            service_code=svc.code,
            channel="whatsapp",
            applicant=applicant,
            fields=fields,
            files=files,
            whatsapp_number=d.number,
        )
    except ValidationError as error:
        d.say(f"Permohonan belum dapat dikirim: {error_text(error)} Ketik MENU untuk mulai lagi.")
        d.reset()
        return
    case = application.case
    due = date_format(timezone.localtime(case.due_at), "l, j F Y H:i") if case.due_at else "-"
    d.say(
        f"Permohonan {svc.name} diterima. Nomor permohonan Anda: {case.reference}\n"
        f"Perkiraan selesai: {due}.\nKirim STATUS kapan saja untuk melihat perkembangannya."
    )
    d.reset()


def status(d: Dialog, reference: str | None) -> None:
    from alur.intake.models import Application
    from alur.workflow.selectors import timeline

    applications = Application.objects.filter(applicant_phone=d.c.citizen).select_related(
        "case", "case__office"
    )
    if reference:
        applications = applications.filter(case__reference=reference)
    application = applications.order_by("-created_at").first()
    if application is None:
        d.say("Kami tidak menemukan permohonan dari nomor ini. Periksa nomor permohonan Anda.")
        return
    case = application.case
    current = [row for row in timeline(case) if row.task.status in ("open", "claimed", "waiting")]
    step = current[0].activity if current else "-"
    d.say(
        f"Permohonan {case.reference}: {case.get_status_display()}.\nLangkah sekarang: {step[:160]}"
    )


def _waiting_application(d: Dialog):  # type: ignore[no-untyped-def]
    from alur.intake.models import Application
    from alur.workflow.choices import CaseStatus

    return (
        Application.objects.filter(
            applicant_phone=d.c.citizen, office=d.number.office, case__status=CaseStatus.WAITING
        )
        .select_related("case")
        .order_by("-created_at")
        .first()
    )


def start_resubmit(d: Dialog) -> None:
    application = _waiting_application(d)
    svc = service(application.service_code) if application else None
    if application is None or svc is None:
        d.say("Tidak ada permohonan Anda yang sedang menunggu kelengkapan berkas.")
        menu(d)
        return
    d.c.state, d.c.service_code = Conversation.State.RESUBMIT, svc.code
    d.c.data = {"application": application.pk, "key": None, "added": 0}
    lines = "\n".join(f"{i}. {r.label}" for i, r in enumerate(svc.requirements, start=1))
    d.say(
        f"Kelengkapan untuk permohonan {application.case.reference}. Balas angka persyaratan "
        f"yang akan Anda kirim, lalu kirim berkasnya:\n{lines}\n\nKetik SELESAI bila semua "
        "sudah dikirim."
    )


def resubmit(d: Dialog, text: str, fetched: Fetched | None) -> None:
    from alur.intake.models import Application
    from alur.intake.services import attachment_add
    from alur.workflow.services import outside_step_complete

    application = Application.objects.select_related("case").get(pk=d.c.data["application"])
    svc = service(application.service_code)
    if svc is None:  # the catalogue dropped the service since: start again
        d.reset()
        menu(d)
        return
    if fetched is None and text.upper() == "SELESAI":
        if not d.c.data["added"]:
            d.say("Belum ada berkas yang dikirim. Balas angka persyaratan lalu kirim berkasnya.")
            return
        outside_step_complete(case=application.case, note="Berkas susulan lewat WhatsApp")
        d.say(
            f"Terima kasih. Berkas susulan untuk {application.case.reference} sudah kami "
            "teruskan kepada petugas."
        )
        d.reset()
        return
    if fetched is None:
        choice = typed_number(text)
        if choice is not None and 1 <= choice <= len(svc.requirements):
            chosen = svc.requirements[choice - 1]
            d.c.data["key"] = chosen.key
            d.say(f"Silakan kirim foto atau PDF: {chosen.label}.")
        else:
            d.say("Balas angka persyaratan, kirim berkasnya, atau ketik SELESAI.")
        return
    if not d.c.data["key"]:
        d.say("Balas dulu angka persyaratan untuk berkas ini.")
        return
    if fetched.data is None:
        d.say(f"Berkas tidak dapat kami ambil: {fetched.problem}. Mohon kirim ulang.")
        return
    try:
        attachment_add(
            application=application,
            requirement_key=d.c.data["key"],
            data=fetched.data,
            declared_mime=fetched.mime_type,
            filename=fetched.filename,
            source_media_id=d.inbound.media_id,
        )
    except ValidationError as error:
        d.say(f"{error_text(error)} Mohon kirim ulang.")
        return
    d.c.data["added"] += 1
    d.c.data["key"] = None
    d.say("Berkas diterima. Balas angka persyaratan lain, atau ketik SELESAI.")
