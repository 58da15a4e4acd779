"""Reads of applications: what a counter offers, and a citizen's status page."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from alur.core.validators import is_ascii_digits
from alur.intake.catalogue import SERVICES, Service
from alur.intake.models import Application, StagedFile
from alur.org.access import Capability, offices_for
from alur.org.models import Office, User
from alur.sop.models import SopRevision
from alur.workflow.choices import ACTIVE_TASK, CaseStatus, TaskStatus
from alur.workflow.models import Case
from alur.workflow.selectors import personal_cases

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
    if len(last4) != 4 or not is_ascii_digits(last4) or not reference:
        return None
    application = (
        Application.objects.select_related("case", "case__sop", "office")
        .filter(case__reference=reference)
        .first()
    )
    if application is None:
        return None
    nik_ok = hmac.compare_digest(application.applicant_nik[-4:].encode(), last4.encode())
    phone_ok = hmac.compare_digest(application.applicant_phone[-4:].encode(), last4.encode())
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


# --- the counter: duplicates, staged files, applications waiting for the applicant ----------

OPEN_CASE = (CaseStatus.OPEN, CaseStatus.WAITING)


def _plain(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def open_duplicates(
    office: Office, svc: Service, nik: str, values: dict[str, object]
) -> list[Application]:
    """The office's applications for `svc` by the same NIK whose case is not finished, for the
    same child or deceased where the service names one (`Service.same_subject`)."""
    rows = (
        Application.objects.filter(
            office=office, service_code=svc.code, applicant_nik=nik, case__status__in=OPEN_CASE
        )
        .select_related("case")
        .order_by("-created_at")
    )
    return [
        a
        for a in rows
        if all(_plain(a.fields.get(key)) == _plain(values.get(key)) for key in svc.same_subject)
    ]


def staged_for(
    user: User | AnonymousUser, office: Office, service_code: str, tokens: dict[str, str]
) -> dict[str, StagedFile]:
    """The staged files a counter form names (requirement → token), when they are the person's
    own for this office and service; any other token is ignored (the file is asked again)."""
    wanted = {}
    for key, token in tokens.items():
        try:
            wanted[key] = uuid.UUID(str(token))
        except ValueError:
            continue
    if not wanted or not user.is_authenticated:
        return {}
    rows = StagedFile.objects.filter(
        token__in=wanted.values(), owner=user, office=office, service_code=service_code
    )
    by_token = {row.token: row for row in rows}
    return {
        key: by_token[token]
        for key, token in wanted.items()
        if token in by_token and by_token[token].requirement == key
    }


def waiting_applications(user: User | AnonymousUser, limit: int = 20) -> list[Application]:
    """Applications returned to the applicant (their case waits for them) whose case the person
    handles, the oldest return first."""
    return list(
        Application.objects.filter(personal_cases(user, "case"), case__status=CaseStatus.WAITING)
        .select_related("case", "office")
        .order_by("case__paused_at", "created_at")[:limit]
    )


def counter_application(user: User | AnonymousUser, reference: str) -> Application | None:
    """The application of case `reference`, for the staff who handle its case (need-to-know:
    `workflow.selectors.personal_cases`)."""
    return (
        Application.objects.filter(
            personal_cases(user, "case"), case__reference=reference.strip().upper()
        )
        .select_related("case", "office")
        .first()
    )


def waiting_application(user: User | AnonymousUser, reference: str) -> Application:
    """`counter_application`, or 404."""
    application = counter_application(user, reference)
    if application is None:
        raise Http404("Permohonan tidak ditemukan.")
    return application


def returned_for(application: Application) -> str:
    """What the applicant was asked for when the case was last returned to them."""
    task = (
        application.case.tasks.filter(return_to="applicant")
        .exclude(completed_at__isnull=True)
        .order_by("-completed_at", "-pk")
        .first()
    )
    return task.reason if task is not None else ""


def application_of(case: Case) -> Application | None:
    """The application that started `case` (None for a case started otherwise)."""
    return Application.objects.filter(case=case).first()
