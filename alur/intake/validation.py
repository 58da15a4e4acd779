"""An application's values and files checked against its service in the catalogue: errors by
field, NIK warnings kept, and the open applications it repeats."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as InvalidValue
from django.utils import timezone

from alur.core.errors import DomainError, ValidationError
from alur.core.uploads import CheckedFile, FileRejected, check_upload
from alur.core.validators import person_name
from alur.intake.catalogue import (
    APPLICANT_FIELDS,
    KIND_LABELS,
    FieldKind,
    Requirement,
    Service,
    service,
)
from alur.intake.files import kind_of
from alur.intake.models import Application
from alur.intake.nik import check_kk, check_nik
from alur.intake.selectors import open_duplicates
from alur.org.models import Office
from alur.outbox.validation import normalize_whatsapp_number

# (requirement key, data, declared mime, filename)
Upload = tuple[str, bytes, str, str]
APPLICANT_KEYS = {"name": "applicant_name", "nik": "applicant_nik", "phone": "applicant_phone"}
REQUIRED = "Wajib diisi."
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


def check_fields(
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
    _person, _values, errors = check_fields(svc, applicant, fields)
    return errors


def check_requirement_file(
    requirement: Requirement, data: bytes, *, declared_mime: str, filename: str
) -> CheckedFile:
    """`data` checked as a file (`check_upload`) and as one `requirement` takes (its kinds);
    FileRejected says why not. The counter, the citizen's page and the WhatsApp dialog (as the
    file arrives) check alike."""
    result = check_upload(data, declared_mime=declared_mime, filename=filename)
    if kind_of(result) not in requirement.kinds:
        raise FileRejected(
            "Persyaratan ini hanya menerima "
            + " atau ".join(KIND_LABELS[k] for k in requirement.kinds)
            + "."
        )
    return result


def check_files(
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
            result = check_requirement_file(
                requirement, data, declared_mime=declared_mime, filename=filename
            )
        except FileRejected as rejected:
            errors.setdefault(file_field(key), []).append(rejected.reason)
            continue
        checked.append((key, data, result))
    sent = {key for key, _data, _mime, _name in files}
    missing = [r for r in svc.requirements if r.required and r.key not in sent]
    for requirement in missing:
        errors.setdefault(file_field(requirement.key), []).append(
            f"Belum dilampirkan: {requirement.label}."
        )
    return checked


def _without_warnings(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "warnings"}


def check_repeats(
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


def check_one(
    svc: Any, requirement_key: str, data: bytes, declared_mime: str, filename: str
) -> tuple[str, bytes, Any]:
    """One requirement's file checked as an application's files are: (key, body, result), or a
    ValidationError keyed file_<requirement>."""
    errors: dict[str, list[str]] = {}
    checked = check_files(svc, [(requirement_key, data, declared_mime, filename)], errors)
    errors = {k: v for k, v in errors.items() if k == file_field(requirement_key)}
    if errors or not checked:
        raise ValidationError(errors)
    return checked[0]
