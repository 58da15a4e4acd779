"""Reads of complaints: the register, one complaint, the reporter's tracking page, the recap."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.http import Http404

from alur.complaints.choices import Category, Channel, Status
from alur.complaints.models import Complaint, TeamMember
from alur.core.validators import is_ascii_digits
from alur.org.access import Capability, offices_for
from alur.org.models import Office, User
from alur.sop.models import SopRevision
from alur.sop.selectors import runs_sop
from alur.workflow.selectors import personal_cases

SOP_CODE = "S2g"


def complaint_offices() -> QuerySet[Office]:
    """Offices that run the complaints SOP (take complaints from the public)."""
    codes = SopRevision.objects.filter(code=SOP_CODE).values_list("office_code", flat=True)
    return Office.objects.filter(code__in=list(codes), is_active=True).order_by("code")


def takes_complaints(user: User | AnonymousUser) -> bool:
    """Does one of the person's offices take complaints? (`sop.selectors.runs_sop`: read each
    request, so an SOP loaded by another process counts at once.)"""
    return runs_sop(user, SOP_CODE)


def staff_offices(user: User | AnonymousUser) -> list[Office]:
    """The person's offices that take complaints."""
    return list(
        offices_for(user, Capability.HANDLE_CASES)
        .filter(pk__in=complaint_offices().values("pk"))
        .order_by("code")
    )


def office_for(user: User | AnonymousUser, code: str | None) -> Office:
    offices = staff_offices(user)
    for office in offices:
        if code is None or office.code == code:
            return office
    raise Http404("Kantor tidak ditemukan.")


def complaints_for(user: User | AnonymousUser) -> QuerySet[Complaint]:
    """Complaints whose case the person handles (a reporter's personal data, need-to-know:
    `workflow.selectors.personal_cases`)."""
    return Complaint.objects.filter(personal_cases(user, "case")).select_related(
        "case", "office", "application__case"
    )


def team_cases(user: User | AnonymousUser, prefix: str = "") -> Q:
    """The complaint cases the person answers as a member of an office's answering team (Tim
    Penjawab Aduan, S2g step 5): all of that office's, whatever unit handles them."""
    if not user.is_authenticated:
        return Q(**{f"{prefix}pk__in": []})
    offices = TeamMember.objects.filter(user_id=user.pk, is_active=True).values("office_id")
    return Q(**{f"{prefix}office_id__in": offices, f"{prefix}sop__code": SOP_CODE})


def complaint_for(user: User | AnonymousUser, pk: int) -> Complaint:
    """A complaint of one of the person's offices; 404 otherwise (existence is not revealed)."""
    complaint = complaints_for(user).filter(pk=pk).first()
    if complaint is None:
        raise Http404("Pengaduan tidak ditemukan.")
    return complaint


def year_range(office: Office, year: int) -> tuple[datetime, datetime]:
    """The year in the office's time zone, as [start, end)."""
    tz = office.zone
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def register_rows(
    office: Office, year: int, viewer: User | AnonymousUser | None = None
) -> QuerySet[Complaint]:
    """The complaint register (buku register pengaduan) of an office and year, by number; with
    `viewer`, the complaints they handle (need-to-know: `complaints_for`).

    Complaints not yet registered (step 2 still open) follow the numbered ones."""
    start, end = year_range(office, year)
    rows = Complaint.objects.filter(office=office, created_at__gte=start, created_at__lt=end)
    if viewer is not None:
        rows = rows.filter(personal_cases(viewer, "case"))
    return rows.select_related("case", "application__case").order_by(
        F("register_serial").asc(nulls_last=True), "created_at"
    )


def tracking_lookup(reference: str, last4: str) -> Complaint | None:
    """The complaint with this tracking number whose reporter's phone ends in `last4`."""
    reference = (reference or "").strip().upper()
    if len(last4 or "") != 4 or not is_ascii_digits(last4) or not reference:
        return None
    complaint = (
        Complaint.objects.select_related("case", "office").filter(case__reference=reference).first()
    )
    if complaint is None or not complaint.reporter_phone:
        return None
    matches = hmac.compare_digest(complaint.reporter_phone[-4:].encode(), last4.encode())
    return complaint if matches else None


@dataclass(frozen=True)
class CategoryRow:
    label: str
    received: int
    answered: int
    median_hours: float | None
    average_hours: float | None


@dataclass(frozen=True)
class Recap:
    office: Office
    year: int
    rows: list[CategoryRow]
    total: CategoryRow
    by_channel: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    on_time: int
    late: int
    satisfaction_average: float | None
    satisfaction_count: int


def _hours(complaint: Complaint) -> float | None:
    if complaint.status != Status.ANSWERED or complaint.closed_at is None:
        return None
    return (complaint.closed_at - complaint.created_at).total_seconds() / 3600


def _row(label: str, items: list[Complaint]) -> CategoryRow:
    hours = [h for h in (_hours(c) for c in items) if h is not None]
    return CategoryRow(
        label=label,
        received=len(items),
        answered=len(hours),
        median_hours=round(median(hours), 1) if hours else None,
        average_hours=round(sum(hours) / len(hours), 1) if hours else None,
    )


def recap(office: Office, year: int) -> Recap:
    """Counts by category and the time to resolve (received → answered) of a year: one query."""
    start, end = year_range(office, year)
    items = list(
        Complaint.objects.filter(office=office, created_at__gte=start, created_at__lt=end)
        .select_related("case")
        .only(
            "category",
            "channel",
            "status",
            "created_at",
            "closed_at",
            "satisfaction",
            "case__due_at",
            "case__clock_stopped_at",
        )
    )
    rows = [
        _row(label, [c for c in items if c.category == value]) for value, label in Category.choices
    ]
    unregistered = [c for c in items if not c.category]
    if unregistered:
        rows.append(_row("Belum dikategorikan", unregistered))
    scores = [c.satisfaction for c in items if c.satisfaction is not None]
    finished = [
        (c.case.clock_stopped_at, c.case.due_at)
        for c in items
        if c.case.clock_stopped_at and c.case.due_at
    ]
    return Recap(
        office=office,
        year=year,
        rows=rows,
        total=_row("Jumlah", items),
        by_channel=[
            (label, sum(1 for c in items if c.channel == value)) for value, label in Channel.choices
        ],
        by_status=[
            (label, sum(1 for c in items if c.status == value)) for value, label in Status.choices
        ],
        on_time=sum(1 for stopped, due in finished if stopped <= due),
        late=sum(1 for stopped, due in finished if stopped > due),
        satisfaction_average=round(sum(scores) / len(scores), 2) if scores else None,
        satisfaction_count=len(scores),
    )
