"""Which unit of an office takes a task, and who holds the post that does it.

An SOP names the unit that owns it (a bidang, sometimes its seksi) and may name an actor's own
unit ("KASI IDENTITAS PENDUDUK"). In an office with several units, a task goes to the holders
of the actor's post in the narrowest of those units (with the units below it) where someone
holds that post today; where none does, or the office has no unit of that name, to every
holder of the post in the office. A Kadis sits in no unit: the Kadis's tasks are office-wide.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from alur.org.access import unit_chains
from alur.org.models import Appointment, Office, Unit, User
from alur.workflow.spec import ActorSpec, OfficeRelation, ProcedureSpec


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def route_unit(office: Office, spec: ProcedureSpec, actor: ActorSpec) -> int | None:
    """The unit whose holders of `actor`'s post take its tasks in `office` (the case's own
    office); None: every holder in the office. One query, only when the SOP names a unit."""
    if actor.office != OfficeRelation.SAME or not actor.position_kind:
        return None
    names = [_key(n) for n in (actor.unit, spec.section, spec.unit) if n]
    if not names:
        return None
    holders = Appointment.objects.active_on(timezone.localdate()).filter(
        position__unit=OuterRef("pk"),
        position__kind=actor.position_kind,
        position__is_active=True,
        user__is_active=True,
    )
    rows = list(
        Unit.objects.filter(office=office)
        .annotate(staffed=Exists(holders))
        .values_list("id", "parent_id", "name", "staffed")
    )
    children: dict[int | None, list[int]] = defaultdict(list)
    staffed: set[int] = set()
    by_name: dict[str, int] = {}
    for unit_id, parent_id, name, has_holder in rows:
        children[parent_id].append(unit_id)
        by_name.setdefault(_key(name), unit_id)
        if has_holder:
            staffed.add(unit_id)
    for name in names:
        named = by_name.get(name)
        if named is None:
            continue
        below, pending = set(), [named]
        while pending:
            current = pending.pop()
            if current not in below:
                below.add(current)
                pending.extend(children[current])
        if below & staffed:
            return named
    return None


def sop_unit(office: Office, spec: ProcedureSpec) -> int | None:
    """The unit that owns the SOP in `office` (its seksi when the office has one of that name,
    else its bidang), for the steps of outside parties: the staff of that unit see what waits on
    them. None when the SOP names no unit the office has; one query when it names one."""
    names = [_key(n) for n in (spec.section, spec.unit) if n]
    if not names:
        return None
    by_name = {
        _key(name): pk for pk, name in Unit.objects.filter(office=office).values_list("pk", "name")
    }
    return next((by_name[n] for n in names if n in by_name), None)


def holders(office_id: int, kind: str, unit_id: int | None) -> list[User]:
    """People holding the post `kind` in the office today (acting holders too) whose unit is
    `unit_id` or below it; anyone in the office when `unit_id` is None. Two queries at most."""
    appointments = list(
        Appointment.objects.active_on(timezone.localdate())
        .filter(
            position__office_id=office_id,
            position__kind=kind,
            position__is_active=True,
            user__is_active=True,
        )
        .select_related("user", "position")
        .order_by("user__username", "pk")
    )
    if unit_id is not None:
        chains = unit_chains({office_id})
        appointments = [
            a
            for a in appointments
            if a.position.unit_id is not None and unit_id in chains.get(a.position.unit_id, ())
        ]
    people: dict[int, User] = {}
    for appointment in appointments:
        people.setdefault(appointment.user_id, appointment.user)
    return list(people.values())
