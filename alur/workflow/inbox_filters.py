"""The inbox's filters and sort order, read from the query string (`/tugas/?sop=S2e&sla=overdue`).

Filters narrow what reaches the person (the inbox's scoping is `selectors.inbox_keys`, and
stays as it is): the procedure (SOP), its step, the SLA state, who took the task, and the
days the task came in. Every value is read by a form: anything it cannot read is left out
with a message, never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib.auth.models import AnonymousUser

from alur.org.access import posts_held
from alur.org.models import Office, User
from alur.sop.models import SopRevision
from alur.workflow.choices import SlaState


class Sort:
    DUE = "tenggat"  # due first (the inbox's own order)
    NEWEST = "terbaru"  # the task came in last first
    OLDEST = "terlama"  # the task came in first first


SORT_CHOICES = [
    (Sort.DUE, "Tenggat terdekat"),
    (Sort.NEWEST, "Masuk terbaru"),
    (Sort.OLDEST, "Masuk terlama"),
]
SLA_CHOICES = [
    ("", "Semua"),
    (SlaState.ON_TIME.value, "Tepat waktu"),
    (SlaState.AT_RISK.value, "Hampir lewat"),
    (SlaState.OVERDUE.value, "Terlambat"),
]


class Assignee:
    ME = "saya"
    NOBODY = "belum"


ASSIGNEE_CHOICES = [
    ("", "Semua"),
    (Assignee.NOBODY, "Belum diambil"),
    (Assignee.ME, "Sedang saya kerjakan"),
]


@dataclass(frozen=True)
class InboxFilter:
    sop: str = ""  # SOP code, e.g. "S2e"
    step: int | None = None
    sla: str = ""  # SlaState value; "" all
    assignee: str = ""  # Assignee value; "" all
    date_from: date | None = None  # the task came in on or after (the office's day)
    date_to: date | None = None  # ... on or before
    sort: str = Sort.DUE

    @property
    def narrows(self) -> bool:
        """Does it narrow the inbox (beside the order)?"""
        return bool(
            self.sop
            or self.step is not None
            or self.sla
            or self.assignee
            or self.date_from
            or self.date_to
        )


NO_FILTER = InboxFilter()


def sop_choices(user: User | AnonymousUser) -> list[tuple[str, str]]:
    """The procedures of the person's offices, by code."""
    codes = Office.objects.filter(pk__in={p.office_id for p in posts_held(user)}).values("code")
    rows = (
        SopRevision.objects.filter(office_code__in=codes)
        .order_by("code")
        .values_list("code", "name")
        .distinct()
    )
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, f"{code} — {name}"[:80])
    return [("", "Semua prosedur"), *seen.items()]


class InboxFilterForm(forms.Form):
    sop = forms.ChoiceField(label="Prosedur (SOP)", required=False)
    langkah = forms.IntegerField(label="Langkah", required=False, min_value=1, max_value=99)
    sla = forms.ChoiceField(label="Status SLA", choices=SLA_CHOICES, required=False)
    pelaksana = forms.ChoiceField(label="Dikerjakan", choices=ASSIGNEE_CHOICES, required=False)
    dari = forms.DateField(label="Masuk dari tanggal", required=False)
    sampai = forms.DateField(label="sampai tanggal", required=False)
    urut = forms.ChoiceField(label="Urutkan", choices=SORT_CHOICES, required=False)

    def __init__(self, *args: object, user: User | AnonymousUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sop"].choices = sop_choices(user)  # type: ignore[attr-defined]
        for name in ("dari", "sampai"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
        self.fields["langkah"].widget.attrs["inputmode"] = "numeric"

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            self.add_error("sampai", "Tanggal akhir tidak boleh sebelum tanggal awal.")
        return data

    def to_filter(self) -> InboxFilter:
        """What the valid fields say; a field with an error is left out (its message shows)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        ok = {name: data.get(name) for name in data if name not in self.errors}
        return InboxFilter(
            sop=ok.get("sop") or "",
            step=ok.get("langkah"),
            sla=ok.get("sla") or "",
            assignee=ok.get("pelaksana") or "",
            date_from=ok.get("dari"),
            date_to=ok.get("sampai"),
            sort=ok.get("urut") or Sort.DUE,
        )


def read(data: object, user: User | AnonymousUser) -> tuple[InboxFilterForm, InboxFilter]:
    """The bound form (for the page) and the filter it reads."""
    form = InboxFilterForm(data, user=user)
    form.is_valid()
    return form, form.to_filter()
