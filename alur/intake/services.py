"""Taking in applications: checked first, then case, application, files and audit in one go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as InvalidValue
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError, ValidationError
from alur.core.uploads import CheckedFile, FileRejected, check_upload
from alur.core.validators import person_name
from alur.intake.catalogue import APPLICANT_FIELDS, KIND_LABELS, FieldKind, Service, service
from alur.intake.choices import Channel
from alur.intake.files import kind_of
from alur.intake.models import Application, Attachment, StagedFile
from alur.intake.nik import check_kk, check_nik
from alur.intake.selectors import open_duplicates
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.outbox.services import normalize_whatsapp_number
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.services import case_start, outside_step_complete

# (requirement key, data, declared mime, filename)
Upload = tuple[str, bytes, str, str]

APPLICANT_KEYS = {"name": "applicant_name", "nik": "applicant_nik", "phone": "applicant_phone"}
REQUIRED = "Wajib diisi."
STAGED_TTL = timedelta(hours=24)  # a staged file nobody came back for is removed after this
MSG_DUPLICATE = (
    "Sudah ada permohonan {service} yang belum selesai untuk NIK {nik}{subject}: {references}. "
    "Periksa dahulu; bila memang perlu permohonan baru, centang konfirmasi lalu simpan lagi."
)
MSG_EXACT_DUPLICATE = (
    "Permohonan yang sama persis (isian dan berkas) sudah terdaftar dan belum selesai: "
    "{references}. Permohonan ini tidak didaftarkan dua kali; lanjutkan yang sudah ada."
)


class DuplicateApplication(DomainError):
    """An open application of the same NIK, service and subject exists. `exact`: identical in
    every field and file, refused even when the officer confirms."""

    def __init__(self, message: str, *, applications: list[Application], exact: bool) -> None:
        super().__init__(message, code="duplicate_exact" if exact else "duplicate")
        self.applications = applications
        self.exact = exact


MSG_ALREADY_CHECKED = (
    "Berkas permohonan ini sudah diperiksa petugas, jadi tidak dapat ditambah lagi. Bila petugas "
    "meminta kelengkapan, Anda akan diberi tahu lewat WhatsApp."
)


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
    elif kind == FieldKind.NAME:
        try:
            return person_name(text)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error
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


def application_errors(
    *, service_code: str, applicant: dict[str, Any], fields: dict[str, Any]
) -> dict[str, list[str]]:
    """What `application_submit` would say of these values (applicant and service fields), by
    field, without the files: a form that has other errors shows these beside them at once."""
    svc = service(service_code)
    if svc is None:
        return {}
    _person, _values, errors = _check_fields(svc, applicant, fields)
    return errors


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
        if kind_of(result) not in requirement.kinds:
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


def _read(staged: StagedFile) -> bytes:
    with staged.file.open("rb") as handle:
        return handle.read()


def _drop_staged_files(names: list[str]) -> None:
    """Remove staged files once the transaction that dropped their rows has committed."""
    transaction.on_commit(lambda: _Cleanup(names).run())


def _without_warnings(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "warnings"}


def _check_duplicates(
    office: Office,
    svc: Service,
    person: dict[str, str],
    values: dict[str, Any],
    checked: list[tuple[str, bytes, CheckedFile]],
    confirmed: bool,
) -> list[Application]:
    """The open applications this one repeats; DuplicateApplication unless `confirmed` (and
    always for an exact repeat: the same fields and files)."""
    found = open_duplicates(office, svc, person["nik"], values)
    if not found:
        return []
    hashes = sorted(result.sha256 for _key, _data, result in checked)
    exact = [
        a
        for a in found
        if _without_warnings(a.fields) == _without_warnings(values)
        and a.applicant_phone == person["phone"]
        and " ".join(a.applicant_name.split()).casefold()
        == " ".join(person["name"].split()).casefold()
        and sorted(a.attachments.values_list("sha256", flat=True)) == hashes
    ]
    references = ", ".join(a.case.reference for a in (exact or found))
    if exact:
        raise DuplicateApplication(
            MSG_EXACT_DUPLICATE.format(references=references), applications=exact, exact=True
        )
    if not confirmed:
        labels = {f.key: f.label for f in svc.fields}
        named = [f"{labels[key].lower()} {values.get(key)}" for key in svc.same_subject]
        raise DuplicateApplication(
            MSG_DUPLICATE.format(
                service=svc.name,
                nik=person["nik"],
                subject=f" ({', '.join(named)})" if named else "",
                references=references,
            ),
            applications=found,
            exact=False,
        )
    return found


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
    staged: Sequence[StagedFile] = (),
    check_duplicates: bool = False,
    duplicate_confirmed: bool = False,
) -> Application:
    """Check an application completely, then start its case and store it with its files.

    `applicant` holds name, nik and phone; `fields` the service's own fields (catalogue). Raises
    DomainError for an unknown service and ValidationError keyed by field (applicant_name,
    applicant_nik, applicant_phone, a service field, or file_<requirement>) for what is wrong.
    NIK warnings (a birth date or sex that disagrees) are kept in fields["warnings"].

    `staged`: the actor's files kept from an earlier try of the counter form, taken as the
    application's files and then removed. `check_duplicates` (the counter): an open application
    of the same NIK and service (and child or deceased) raises DuplicateApplication unless
    `duplicate_confirmed`; an exact repeat (same fields and files) is refused regardless, as a
    second submission of the same thing. A confirmed duplicate is named in the audit event.
    """
    svc = service(service_code)
    if svc is None:
        raise DomainError(f"Layanan {service_code!r} tidak dikenal atau tidak dibuka untuk umum.")
    if channel not in Channel.values:
        raise DomainError(f"Saluran {channel!r} tidak dikenal.")
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, office)
    files = _with_staged(files, staged, getattr(actor, "pk", None), office.pk, svc.code)
    person, values, errors = _check_fields(svc, applicant, fields)
    checked = _check_files(svc, files, errors)
    if errors:
        raise ValidationError(errors)
    repeats = (
        _check_duplicates(office, svc, person, values, checked, duplicate_confirmed)
        if check_duplicates
        else []
    )
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
                }
                | ({"duplicate_of": [a.case.reference for a in repeats]} if repeats else {}),
            )
            if staged:
                StagedFile.objects.filter(pk__in=[kept.pk for kept in staged]).delete()
                _drop_staged_files([kept.file.name for kept in staged])
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
    """Store a file the applicant sends after applying (a missing or corrected requirement):
    before any officer has checked the application, or while the case is returned to the
    applicant. Files an officer has passed are not added to afterwards."""
    svc = service(application.service_code)
    if svc is None:
        raise DomainError(f"Layanan {application.service_code!r} tidak dikenal.")
    if actor is not None:
        require(actor, Capability.HANDLE_CASES, application.office)
    case = application.case
    if case.status != CaseStatus.WAITING and (
        case.finished_at is not None
        or case.tasks.filter(status=TaskStatus.DONE, completed_by__isnull=False).exists()
    ):
        raise ValidationError(MSG_ALREADY_CHECKED, code="checked")
    key, body, result = _check_one(svc, requirement_key, data, declared_mime, filename)
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


def _with_staged(
    files: list[Any], staged: Any, owner_id: int | None, office_id: int, service_code: str
) -> list[Any]:
    """The files sent with a form plus those staged by its earlier tries (a file sent again
    replaces the staged one); staged files of another person, office or service are refused."""
    for kept in staged:
        if (kept.owner_id, kept.office_id, kept.service_code) != (
            owner_id,
            office_id,
            service_code,
        ):
            raise DomainError("Berkas sementara itu bukan milik formulir ini.", code="staged")
    sent = {key for key, *_rest in files}
    return files + [
        (kept.requirement, _read(kept), kept.mime, kept.name)
        for kept in staged
        if kept.requirement not in sent
    ]


def _check_one(
    svc: Any, requirement_key: str, data: bytes, declared_mime: str, filename: str
) -> tuple[str, bytes, Any]:
    """One requirement's file checked as an application's files are: (key, body, result), or a
    ValidationError keyed file_<requirement>."""
    errors: dict[str, list[str]] = {}
    checked = _check_files(svc, [(requirement_key, data, declared_mime, filename)], errors)
    errors = {k: v for k, v in errors.items() if k == file_field(requirement_key)}
    if errors or not checked:
        raise ValidationError(errors)
    return checked[0]


# --- files kept between tries of a counter form ---------------------------------------------


def staged_file_put(
    *,
    owner: User,
    office: Office,
    service_code: str,
    requirement_key: str,
    data: bytes,
    declared_mime: str,
    filename: str,
    replaces: StagedFile | None = None,
) -> StagedFile:
    """Keep a requirement's file attached to a counter form that is not saved yet, checked as an
    application's file is (ValidationError keyed file_<requirement> otherwise); it replaces the
    file staged before for that requirement."""
    svc = service(service_code)
    if svc is None:
        raise DomainError(f"Layanan {service_code!r} tidak dikenal.")
    require(owner, Capability.HANDLE_CASES, office)
    _key, body, result = _check_one(svc, requirement_key, data, declared_mime, filename)
    saved: list[str] = []
    try:
        with transaction.atomic():
            staged = StagedFile(
                office=office,
                owner=owner,
                service_code=svc.code,
                requirement=requirement_key,
                name=(filename.replace("/", "_").replace("\\", "_").strip() or "berkas")[-100:],
                mime=result.mime,
                size=result.size,
                sha256=result.sha256,
                created_at=timezone.now(),
            )
            staged.file.save(f"berkas.{result.extension}", ContentFile(body), save=False)
            saved.append(staged.file.name)
            staged.save()
            if replaces is not None and replaces.pk:
                StagedFile.objects.filter(pk=replaces.pk, owner=owner).delete()
                _drop_staged_files([replaces.file.name])
            record(
                actor=owner,
                office=office,
                action="intake.file_stage",
                obj=staged,
                after={
                    "service": svc.code,
                    "requirement": requirement_key,
                    "sha256": result.sha256,
                    "size": result.size,
                    "replaces": replaces.sha256 if replaces is not None else None,
                },
            )
    except BaseException:
        _Cleanup(saved).run()
        raise
    return staged


def uploads_stage(
    *,
    owner: User,
    office: Office,
    service_code: str,
    uploads: list[Upload],
    staged: dict[str, StagedFile],
) -> tuple[dict[str, StagedFile], dict[str, list[str]]]:
    """Stage each valid upload of a counter form (in place of the file staged for it before);
    returns the staged files by requirement and each refused upload's errors by field. A refused
    upload leaves the file staged before it in place."""
    kept = dict(staged)
    errors: dict[str, list[str]] = {}
    for key, data, declared_mime, filename in uploads:
        try:
            kept[key] = staged_file_put(
                owner=owner,
                office=office,
                service_code=service_code,
                requirement_key=key,
                data=data,
                declared_mime=declared_mime,
                filename=filename,
                replaces=kept.get(key),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    return kept, errors


def staged_files_sweep(*, older_than: timedelta = STAGED_TTL, now: datetime | None = None) -> int:
    """Remove the staged files of counter forms that were left unsaved for `older_than`; one
    audit event per office. Returns how many were removed."""
    limit = (now or timezone.now()) - older_than
    removed = 0
    offices = (
        StagedFile.objects.filter(created_at__lt=limit)
        .values_list("office_id", flat=True)
        .distinct()
    )
    for office in Office.objects.filter(pk__in=list(offices)):
        with transaction.atomic():
            rows = list(
                StagedFile.objects.select_for_update().filter(office=office, created_at__lt=limit)
            )
            if not rows:
                continue
            StagedFile.objects.filter(pk__in=[r.pk for r in rows]).delete()
            _drop_staged_files([r.file.name for r in rows])
            record(
                actor=None,
                office=office,
                action="intake.staged_sweep",
                obj=office,
                after={"files": len(rows), "sha256": [r.sha256 for r in rows]},
                reason=f"berkas formulir loket yang tidak disimpan lebih dari {older_than}",
            )
            removed += len(rows)
    return removed


# --- the applicant brings what was missing to the counter -----------------------------------


def counter_resubmit(
    *,
    application: Application,
    actor: User,
    files: list[Upload],
    staged: Sequence[StagedFile] = (),
    note: str = "",
) -> list[Attachment]:
    """The applicant of a case returned to them brings the missing files to the counter: each is
    stored as the application's file and their step is recorded (the step that returned the
    case opens again, the SLA clock runs on), in one transaction with its audit events.
    ValidationError keyed file_<requirement> for a refused file."""
    svc = service(application.service_code)
    if svc is None:
        raise DomainError(f"Layanan {application.service_code!r} tidak dikenal.")
    require(actor, Capability.HANDLE_CASES, application.office)
    if application.case.status != CaseStatus.WAITING:
        raise ConflictError("Permohonan ini tidak sedang menunggu kelengkapan dari pemohon.")
    files = _with_staged(files, staged, actor.pk, application.office_id, svc.code)
    if not files:
        raise DomainError("Lampirkan paling sedikit satu berkas yang dibawa pemohon.", code="files")
    errors: dict[str, list[str]] = {}
    checked = _check_files(svc, files, errors)
    sent_fields = {file_field(key) for key, *_rest in files}
    errors = {k: v for k, v in errors.items() if k in sent_fields}
    if errors:
        raise ValidationError(errors)
    labels = [r.label for r in svc.requirements if r.key in {key for key, *_ in checked}]
    saved: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            attachments = [
                _store(application, key, data, result, now, "", saved)
                for key, data, result in checked
            ]
            record(
                actor=actor,
                office=application.office,
                action="intake.counter_resubmit",
                obj=application,
                after={
                    "case": application.case.reference,
                    "attachments": [
                        {"requirement": a.requirement, "sha256": a.sha256} for a in attachments
                    ],
                },
                reason=note.strip(),
            )
            text = "Berkas susulan diterima di loket: " + "; ".join(labels)
            if note.strip():
                text += f". {note.strip()}"
            outside_step_complete(case=application.case, actor=actor, note=text[:500])
            if staged:
                StagedFile.objects.filter(pk__in=[kept.pk for kept in staged]).delete()
                _drop_staged_files([kept.file.name for kept in staged])
    except BaseException:
        _Cleanup(saved).run()
        raise
    return attachments
