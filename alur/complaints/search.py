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
    PER_SOURCE,
    Hit,
    Match,
    Query,
    Section,
    cut,
    mark,
    mark_whole,
    name_condition,
    name_label,
    name_rows,
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
    rows = complaints_for(user).order_by("-created_at")
    hits: list[Hit] = []
    limit = PER_SOURCE + 1
    if query.reference:
        for row in rows.filter(case__reference=query.reference)[:limit]:
            hits.append(
                _hit(row, (Match("Nomor lacak cocok", "Nomor", mark_whole(row.case.reference)),))
            )
        for row in rows.filter(register_number__icontains=query.reference)[:limit]:
            parts = mark(row.register_number, query.reference)
            hits.append(_hit(row, (Match("Nomor register cocok", "Nomor register", parts),)))
    if query.nik:
        for row in rows.filter(application__applicant_nik=query.nik)[:limit]:
            hits.append(
                _hit(row, (Match("NIK cocok", "NIK pemohon terkait", mark_whole(query.nik)),))
            )
    if query.phone:
        for row in rows.filter(reporter_phone=query.phone)[:limit]:
            hits.append(
                _hit(row, (Match("Nomor HP cocok", "HP pelapor", mark_whole(query.phone)),))
            )
    if query.words:
        found = rows.filter(name_condition("reporter_name", query.words))
        for score, row, parts in name_rows(found, "reporter_name", query.words, PER_SOURCE):
            hits.append(_hit(row, (Match(name_label(score), "Nama pelapor", parts),), score))
    return cut(Section("complaints", "Pengaduan"), hits)
