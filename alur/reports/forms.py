"""Forms of the reports pages. They only parse: the services decide and name what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from alur.core.errors import DomainError
from alur.core.validators import is_ascii_digits
from alur.reports.models import ReportDefinition

CHANNEL_WORDS = {"wa": "whatsapp", "surel": "email", "e-mail": "email"}
WEEKDAY_CHOICES = list(enumerate(["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]))


class SubmissionForm(forms.Form):
    """One text box per field (a text so that «dua belas» is reported, not dropped)."""

    reason = forms.CharField(
        label="Alasan perubahan dari angka sistem (bila diubah)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, definition: ReportDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in definition.fields:
            self.fields[f"v_{item['key']}"] = forms.CharField(
                label=item["label"],
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
        self.order_fields([f"v_{k}" for k in definition.field_keys] + ["reason"])

    def values(self) -> dict[str, str]:
        return {
            name[2:]: (self.data.get(name) or "").strip()
            for name in self.fields
            if name.startswith("v_")
        }


MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a form or a month of 514 kab/kota is well under 1 MB


def within_upload_limit(upload: Any) -> None:
    """Refuse a file by its size before it is read: a huge upload stays on disk, never in
    memory."""
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            f"Berkas terlalu besar: paling besar {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
            code="too_large",
        )


class UploadForm(forms.Form):
    file = forms.FileField(label="Berkas Excel formulir (.xlsx)", validators=[within_upload_limit])
    reason = forms.CharField(label="Alasan perubahan dari angka sistem", required=False)


class CoverageUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas data cakupan PIAK (.xlsx atau .csv)", validators=[within_upload_limit]
    )


class CloseForm(forms.Form):
    reason = forms.CharField(label="Catatan penutupan", required=False, max_length=300)


def time_input() -> forms.TimeInput:
    """A time field shown as it is typed, 14:00 (14.00 is read too), whatever the locale or
    the browser would make of it: a text box, not the browser's AM/PM time picker."""
    return forms.TimeInput(
        format="%H:%M",
        attrs={"inputmode": "decimal", "placeholder": "14:00", "autocomplete": "off", "size": 6},
    )


class DefinitionForm(forms.Form):
    title = forms.CharField(label="Judul", max_length=200)
    fields_text = forms.CharField(
        label="Isian (satu per baris: kode | nama)", widget=forms.Textarea(attrs={"rows": 8})
    )
    distribute_weekday = forms.TypedChoiceField(
        label="Hari pengiriman formulir (mingguan)", choices=WEEKDAY_CHOICES, coerce=int
    )
    distribute_day = forms.IntegerField(
        label="Tanggal periode bulanan dibuka (untuk bulan sebelumnya)", min_value=1, max_value=28
    )
    distribute_time = forms.TimeField(
        label="Jam periode dibuka dan formulir dikirim (waktu provinsi)", widget=time_input()
    )
    auto_start = forms.BooleanField(label="Buka periode otomatis sesuai jadwal", required=False)
    deadline_weekday = forms.TypedChoiceField(
        label="Hari tenggat (mingguan)", choices=WEEKDAY_CHOICES, coerce=int
    )
    deadline_time = forms.TimeField(
        label="Jam tenggat (waktu setempat pelapor)", widget=time_input()
    )
    deadline_day = forms.IntegerField(label="Tanggal tenggat (bulanan)", min_value=1, max_value=28)
    remind_hours = forms.IntegerField(
        label="Pengingat, jam sebelum tenggat", min_value=1, max_value=72
    )
    jump_threshold = forms.DecimalField(
        label="Batas lonjakan cakupan (poin persen)", min_value=0, max_value=100, decimal_places=2
    )
    recipients_text = forms.CharField(
        label="Penerima laporan bertanda tangan (per baris: nama | whatsapp/email | nomor atau "
        "alamat | langkah)",
        help_text="Contoh: «Kepala Dinas | whatsapp | 0812 7000 0001 | 12» dan «PJ Korwil "
        "Ditjen Dukcapil | whatsapp | 0812 7000 0002 | 13». Langkah 12: ke Kepala Dinas; langkah "
        "13: penerima nasional (Ditjen Dukcapil).",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(label="Alasan perubahan", required=False)

    # What only one kind of period uses: a weekly report has no day of the month, a monthly
    # one no weekday, no reminders and no recipients of a signed letter.
    WEEKLY_ONLY = ("distribute_weekday", "deadline_weekday", "remind_hours", "recipients_text")
    MONTHLY_ONLY = ("distribute_day", "deadline_day", "jump_threshold")

    def __init__(self, *args: Any, frequency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unused: tuple[str, ...] = self.MONTHLY_ONLY if frequency == "weekly" else ()
        unused = self.WEEKLY_ONLY if frequency == "monthly" else unused
        for name in unused:
            del self.fields[name]

    def recipients(self) -> list[list[Any]]:
        rows = []
        text = self.cleaned_data.get("recipients_text", "")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > 1:
                parts[1] = CHANNEL_WORDS.get(parts[1].lower(), parts[1].lower())
            if len(parts) < 3 or parts[1] not in ("whatsapp", "email"):
                raise DomainError(
                    f"Penerima baris {number}: tulis «nama | whatsapp atau email | alamat | "
                    "langkah»."
                )
            step = int(parts[3]) if len(parts) > 3 and is_ascii_digits(parts[3]) else None
            rows.append([parts[0], parts[1], parts[2], step])
        return rows


class PeriodChoiceField(forms.TypedChoiceField):
    """The period to open, one radio button per period (a long label wraps on a phone)."""

    def __init__(self, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(
            label="Periode", choices=choices, coerce=int, widget=forms.RadioSelect, **kwargs
        )


class WeeklyStartForm(forms.Form):
    """S0's first step: the week, and its format (the definition, changed here if needed)."""

    fields_text = forms.CharField(
        label="Jenis pelayanan (satu per baris: kode | nama)",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    distribute_weekday = forms.TypedChoiceField(
        label="Hari pengiriman formulir", choices=WEEKDAY_CHOICES, coerce=int
    )
    distribute_time = forms.TimeField(label="Jam pengiriman (waktu provinsi)", widget=time_input())
    deadline_weekday = forms.TypedChoiceField(
        label="Hari tenggat", choices=WEEKDAY_CHOICES, coerce=int
    )
    deadline_time = forms.TimeField(
        label="Jam tenggat (waktu setempat kab/kota)", widget=time_input()
    )
    note = forms.CharField(
        label="Catatan (petunjuk Kabid/Kadis, bila ada)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, periods: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"] = PeriodChoiceField(periods)
        self.order_fields(["period"])


class MonthlyStartForm(forms.Form):
    """S4's first step: the month, and the Kabid's direction to the Kasi."""

    note = forms.CharField(
        label="Arahan kepada Kasi (disposisi)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, periods: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"] = PeriodChoiceField(periods)
        self.order_fields(["period"])
