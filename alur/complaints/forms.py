"""The forms only collect; the services decide what is valid and say why in Bahasa Indonesia."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms

from alur.complaints.choices import Category
from alur.core.validators import MSG_LAST4 as LAST4_MESSAGE
from alur.org.models import Office

TEXT_ATTRS = {"rows": 6, "maxlength": "4000"}


class ComplaintForm(forms.Form):
    """The public web form and the counter form."""

    office = forms.ModelChoiceField(
        label="Kantor yang diadukan", queryset=Office.objects.none(), empty_label=None
    )
    reporter_name = forms.CharField(label="Nama Anda", max_length=150, required=False)
    reporter_phone = forms.CharField(
        label="Nomor HP (WhatsApp)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="Untuk melacak pengaduan: 4 angka terakhirnya menjadi kunci lacak.",
    )
    reporter_email = forms.CharField(
        label="Surel (bila ingin jawaban lewat surel)",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    application_reference = forms.CharField(
        label="Nomor permohonan terkait (bila ada)",
        max_length=40,
        required=False,
        help_text="Mis. S2E-1808-260105-K7QM4X",
    )
    text = forms.CharField(
        label="Isi pengaduan", required=False, widget=forms.Textarea(attrs=TEXT_ATTRS)
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    FIELD_OF_CODE = {
        "name": "reporter_name",
        "text": "text",
        "phone": "reporter_phone",
        "email": "reporter_email",
        "application": "application_reference",
    }

    def __init__(self, *args: Any, offices: Any, counter: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["office"]).queryset = offices
        if counter:
            del self.fields["reporter_email"]
            self.fields["reporter_name"].label = "Nama pelapor"
            self.fields["reporter_phone"].label = "Nomor HP pelapor (bila ada)"
            self.fields["reporter_phone"].help_text = ""
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_urlsafe(24))

    def add_service_error(self, code: str, message: str) -> None:
        field = self.FIELD_OF_CODE.get(code)
        self.add_error(field if field in self.fields else None, message)


class TrackingForm(forms.Form):
    reference = forms.CharField(label="Nomor pengaduan", max_length=40)
    last4 = forms.RegexField(
        label="4 angka terakhir nomor HP",
        regex=r"^[0-9]{4}\Z",
        error_messages={"invalid": LAST4_MESSAGE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RegisterForm(forms.Form):
    category = forms.ChoiceField(
        label="Kategori", choices=[("", "— pilih —"), *Category.choices], required=False
    )
    analysis = forms.CharField(
        label="Analisis permasalahan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
