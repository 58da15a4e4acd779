"""Reads of offices, positions and people."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from alur.org.access import Capability, active_appointments, can
from alur.org.models import Appointment, Office, Position, User


@dataclass
class OfficeRoles:
    office: Office
    appointments: list[Appointment] = field(default_factory=list)


def positions_of(user: User | AnonymousUser) -> list[OfficeRoles]:
    """The person's active appointments grouped by office, offices in code order."""
    grouped: OrderedDict[int, OfficeRoles] = OrderedDict()
    for appointment in active_appointments(user).order_by("position__office__code"):
        office = appointment.position.office
        grouped.setdefault(office.pk, OfficeRoles(office)).appointments.append(appointment)
    return list(grouped.values())


def office_for(user: User | AnonymousUser, code: str, capability: Capability) -> Office:
    """The office with `code` if the user may reach it with `capability`; 404 otherwise.

    A 404 rather than a 403, so that the existence of other offices' records is not revealed.
    """
    office = Office.objects.filter(code=code).select_related("parent", "region").first()
    if office is None or not can(user, capability, office):
        raise Http404("Kantor tidak ditemukan.")
    return office


def staff_of(office: Office) -> QuerySet[Position]:
    """Active positions of an office with their current holders."""
    today = timezone.localdate()
    holders = Appointment.objects.active_on(today).select_related("user")
    return (
        Position.objects.filter(office=office, is_active=True)
        .select_related("unit")
        .prefetch_related(Prefetch("appointments", queryset=holders, to_attr="current"))
        .order_by("kind", "title")
    )


def holders_of(office: Office, kind: str) -> list[User]:
    """People holding a position of `kind` in `office` today (acting holders included)."""
    today = timezone.localdate()
    return [
        a.user
        for a in Appointment.objects.active_on(today)
        .filter(position__office=office, position__kind=kind, position__is_active=True)
        .select_related("user")
        .order_by("kind", "user__username")
    ]
