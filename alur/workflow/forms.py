"""The case page's own forms: the record of an outside party's step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from alur.org.models import Office
from alur.workflow import engine

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class OutsideRecordForm(forms.Form):
    """Who did the outside step (as they named themselves), when, and a photo or scan."""

    party = forms.CharField(
        label="Nama pihak yang melakukan",
        max_length=200,
        help_text="Sebagaimana disebutkan, mis. Ani Lestari (pemohon); Budi, Citra (saksi).",
        error_messages={"required": "Tuliskan nama pihak yang melakukannya."},
    )
    occurred_at = forms.DateTimeField(
        label="Waktu dilakukan",
        input_formats=[LOCAL_MINUTE],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
        error_messages={
            "required": "Isi waktu dilakukan.",
            "invalid": "Waktu tidak sah; pilih tanggal dan jam.",
        },
    )
    file = forms.FileField(
        label="Foto/pindaian (tidak wajib)",
        required=False,
        help_text="mis. foto halaman register yang sudah ditandatangani (JPG, PNG atau PDF).",
    )
    note = forms.CharField(
        label="Catatan (tidak wajib)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, office: Office, now: datetime, prefix: str, **kwargs: Any):
        local_now = engine.local(office, now)
        minute = local_now.replace(tzinfo=None, second=0, microsecond=0)  # as the office reads it
        kwargs.setdefault("initial", {"occurred_at": minute})
        kwargs["prefix"] = prefix
        super().__init__(*args, **kwargs)
        self.office = office
        self.fields["occurred_at"].widget.attrs["max"] = local_now.strftime(LOCAL_MINUTE)

    def occurred_at_aware(self) -> datetime:
        """The time entered, on the office's clock (the form reads it without a zone)."""
        value: datetime = self.cleaned_data["occurred_at"]
        return value.replace(tzinfo=None).replace(tzinfo=self.office.zone)
