"""Taking in applications: checked first, then case, application, files and audit in one go.

The checks are in `intake.validation`, the files' storage in `intake.storage`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError, ValidationError
from alur.intake.catalogue import service
from alur.intake.choices import Channel
from alur.intake.models import Application, Attachment, StagedFile
from alur.intake.storage import Cleanup, drop_staged_files, store_attachment, with_staged
from alur.intake.validation import (
    Upload,
    check_fields,
    check_files,
    check_one,
    check_repeats,
    file_field,
)
from alur.org.access import Capability, require
from alur.org.models import Office, User
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.outside import outside_step_complete
from alur.workflow.services import case_start

STAGED_TTL = timedelta(hours=24)  # a staged file nobody came back for is removed after this

MSG_ALREADY_CHECKED = (
    "Berkas permohonan ini sudah diperiksa petugas, jadi tidak dapat ditambah lagi. Bila petugas "
    "meminta kelengkapan, Anda akan diberi tahu lewat WhatsApp."
)


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
    kept: Mapping[str, str] | None = None,
    check_duplicates: bool = False,
    duplicate_confirmed: bool = False,
) -> Application:
    """Check an application completely, then start its case and store it with its files.

    `applicant` holds name, nik and phone; `fields` the service's own fields (catalogue). Raises
    DomainError for an unknown service and ValidationError keyed by field (applicant_name,
    applicant_nik, applicant_phone, a service field, or file_<requirement>) for what is wrong.
    NIK warnings (a birth date or sex that disagrees) are kept in fields["warnings"].

    `staged`: the actor's files kept from an earlier try of the counter form, taken as the
    application's files (each attachment takes the staged file over; the rows go). `kept`: by
    requirement, the storage path that already holds a file of `files` (the WhatsApp dialog's
    staged copy), taken over by its attachment instead of written again. `check_duplicates` (the
    counter): an open application of the same NIK and service (and child or deceased) raises
    DuplicateApplication unless
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
    files, taken = with_staged(files, staged, getattr(actor, "pk", None), office.pk, svc.code)
    taken = {**(kept or {}), **taken}
    person, values, errors = check_fields(svc, applicant, fields)
    checked = check_files(svc, files, errors)
    if errors:
        raise ValidationError(errors)
    repeats = (
        check_repeats(office, svc, person, values, checked, duplicate_confirmed)
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
                store_attachment(
                    application,
                    key,
                    data,
                    result,
                    now,
                    (media_ids or {}).get(key, ""),
                    saved,
                    kept=taken.get(key, ""),
                )
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
                drop_staged_files(
                    [f.file.name for f in staged if f.file.name not in taken.values()]
                )
    except BaseException:
        Cleanup(saved).run()
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
    key, body, result = check_one(svc, requirement_key, data, declared_mime, filename)
    saved: list[str] = []
    try:
        with transaction.atomic():
            attachment = store_attachment(
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
        Cleanup(saved).run()
        raise
    return attachment


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
    _key, body, result = check_one(svc, requirement_key, data, declared_mime, filename)
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
                drop_staged_files([replaces.file.name])
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
        Cleanup(saved).run()
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
            drop_staged_files([r.file.name for r in rows])
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
    files, taken = with_staged(files, staged, actor.pk, application.office_id, svc.code)
    if not files:
        raise DomainError("Lampirkan paling sedikit satu berkas yang dibawa pemohon.", code="files")
    errors: dict[str, list[str]] = {}
    checked = check_files(svc, files, errors)
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
                store_attachment(
                    application, key, data, result, now, "", saved, kept=taken.get(key, "")
                )
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
                drop_staged_files(
                    [f.file.name for f in staged if f.file.name not in taken.values()]
                )
    except BaseException:
        Cleanup(saved).run()
        raise
    return attachments
