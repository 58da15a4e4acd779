"""The counter form, built from the catalogue: applicant, service fields, one file per requirement.

The form only collects; `application_submit` decides what is valid, and its errors come back here
by field name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from alur.core.uploads import read_bounded
from alur.core.validators import MSG_LAST4 as LAST4_MESSAGE
from alur.intake.catalogue import APPLICANT_FIELDS, FieldKind, Requirement, Service
from alur.intake.models import StagedFile
from alur.intake.validation import APPLICANT_KEYS, Upload, file_field

ACCEPT = "image/jpeg,image/png,application/pdf"
OPTIONAL = " (bila ada)"


class DateInput(forms.DateInput):
    input_type = "date"


def _form_field(kind: FieldKind, label: str, required: bool) -> forms.Field:
    if kind == FieldKind.DATE:
        return forms.DateField(
            label=label if required else label + OPTIONAL, required=required, widget=DateInput
        )
    attrs: dict[str, Any] = {}
    if kind in (FieldKind.NIK, FieldKind.KK):
        attrs = {"inputmode": "numeric", "maxlength": "16", "autocomplete": "off"}
    elif kind == FieldKind.PHONE:
        attrs = {"inputmode": "tel", "autocomplete": "off"}
    return forms.CharField(
        label=label if required else label + OPTIONAL,
        required=required,
        max_length=150,
        widget=forms.TextInput(attrs=attrs),
    )


def staged_field(requirement_key: str) -> str:
    """The hidden input naming the file staged for a requirement."""
    return f"staged_{requirement_key}"


class FilesMixin(forms.Form):
    """One optional file input per requirement, and the files already staged for them: a file
    attached and valid is kept on the server and shown by name, not asked again."""

    service: Service

    def _add_file_fields(self, requirements: tuple[Requirement, ...]) -> None:
        self.staged: dict[str, StagedFile] = {}
        self.upload_errors: dict[str, list[str]] = {}  # refused uploads, by field
        for requirement in requirements:
            # Not required here: the service lists every missing requirement at once, next to
            # any other error, instead of the form stopping at the first.
            self.fields[file_field(requirement.key)] = forms.FileField(
                label=requirement.label + ("" if requirement.required else OPTIONAL),
                required=False,
                help_text=requirement.hint,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    def staged_tokens(self) -> dict[str, str]:
        """The staged files the form names, by requirement (as posted; checked by a selector)."""
        return {
            r.key: str(self.data.get(staged_field(r.key), ""))
            for r in self.service.requirements
            if self.data.get(staged_field(r.key))
        }

    def new_uploads(self) -> list[Upload]:
        """The files chosen in this post, read up to one byte past the size limit."""
        found: list[Upload] = []
        for requirement in self.service.requirements:
            upload = self.files.get(file_field(requirement.key)) if self.files else None
            if upload:
                found.append((requirement.key, *read_bounded(upload)))
        return found

    def error_summary(self) -> list[tuple[str, str, str]]:
        """The errors for the top of the form: (field id or "", label, message)."""
        rows = []
        order = {name: index for index, name in enumerate(self.fields)}
        errors = sorted(self.errors.items(), key=lambda item: order.get(item[0], -1))
        for name, messages in errors:
            bound = self[name] if name in self.fields else None
            for message in messages:
                if bound is None:
                    rows.append(("", "", str(message)))
                else:
                    rows.append(
                        (bound.id_for_label, str(bound.label).removesuffix(OPTIONAL), str(message))
                    )
        return rows

    def add_upload_errors(self) -> None:
        for name, messages in self.upload_errors.items():
            self.add_error(name if name in self.fields else None, messages)

    def file_rows(self) -> list[tuple[forms.BoundField, StagedFile | None, str]]:
        """Each requirement's file input, its staged file and the hidden input's name."""
        return [
            (self[file_field(r.key)], self.staged.get(r.key), staged_field(r.key))
            for r in self.service.requirements
        ]


class CounterForm(FilesMixin, forms.Form):
    confirm_duplicate = forms.BooleanField(
        label="Saya sudah memeriksa permohonan yang belum selesai itu; tetap daftarkan "
        "permohonan baru ini.",
        required=False,
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        for spec in APPLICANT_FIELDS:
            self.fields[APPLICANT_KEYS[spec.key]] = _form_field(spec.kind, spec.label, True)
        for spec in service.fields:
            self.fields[spec.key] = _form_field(spec.kind, spec.label, spec.required)
        self._add_file_fields(service.requirements)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.add_upload_errors()
        for requirement in self.service.requirements:
            name = file_field(requirement.key)
            missing = requirement.required and requirement.key not in self.staged
            if missing and not self.has_error(name):
                self.add_error(name, f"Belum dilampirkan: {requirement.label}.")
        return data

    def applicant_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in APPLICANT_KEYS.values()]

    def service_fields(self) -> list[forms.BoundField]:
        return [self[spec.key] for spec in self.service.fields]

    def applicant(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(name) for key, name in APPLICANT_KEYS.items()}

    def service_values(self) -> dict[str, Any]:
        return {spec.key: self.cleaned_data.get(spec.key) for spec in self.service.fields}

    def add_service_errors(self, error: ValidationError, *, skip_known: bool = False) -> None:
        """Show the service's errors next to the fields they name (`skip_known`: not on a field
        the form already found wrong, whose value the service did not see)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            if skip_known and self.has_error(name):
                continue
            self.add_error(name if name in self.fields else None, messages)


class ResubmitForm(FilesMixin, forms.Form):
    """The files an applicant brings to the counter for an application returned to them."""

    note = forms.CharField(
        label="Catatan petugas" + OPTIONAL,
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self._add_file_fields(service.requirements)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.add_upload_errors()
        if not self.staged and not self.errors:
            self.add_error(None, "Lampirkan paling sedikit satu berkas yang dibawa pemohon.")
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class TrackingForm(forms.Form):
    reference = forms.CharField(
        label="Nomor permohonan",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    last4 = forms.RegexField(
        label="4 angka terakhir NIK atau nomor HP",
        regex=r"^[0-9]{4}\Z",
        error_messages={"invalid": LAST4_MESSAGE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
    )
