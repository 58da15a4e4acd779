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
    Exact,
    Hit,
    Match,
    Query,
    Section,
    handled_offices,
    source_hits,
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
        Application.objects.filter(
            personal_cases(user, "case"), office_id__in=handled_offices(user)
        )
        .select_related("case", "office")
        .order_by("-created_at")
    )
    exacts = (
        Exact("Nomor lacak cocok", "Nomor", "case__reference", query.reference, _reference),
        Exact("NIK cocok", "NIK pemohon", "applicant_nik", query.nik, _nik),
        Exact("No. KK cocok", "Nomor KK", "fields__kk_number", query.nik, _kk),
        Exact("Nomor HP cocok", "HP pemohon", "applicant_phone", query.phone, _phone),
    )
    return source_hits(
        Section("applications", "Permohonan"),
        rows,
        exacts,
        query,
        _hit,
        name_field="applicant_name",
        name_what="Nama pemohon",
    )


def _reference(row: Application) -> str:
    return row.case.reference


def _nik(row: Application) -> str:
    return row.applicant_nik


def _kk(row: Application) -> str:
    return str((row.fields or {}).get("kk_number") or "") if isinstance(row.fields, dict) else ""


def _phone(row: Application) -> str:
    return row.applicant_phone
