"""Date and time fields show their values as the browser's inputs need them (14:00, not
14.00.00), in Bahasa Indonesia as everywhere, and still read every Indonesian way of typing."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.utils import translation

JAKARTA = ZoneInfo("Asia/Jakarta")


class Times(forms.Form):
    at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def test_time_and_date_inputs_show_their_values_as_typed() -> None:
    with translation.override("id"):
        form = Times(
            initial={
                "at": time(14, 0),
                "on": date(2026, 12, 8),
                "when": datetime(2026, 12, 8, 9, 30, tzinfo=JAKARTA),
            }
        )
        assert 'value="14:00"' in str(form["at"])
        assert 'value="2026-12-08"' in str(form["on"])
        assert 'value="2026-12-08T09:30"' in str(form["when"])


def test_indonesian_typing_is_still_read() -> None:
    with translation.override("id"):
        form = Times(data={"at": "14.30", "on": "25-10-2026", "when": "2026-12-08T09:30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["at"] == time(14, 30)
        assert form.cleaned_data["on"] == date(2026, 10, 25)
