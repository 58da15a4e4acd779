"""Reads of applications: what a counter offers, and a citizen's status page."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from alur.intake.catalogue import SERVICES, Service
from alur.intake.models import Application
from alur.org.access import Capability, offices_for
from alur.org.models import Office, User
from alur.sop.models import SopRevision
from alur.workflow.choices import ACTIVE_TASK, CaseStatus, TaskStatus

WAITING_TEXT = "menunggu kelengkapan dari pemohon"


def counter_services(user: User | AnonymousUser) -> list[tuple[Office, list[Service]]]:
    """The services each of the person's offices takes at the counter (SOPs of that office)."""
    offices = list(offices_for(user, Capability.HANDLE_CASES).order_by("code"))
    pairs = set(
        SopRevision.objects.filter(
            office_code__in=[o.code for o in offices], code__in=list(SERVICES)
        ).values_list("office_code", "code")
    )
    result = []
    for office in offices:
        services = [s for code, s in SERVICES.items() if (office.code, code) in pairs]
        if services:
            result.append((office, services))
    return result


def counter_office(user: User | AnonymousUser, code: str, office_code: str | None) -> Office:
    """The office where the person takes service `code` at the counter; 404 when none."""
    for office, services in counter_services(user):
        if (office_code is None or office.code == office_code) and any(
            s.code == code for s in services
        ):
            return office
    raise Http404("Layanan tidak ditemukan.")


def tracking_lookup(reference: str, last4: str) -> Application | None:
    """The application with this tracking number whose NIK or phone ends in `last4`."""
    reference = reference.strip().upper()
    if len(last4) != 4 or not last4.isdigit() or not reference:
        return None
    application = (
        Application.objects.select_related("case", "case__sop", "office")
        .filter(case__reference=reference)
        .first()
    )
    if application is None:
        return None
    nik_ok = hmac.compare_digest(application.applicant_nik[-4:], last4)
    phone_ok = hmac.compare_digest(application.applicant_phone[-4:], last4)
    return application if nik_ok or phone_ok else None


@dataclass(frozen=True)
class PublicStep:
    activity: str
    done_at: datetime | None


@dataclass(frozen=True)
class PublicStatus:
    """What a citizen may see of their application: no names, no staff, no personal data."""

    reference: str
    service_name: str
    status: str
    done: list[PublicStep]
    current: list[str]
    timezone: str
    expected: datetime | None
    waiting: bool
    finished_at: datetime | None


def public_status(application: Application) -> PublicStatus:
    from alur.workflow.services import procedure

    case = application.case
    spec = procedure(case)
    tasks = list(case.tasks.order_by("created_at", "id"))
    done = [
        PublicStep(spec.step(t.step).activity, t.completed_at)
        for t in tasks
        if t.status == TaskStatus.DONE
    ]
    current = list(
        dict.fromkeys(spec.step(t.step).activity for t in tasks if t.status in ACTIVE_TASK)
    )
    service = SERVICES.get(application.service_code)
    waiting = case.status == CaseStatus.WAITING
    return PublicStatus(
        reference=case.reference,
        service_name=service.name if service else case.sop.name,
        status=case.get_status_display(),
        done=done,
        current=current,
        timezone=application.office.timezone,
        expected=None if waiting or case.finished_at else case.due_at,
        waiting=waiting,
        finished_at=case.finished_at,
    )
