"""Reads of surveys: the public page's survey by token, and the IKM of an office, service and
quarter for the office's management.

Who sees the index: the office's management (Kadis, Sekretaris, Kabid) sees its own office; at a
province (or the national office) the same posts also see the kab/kota below it — the aggregate
reach `org.access` gives VIEW_REPORTS, narrowed to the management posts. The index names no
respondent; the survey rows themselves carry a phone number and are never listed to staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from alur.org.access import DENIED_MESSAGE, Capability, office_ids_for, posts_held
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.survey import ikm
from alur.survey.models import Answer, Survey

MANAGEMENT = frozenset({PositionKind.KADIS, PositionKind.SEKRETARIS, PositionKind.KABID})


def survey_by_token(token: str) -> Survey | None:
    token = (token or "").strip().lower()
    if not token or len(token) > 64 or not token.isascii() or not token.isalnum():
        return None
    return Survey.objects.select_related("office", "case").filter(token=token).first()


# --- who sees the index ----------------------------------------------------------------------


def ikm_office_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The offices whose index `user` may read: where they hold a management post, and the
    offices below it (a province's kab/kota)."""
    if not user.is_authenticated:
        return frozenset()
    managed = {p.office_id for p in posts_held(user) if p.kind in MANAGEMENT}
    if not managed:
        return frozenset()
    reach = office_ids_for(user, Capability.VIEW_REPORTS)
    rows = Office.objects.filter(id__in=reach, is_active=True).filter(
        Q(id__in=managed) | Q(parent_id__in=managed) | Q(parent__parent_id__in=managed)
    )
    return frozenset(rows.values_list("id", flat=True))


def sees_ikm(user: User) -> bool:
    """The menu's question, without a query of its own: does the person hold a management post
    (the posts are read once per request for the menu anyway)?"""
    return any(p.kind in MANAGEMENT for p in posts_held(user))


def ikm_offices(user: User | AnonymousUser) -> QuerySet[Office]:
    return Office.objects.filter(id__in=ikm_office_ids(user)).order_by("level", "code")


def ikm_office(user: User | AnonymousUser, code: str | None) -> Office:
    """The office asked for (by code), else the person's first; PermissionDenied otherwise."""
    offices = ikm_offices(user)
    office = offices.filter(code=code).first() if code else None
    if code and office is None:
        raise PermissionDenied(DENIED_MESSAGE)
    office = office or offices.first()
    if office is None:
        raise PermissionDenied(DENIED_MESSAGE)
    return office


# --- the period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def label(self) -> str:
        roman = ("I", "II", "III", "IV")[self.number - 1]
        return f"Triwulan {roman} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next_first_day(self) -> date:
        if self.number == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.number + 1, 1)

    def bounds(self, office: Office) -> tuple[datetime, datetime]:
        """The quarter's first and the next quarter's first moment, in the office's zone."""
        zone = office.zone
        return (
            datetime.combine(self.first_day, time.min, tzinfo=zone),
            datetime.combine(self.next_first_day, time.min, tzinfo=zone),
        )


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def current_quarter(office: Office) -> Quarter:
    return quarter_of(timezone.now().astimezone(office.zone).date())


def quarter_from(year: object, number: object, office: Office) -> Quarter:
    """The quarter of the query string, else the current one (a wrong value is not an error)."""
    current = current_quarter(office)
    try:
        y, n = int(str(year)), int(str(number))
    except ValueError:
        return current
    if not 2000 <= y <= 2100 or not 1 <= n <= 4:
        return current
    return Quarter(y, n)


# --- the index ------------------------------------------------------------------------------


def _answers(office: Office, quarter: Quarter) -> QuerySet[Answer]:
    start, end = quarter.bounds(office)
    return Answer.objects.filter(
        survey__office=office, survey__responded_at__gte=start, survey__responded_at__lt=end
    )


def _respondents(office: Office, quarter: Quarter) -> QuerySet[Survey]:
    start, end = quarter.bounds(office)
    return Survey.objects.filter(office=office, responded_at__gte=start, responded_at__lt=end)


@dataclass(frozen=True)
class ServiceIndex:
    code: str
    label: str
    index: ikm.Index


@dataclass(frozen=True)
class OfficeIkm:
    office: Office
    quarter: Quarter
    index: ikm.Index  # every service of the office together
    services: tuple[ServiceIndex, ...]


def office_ikm(office: Office, quarter: Quarter) -> OfficeIkm:
    """The office's index for the quarter, and each service's (three queries)."""
    per_service: dict[str, dict[int, tuple[int, int]]] = {}
    overall: dict[int, tuple[int, int]] = {}
    rows = (
        _answers(office, quarter)
        .values("survey__service_code", "element")
        .annotate(total=Sum("score"), count=Count("id"))
        .order_by()
    )
    for row in rows:
        code, element = row["survey__service_code"], row["element"]
        total, count = int(row["total"] or 0), int(row["count"])
        per_service.setdefault(code, {})[element] = (total, count)
        before = overall.get(element, (0, 0))
        overall[element] = (before[0] + total, before[1] + count)
    respondents: dict[str, int] = {
        r["service_code"]: int(r["n"])
        for r in _respondents(office, quarter)
        .order_by()
        .values("service_code")
        .annotate(n=Count("id"))
    }
    labels: dict[str, str] = {}
    named = _respondents(office, quarter).order_by().values_list("service_code", "service_label")
    for code, label in named.distinct():
        labels.setdefault(code, label)
    services = tuple(
        ServiceIndex(code, labels.get(code, code), ikm.compute(totals, respondents[code]))
        for code, totals in sorted(per_service.items())
        if code in respondents
    )
    total_respondents = sum(respondents.values())
    return OfficeIkm(office, quarter, ikm.compute(overall, total_respondents), services)


@dataclass(frozen=True)
class ChildIkm:
    office: Office
    index: ikm.Index


def children_ikm(user: User | AnonymousUser, office: Office, quarter: Quarter) -> list[ChildIkm]:
    """The index of each kab/kota below a province the person may read (empty for a kab/kota)."""
    allowed = ikm_office_ids(user)
    children = Office.objects.filter(parent=office, id__in=allowed, is_active=True).order_by("code")
    return [ChildIkm(child, office_ikm(child, quarter).index) for child in children]


def invitation_withheld(survey: Survey) -> bool:
    """The survey's first WhatsApp message was kept back: the citizen said BERHENTI to the
    number, so the survey goes by link or QR code instead."""
    from alur.outbox.choices import MessageStatus
    from alur.outbox.models import OutboundMessage

    return OutboundMessage.objects.filter(
        dedupe_key=f"survey:{survey.pk}:invite", status=MessageStatus.WITHHELD
    ).exists()
