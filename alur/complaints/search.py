"""The staff search over complaints (`workflow.search` reads the query and says why).

A complaint is found by its tracking reference or register number, the reporter's phone or
name, or the NIK of the application it is about; only where the person handles its case
(`complaints.selectors.complaints_for`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from alur.complaints.models import Complaint
from alur.complaints.selectors import complaints_for
from alur.org.models import User
from alur.workflow.search import (
    Exact,
    Hit,
    Match,
    Query,
    Section,
    handled_offices,
    source_hits,
)


def _hit(complaint: Complaint, matches: tuple[Match, ...], score: float = 1.0) -> Hit:
    received = timezone.localtime(complaint.created_at, complaint.office.zone)
    number = complaint.register_number or complaint.case.reference
    return Hit(
        title=f"Pengaduan — {complaint.reporter_name}",
        url=reverse("workflow:case_detail", args=[complaint.case.reference]),
        meta=(
            f"{number} · {complaint.get_status_display()} · {complaint.office.short_name} · "
            f"diterima {received:%d-%m-%Y}"
        ),
        matches=matches,
        score=score,
    )


def complaint_hits(user: User | AnonymousUser, query: Query) -> Section:
    rows = complaints_for(user).filter(office_id__in=handled_offices(user)).order_by("-created_at")
    exacts = (
        Exact("Nomor lacak cocok", "Nomor", "case__reference", query.reference, _reference),
        Exact(
            "Nomor register cocok",
            "Nomor register",
            "register_number",
            query.reference,
            _register,
            contains=True,
        ),
        Exact("NIK cocok", "NIK pemohon terkait", "application__applicant_nik", query.nik, _nik),
        Exact("Nomor HP cocok", "HP pelapor", "reporter_phone", query.phone, _phone),
    )
    return source_hits(
        Section("complaints", "Pengaduan"),
        rows,
        exacts,
        query,
        _hit,
        name_field="reporter_name",
        name_what="Nama pelapor",
    )


def _reference(row: Complaint) -> str:
    return row.case.reference


def _register(row: Complaint) -> str:
    return row.register_number


def _nik(row: Complaint) -> str:
    return row.application.applicant_nik if row.application is not None else ""


def _phone(row: Complaint) -> str:
    return row.reporter_phone
