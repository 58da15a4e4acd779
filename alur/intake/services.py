"""Taking in applications: checked first, then case, application, files and audit in one go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as InvalidValue
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError, ValidationError
from alur.intake.catalogue import APPLICANT_FIELDS, KIND_LABELS, FieldKind, Service, service
from alur.intake.choices import Channel
from alur.intake.files import CheckedFile, FileRejected, check_upload
from alur.intake.models import Application, Attachment
from alur.intake.nik import check_kk, check_nik
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.outbox.services import normalize_whatsapp_number
from alur.workflow.services import case_start

# (requirement key, data, declared mime, filename)
Upload = tuple[str, bytes, str, str]

APPLICANT_KEYS = {"name": "applicant_name", "nik": "applicant_nik", "phone": "applicant_phone"}
REQUIRED = "Wajib diisi."


def file_field(requirement_key: str) -> str:
    """The error key (and form field name) of a requirement's file."""
    return f"file_{requirement_key}"


def normalize_phone(value: str) -> str:
    """A phone field as E.164 digits without '+' (0812… or +62812… → 62812…), by the rule the
    outbox sends to; a ValueError in the application's words when it is not a number."""
    try:
        return normalize_whatsapp_number(value)
    except InvalidValue as error:
        raise ValueError(
            "Nomor HP tidak sah; tulis seperti 081234567890 atau +6281234567890."
        ) from error


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ValueError("Tanggal tidak sah; tulis seperti 2026-01-31.") from error


def _field_value(
    kind: FieldKind,
    value: Any,
    warnings: list[str],
    label: str,
    birth_date: Any = None,
) -> Any:
    if kind == FieldKind.DATE:
        parsed = _date(value)
        if parsed > timezone.localdate():
            raise ValueError("Tanggal tidak boleh di masa depan.")
        return parsed.isoformat()
    text = str(value).strip()
    if kind == FieldKind.NIK:
        try:
            recorded = _date(birth_date) if birth_date else None
        except ValueError:
            recorded = None  # the date field reports its own error
        result = check_nik(text, birth_date=recorded)
        if result.errors:
            raise ValueError(" ".join(result.errors))
        warnings.extend(f"{label}: {w}" for w in result.warnings)
    elif kind == FieldKind.KK:
        result = check_kk(text)
        if result.errors:
            raise ValueError(" ".join(result.errors))
    elif kind == FieldKind.PHONE:
        return normalize_phone(text)
    return text


