"""The staff search over applications (`workflow.search` reads the query and says why).

An application is found by its tracking reference, the applicant's NIK, phone or name, or a
No. KK typed on it; only where the person handles its case (`personal_cases`, as the counter's
own reads)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from alur.intake.catalogue import SERVICES
from alur.intake.models import Application
from alur.org.models import User
from alur.workflow.search import (
    PER_SOURCE,
    Hit,
    Match,
    Query,
    Section,
    cut,
    mark_whole,
    name_condition,
    name_label,
    name_rows,
)
from alur.workflow.selectors import personal_cases


def _hit(application: Application, matches: tuple[Match, ...], score: float = 1.0) -> Hit:
    service = SERVICES.get(application.service_code)
    received = timezone.localtime(application.created_at, application.office.zone)
    return Hit(
        title=f"{service.name if service else application.service_code} — "
        f"{application.applicant_name}",
        url=reverse("workflow:case_detail", args=[application.case.reference]),
        meta=(
            f"{application.case.reference} · {application.get_channel_display()} · "
            f"{application.office.short_name} · diterima {received:%d-%m-%Y}"
        ),
        matches=matches,
        score=score,
    )


def application_hits(user: User | AnonymousUser, query: Query) -> Section:
    rows = (
        Application.objects.filter(personal_cases(user, "case"))
        .select_related("case", "office")
        .order_by("-created_at")
    )
    hits: list[Hit] = []
    limit = PER_SOURCE + 1
    if query.reference:
        for row in rows.filter(case__reference=query.reference)[:limit]:
            hits.append(
                _hit(row, (Match("Nomor lacak cocok", "Nomor", mark_whole(row.case.reference)),))
            )
    if query.nik:
        for row in rows.filter(applicant_nik=query.nik)[:limit]:
            hits.append(_hit(row, (Match("NIK cocok", "NIK pemohon", mark_whole(query.nik)),)))
        for row in rows.filter(fields__kk_number=query.nik)[:limit]:
            hits.append(_hit(row, (Match("No. KK cocok", "Nomor KK", mark_whole(query.nik)),)))
    if query.phone:
        for row in rows.filter(applicant_phone=query.phone)[:limit]:
            hits.append(
                _hit(row, (Match("Nomor HP cocok", "HP pemohon", mark_whole(query.phone)),))
            )
    if query.words:
        found = rows.filter(name_condition("applicant_name", query.words))
        for score, row, parts in name_rows(found, "applicant_name", query.words, PER_SOURCE):
            hits.append(_hit(row, (Match(name_label(score), "Nama pemohon", parts),), score))
    return cut(Section("applications", "Permohonan"), hits)
