"""The counter form, built from the catalogue: applicant, service fields, one file per requirement.

The form only collects; `application_submit` decides what is valid, and its errors come back here
by field name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from alur.intake.catalogue import APPLICANT_FIELDS, FieldKind, Service
from alur.intake.files import read_bounded
from alur.intake.services import APPLICANT_KEYS, Upload, file_field

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


class CounterForm(forms.Form):
    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        for spec in APPLICANT_FIELDS:
            self.fields[APPLICANT_KEYS[spec.key]] = _form_field(spec.kind, spec.label, True)
        for spec in service.fields:
            self.fields[spec.key] = _form_field(spec.kind, spec.label, spec.required)
        for requirement in service.requirements:
            # Not required here: the service lists every missing requirement at once, next to
            # any other error, instead of the form stopping at the first.
            self.fields[file_field(requirement.key)] = forms.FileField(
                label=requirement.label + ("" if requirement.required else OPTIONAL),
                required=False,
                help_text=requirement.hint,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    def applicant_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in APPLICANT_KEYS.values()]

    def service_fields(self) -> list[forms.BoundField]:
        return [self[spec.key] for spec in self.service.fields]

    def file_fields(self) -> list[forms.BoundField]:
        return [self[file_field(r.key)] for r in self.service.requirements]

    def applicant(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(name) for key, name in APPLICANT_KEYS.items()}

    def service_values(self) -> dict[str, Any]:
        return {spec.key: self.cleaned_data.get(spec.key) for spec in self.service.fields}

    def uploads(self) -> list[Upload]:
        files: list[Upload] = []
        for requirement in self.service.requirements:
            upload = self.cleaned_data.get(file_field(requirement.key))
            if upload:
                files.append((requirement.key, *read_bounded(upload)))
        return files

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's errors next to the fields they name."""
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
        regex=r"^\d{4}$",
        error_messages={"invalid": "Tulis tepat 4 angka."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
    )
