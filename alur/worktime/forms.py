"""Forms for the office calendar; times are entered in the office's local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms

from alur.worktime.models import Weekday


class ClosureForm(forms.Form):
    starts_on = forms.DateField(
        label="Tanggal mulai", widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_time = forms.TimeField(
        label="Jam mulai", initial="07:30", widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_on = forms.DateField(
        label="Tanggal selesai", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_time = forms.TimeField(
        label="Jam selesai", initial="16:30", widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(label="Alasan", max_length=200)

    def instants(self, tz_name: str) -> tuple[datetime, datetime]:
        tz = ZoneInfo(tz_name)
        data = self.cleaned_data
        return (
            datetime.combine(data["starts_on"], data["starts_time"], tzinfo=tz),
            datetime.combine(data["ends_on"], data["ends_time"], tzinfo=tz),
        )


class WeeklyHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Hari", choices=Weekday.choices, coerce=int)
    closed = forms.BooleanField(label="Tutup sepanjang hari", required=False)
    opens = forms.TimeField(
        label="Buka", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes = forms.TimeField(
        label="Tutup", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    break_starts = forms.TimeField(
        label="Istirahat mulai", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    break_ends = forms.TimeField(
        label="Istirahat selesai", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(label="Alasan perubahan", max_length=200)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("closed") and (not data.get("opens") or not data.get("closes")):
            raise forms.ValidationError("Isi jam buka dan jam tutup, atau centang 'Tutup'.")
        return data