def _check_fields(
    svc: Service, applicant: dict[str, Any], fields: dict[str, Any]
) -> tuple[dict[str, str], dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    person: dict[str, str] = {}
    for spec in APPLICANT_FIELDS:
        name = APPLICANT_KEYS[spec.key]
        raw = applicant.get(spec.key)
        if raw in (None, ""):
            errors[name] = [REQUIRED]
            continue
        try:
            person[spec.key] = _field_value(spec.kind, raw, warnings, spec.label)
        except ValueError as error:
            errors[name] = [str(error)]
    values: dict[str, Any] = {}
    for spec in svc.fields:
        raw = fields.get(spec.key)
        if raw in (None, ""):
            if spec.required:
                errors[spec.key] = [REQUIRED]
            continue
        try:
            birth_date = fields.get(spec.birth_date_field) if spec.birth_date_field else None
            values[spec.key] = _field_value(spec.kind, raw, warnings, spec.label, birth_date)
        except ValueError as error:
            errors[spec.key] = [str(error)]
    if warnings:
        values["warnings"] = warnings
    return person, values, errors


def _check_files(
    svc: Service, files: list[Upload], errors: dict[str, list[str]]
) -> list[tuple[str, bytes, CheckedFile]]:
    checked = []
    for key, data, declared_mime, filename in files:
        requirement = svc.requirement(key)
        if requirement is None:
            errors.setdefault(file_field(key), []).append(
                f"Persyaratan '{key}' tidak dikenal untuk layanan {svc.name}."
            )
            continue
        try:
            result = check_upload(data, declared_mime=declared_mime, filename=filename)
        except FileRejected as rejected:
            errors.setdefault(file_field(key), []).append(rejected.reason)
            continue
        if result.kind not in requirement.kinds:
            errors.setdefault(file_field(key), []).append(
                "Persyaratan ini hanya menerima "
                + " atau ".join(KIND_LABELS[k] for k in requirement.kinds)
                + "."
            )
            continue
        checked.append((key, data, result))
    sent = {key for key, _data, _mime, _name in files}
    missing = [r for r in svc.requirements if r.required and r.key not in sent]
    for requirement in missing:
        errors.setdefault(file_field(requirement.key), []).append(
            f"Belum dilampirkan: {requirement.label}."
        )
    return checked


def _store(
    application: Application,
    key: str,
    data: bytes,
    result: CheckedFile,
    now: Any,
    media_id: str,
    saved: list[str],
) -> Attachment:
    attachment = Attachment(
        application=application,
        requirement=key,
        mime=result.mime,
        size=result.size,
        sha256=result.sha256,
        source_media_id=media_id,
        received_at=now,
    )
    attachment.file.save(f"berkas.{result.extension}", ContentFile(data), save=False)
    saved.append(attachment.file.name)
    attachment.save()
    return attachment


@dataclass
class _Cleanup:
    """Files written during a transaction that rolled back are removed again."""

    names: list[str]

    def run(self) -> None:
        for name in self.names:
            default_storage.delete(name)


def application_submit(
    *,
    office: Office,
    service_code: str,
    channel: str,
    applicant: dict[str, Any],
    fields: dict[str, Any],
    files: list[Upload],
    actor: User | None = None,
    whatsapp_number: Any = None,
    media_ids: dict[str, str] | None = None,
) -> Application:
    """Check an application completely, then start its case and store it with its files.

    `applicant` holds name, nik and phone; `fields` the service's own fields (catalogue). Raises
    DomainError for an unknown service and ValidationError keyed by field (applicant_name,
    applicant_nik, applicant_phone, a service field, or file_<requirement>) for what is wrong.
    NIK warnings (a birth date or sex that disagrees) are kept in fields["warnings"].
    """
    svc = service(service_code)
    if svc is None:
        raise DomainError(f"Layanan {service_code!r} tidak dikenal atau tidak dibuka untuk umum.")
    if channel not in Channel.values:
        raise DomainError(f"Saluran {channel!r} tidak dikenal.")
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)
    person, values, errors = _check_fields(svc, applicant, fields)
    checked = _check_files(svc, files, errors)
    if errors:
        raise ValidationError(errors)
    named = values.get(svc.subject_field) if svc.subject_field else None
    subject = f"{svc.subject} — {named or person['name']}"[:300]
    saved: list[str] = []
    try:
        with transaction.atomic():
            case = case_start(
                code=svc.code, office=office, subject=subject, actor=actor, submitted=True
            )
            now = timezone.now()
            application = Application.objects.create(
                case=case,
                office=office,
                service_code=svc.code,
                channel=channel,
                applicant_name=person["name"],
                applicant_nik=person["nik"],
                applicant_phone=person["phone"],
                fields=values,
                whatsapp_number=whatsapp_number,
                created_at=now,
                created_by=actor,
            )
            attachments = [
                _store(application, key, data, result, now, (media_ids or {}).get(key, ""), saved)
                for key, data, result in checked
            ]
            record(
                actor=actor,
                office=office,
                action="intake.application_submit",
                obj=application,
                after={
                    "case": case.reference,
                    "service": svc.code,
                    "channel": channel,
                    "attachments": [
                        {"requirement": a.requirement, "sha256": a.sha256} for a in attachments
                    ],
                    "warnings": len(values.get("warnings", [])),
                },
            )
    except BaseException:
        _Cleanup(saved).run()
        raise
    return application


def attachment_add(
    *,
    application: Application,
    requirement_key: str,
    data: bytes,
    declared_mime: str,
    filename: str,
    actor: User | None = None,
    source_media_id: str = "",
) -> Attachment:
    """Store a file the applicant sends after applying (a missing or corrected requirement)."""
    svc = service(application.service_code)
    if svc is None:
        raise DomainError(f"Layanan {application.service_code!r} tidak dikenal.")
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, application.office)
    errors: dict[str, list[str]] = {}
    checked = _check_files(svc, [(requirement_key, data, declared_mime, filename)], errors)
    errors = {k: v for k, v in errors.items() if k == file_field(requirement_key)}
    if errors or not checked:
        raise ValidationError(errors)
    key, body, result = checked[0]
    saved: list[str] = []
    try:
        with transaction.atomic():
            attachment = _store(
                application, key, body, result, timezone.now(), source_media_id, saved
            )
            record(
                actor=actor,
                office=application.office,
                action="intake.attachment_add",
                obj=application,
                after={"requirement": key, "sha256": result.sha256},
            )
    except BaseException:
        _Cleanup(saved).run()
        raise
    return attachment
