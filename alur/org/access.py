"""Who may see and do what, in which office. Every selector and service asks here.

A person's reach is the set of offices where they hold an active appointment (definitive or
acting) whose position kind grants the capability. Capabilities marked as *aggregate* also reach
the child offices of a province or national office (reports, dashboards), never the personal data
of their citizens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from alur.org.choices import AppointmentKind, OfficeLevel, PositionKind
from alur.org.models import Appointment, Office, Unit, User


class AuthedRequest(HttpRequest):
    """The request a view behind `login_required` receives: its user has signed in."""

    user: User


class Capability(StrEnum):
    VIEW_OFFICE = "view_office"  # the office profile, calendar and staff list
    MANAGE_CALENDAR = "manage_calendar"  # office hours and closures
    HANDLE_CASES = "handle_cases"  # citizens' applications and their personal data
    REFER_RESIDENTS = "refer_residents"  # partners: refer vulnerable residents (S3)
    VIEW_AUDIT = "view_audit"  # the office's audit trail
    VIEW_REPORTS = "view_reports"  # aggregate figures; reaches child offices
    SUBMIT_REPORTS = "submit_reports"  # send the office's periodic reports
    PARAF = "paraf"  # initial letters in an approval chain
    SIGN = "sign"  # sign letters and documents (TTE)


AGGREGATE_CAPABILITIES = frozenset({Capability.VIEW_REPORTS})

_STAFF = {
    Capability.VIEW_OFFICE,
    Capability.HANDLE_CASES,
    Capability.VIEW_REPORTS,
    Capability.SUBMIT_REPORTS,
}
_MANAGERS = _STAFF | {Capability.MANAGE_CALENDAR, Capability.VIEW_AUDIT, Capability.PARAF}

KIND_CAPABILITIES: dict[str, frozenset[Capability]] = {
    PositionKind.KADIS: frozenset(_MANAGERS | {Capability.SIGN}),
    PositionKind.SEKRETARIS: frozenset(_MANAGERS),
    PositionKind.KABID: frozenset(_MANAGERS),
    PositionKind.KASI: frozenset(_STAFF | {Capability.PARAF}),
    PositionKind.KASUBAG: frozenset(_STAFF | {Capability.MANAGE_CALENDAR}),
    PositionKind.OPERATOR: frozenset(_STAFF),
    PositionKind.PETUGAS: frozenset(_STAFF),
    PositionKind.PELAKSANA: frozenset(_STAFF),
    PositionKind.ANALIS: frozenset({Capability.VIEW_OFFICE, Capability.VIEW_REPORTS}),
    PositionKind.MITRA: frozenset({Capability.REFER_RESIDENTS}),
    PositionKind.KORWIL: frozenset({Capability.VIEW_OFFICE, Capability.VIEW_REPORTS}),
    PositionKind.PENGHUBUNG: frozenset({Capability.VIEW_OFFICE}),
}

DENIED_MESSAGE = "Anda tidak memiliki wewenang untuk tindakan ini di kantor tersebut."


class DataClass(StrEnum):
    """What an office holds, by how much it says about a resident (UU 27/2022).

    KIND_DATA below is the need-to-know table: which classes each position kind may see, show,
    search and download. Read from the SOPs (`sops/`, seeds in `../shared/seeds/`), by who acts
    on a citizen's case:

    - KADIS signs every document (S2a-S2f step "Kadis menandatangani"), decides S3: all personal
      data of the office (the post sits in no unit).
    - KABID and KASI verify and approve applications (S2a-S2f, S3) and answer complaints (S2g
      "tim penjawab": Kabid); OPERATOR enters and prints the data (S2a-S2f, S3); PETUGAS takes
      the application and files at the counter, hands documents over and receives complaints
      (S2a-S2g, S3); PELAKSANA is the seksi's staff who serves at the counter with them.
    - SEKRETARIS is the "pejabat pengelola pengaduan" of S2g: the complaint and its reporter.
    - KASUBAG acts only in S0 (weekly reports) and S1 (blanko logistics) at the province: no
      resident's data; their steps, the aggregates and the office's letters.
    - The audit trail is the managers' oversight (KADIS, SEKRETARIS, KABID: VIEW_AUDIT); it
      names residents until their values are redacted for retention.
    - MITRA (S3 "pemohon": kelurahan, pamong, Dinsos) only what they referred themselves.
    - ANALIS, KORWIL (S0, S1 at the Ditjen) and PENGHUBUNG (S1 pickup in Jakarta): aggregates
      and their own steps.

    Personal data is further held to the unit that handles the case: a post sees it where its
    unit (or one above it) is the unit of one of the case's tasks, where one of the case's
    office-wide tasks is of its kind, or everywhere in the office when the post has no unit
    (`reads_personal`); the workflow applies this to cases (`workflow.selectors`).
    """

    PERSONAL = "personal"  # residents' NIK, KK, names, addresses, phones, birth/death data, files
    OWN_REFERRALS = "own_referrals"  # what a partner referred themselves, with its progress
    OWN_STEPS = "own_steps"  # the steps routed to the post, and the case head around them
    AGGREGATES = "aggregates"  # counts, recaps, reports and dashboards: no resident named
    CORRESPONDENCE = "correspondence"  # the office's letters being drafted, initialled, signed
    AUDIT_TRAIL = "audit_trail"  # who did what: names residents until redacted (VIEW_AUDIT)
    OFFICE = "office"  # the office profile, calendar, staff list and agenda book


_OVERSIGHT = frozenset({DataClass.OWN_STEPS, DataClass.AGGREGATES, DataClass.OFFICE})
_ADMINISTRATION = _OVERSIGHT | {DataClass.CORRESPONDENCE}
_CITIZEN_WORK = _ADMINISTRATION | {DataClass.PERSONAL}

# The table: position kind -> the data classes its holders see (DataClass says why).
KIND_DATA: dict[str, frozenset[DataClass]] = {
    PositionKind.KADIS: _CITIZEN_WORK | {DataClass.AUDIT_TRAIL},
    PositionKind.SEKRETARIS: _CITIZEN_WORK | {DataClass.AUDIT_TRAIL},
    PositionKind.KABID: _CITIZEN_WORK | {DataClass.AUDIT_TRAIL},
    PositionKind.KASI: _CITIZEN_WORK,
    PositionKind.OPERATOR: _CITIZEN_WORK,
    PositionKind.PETUGAS: _CITIZEN_WORK,
    PositionKind.PELAKSANA: _CITIZEN_WORK,
    PositionKind.KASUBAG: _ADMINISTRATION,
    PositionKind.ANALIS: _OVERSIGHT,
    PositionKind.KORWIL: _OVERSIGHT,
    PositionKind.PENGHUBUNG: frozenset({DataClass.OWN_STEPS, DataClass.OFFICE}),
    PositionKind.MITRA: frozenset({DataClass.OWN_REFERRALS, DataClass.OWN_STEPS}),
}

M = TypeVar("M", bound=Model)


def _today(office_tz_day: date | None) -> date:
    return office_tz_day or timezone.localdate()


def active_appointments(
    user: User | AnonymousUser, on: date | None = None
) -> QuerySet[Appointment]:
    if not user.is_authenticated or not user.is_active:
        return Appointment.objects.none()
    return (
        Appointment.objects.active_on(_today(on))
        .filter(user=user, position__is_active=True, position__office__is_active=True)
        # A post's unit with two levels above it (seksi, bidang, sekretariat): its chain of units
        # without another query (posts_held).
        .select_related("position", "position__office", "position__unit__parent__parent")
    )


def _cache(user: User | AnonymousUser) -> dict:
    cache = getattr(user, "_alur_access_cache", None)
    if cache is None:
        cache = {}
        if user.is_authenticated:
            user._alur_access_cache = cache
    return cache


def _appointments(user: User | AnonymousUser) -> list[Appointment]:
    """The person's active appointments with position, office and unit; one query per user
    object and day."""
    cache = _cache(user)
    key = ("appointments", timezone.localdate())
    if key not in cache:
        cache[key] = list(active_appointments(user))
    return cache[key]


def _held(user: User | AnonymousUser) -> frozenset[tuple[int, str, str]]:
    """(office id, office level, position kind) of every post held today."""
    cache = _cache(user)
    key = ("held", timezone.localdate())
    if key not in cache:
        cache[key] = frozenset(
            (a.position.office_id, a.position.office.level, a.position.kind)
            for a in _appointments(user)
        )
    return cache[key]


@dataclass(frozen=True)
class Post:
    """One post a person holds today: its office, kind and unit, and whether they act in it
    (Plt./Plh.). `units` is the post's unit and every unit above it (a seksi and its bidang):
    work routed to any of them reaches the post."""

    office_id: int
    kind: str
    unit_id: int | None
    units: frozenset[int]
    acting: bool
    title: str

    def reaches(self, office_id: int, kind: str, unit_id: int | None) -> bool:
        """Does work for (office, kind, unit) reach this post? Unit None: any unit."""
        return (
            self.office_id == office_id
            and self.kind == kind
            and (unit_id is None or unit_id in self.units)
        )


def unit_chains(office_ids: set[int]) -> dict[int, frozenset[int]]:
    """Every unit of the offices, with itself and the units above it; one query."""
    parents = dict(Unit.objects.filter(office_id__in=office_ids).values_list("id", "parent_id"))
    chains: dict[int, frozenset[int]] = {}
    for unit_id in parents:
        chain: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        chains[unit_id] = frozenset(chain)
    return chains


_UNIT_PARENT = Unit._meta.get_field("parent")


def posts_held(user: User | AnonymousUser) -> tuple[Post, ...]:
    """Every post the person holds today with its units; one query per user object and day
    (the appointments with their units), two where units nest more than three deep."""
    cache = _cache(user)
    key = ("posts_held", timezone.localdate())
    if key in cache:
        return cache[key]
    appointments = _appointments(user)
    chains: dict[int, frozenset[int]] = {}
    deeper: set[int] = set()  # offices whose units nest deeper than the appointments' joins
    for a in appointments:
        unit, chain = a.position.unit, []
        while unit is not None:
            chain.append(unit.pk)
            parent = unit.parent if _UNIT_PARENT.is_cached(unit) else None
            if parent is None and unit.parent_id is not None:
                deeper.add(a.position.office_id)
            unit = parent
        if chain:
            chains[chain[0]] = frozenset(chain)
    if deeper:
        chains |= unit_chains(deeper)
    posts = tuple(
        Post(
            office_id=a.position.office_id,
            kind=a.position.kind,
            unit_id=a.position.unit_id,
            units=chains.get(a.position.unit_id or 0, frozenset()),
            acting=a.kind != AppointmentKind.DEFINITIVE,
            title=a.position.title,
        )
        for a in appointments
    )
    cache[key] = posts
    return posts


def posts_of(user: User | AnonymousUser) -> frozenset[tuple[int, str]]:
    """(office id, position kind) of every post the person holds today, acting ones included."""
    cache = _cache(user)
    key = ("posts", timezone.localdate())
    if key not in cache:
        cache[key] = frozenset((office_id, kind) for office_id, _level, kind in _held(user))
    return cache[key]


def forget(user: User | AnonymousUser) -> None:
    """Drop what was worked out for this user object (after their appointments change)."""
    if user.is_authenticated:
        user.__dict__.pop("_alur_access_cache", None)


def office_ids_for(user: User | AnonymousUser, capability: Capability) -> frozenset[int]:
    """Ids of the offices where `user` may exercise `capability` today."""
    cache = _cache(user)
    key = ("offices", capability, timezone.localdate())
    if key in cache:
        return cache[key]
    granted: set[int] = set()
    reaching: set[int] = set()
    for office_id, level, kind in _held(user):
        if capability not in KIND_CAPABILITIES.get(kind, frozenset()):
            continue
        granted.add(office_id)
        if capability in AGGREGATE_CAPABILITIES and level != OfficeLevel.REGENCY:
            reaching.add(office_id)
    if reaching:
        granted |= _descendants(reaching)
    result = frozenset(granted)
    cache[key] = result
    return result


def _descendants(office_ids: set[int]) -> set[int]:
    found: set[int] = set()
    frontier = set(office_ids)
    while frontier:
        children = set(
            Office.objects.filter(parent_id__in=frontier, is_active=True).values_list(
                "id", flat=True
            )
        )
        frontier = children - found
        found |= children
    return found


def offices_for(user: User | AnonymousUser, capability: Capability) -> QuerySet[Office]:
    return Office.objects.filter(id__in=office_ids_for(user, capability))


def can(user: User | AnonymousUser, capability: Capability, office: Office | int) -> bool:
    office_id = office if isinstance(office, int) else office.pk
    return office_id in office_ids_for(user, capability)


def require(user: User | AnonymousUser, capability: Capability, office: Office | int) -> None:
    """Raise PermissionDenied (with a message in Bahasa Indonesia) unless `can`."""
    if not can(user, capability, office):
        raise PermissionDenied(DENIED_MESSAGE)


def scope(
    queryset: QuerySet[M],
    user: User | AnonymousUser,
    capability: Capability,
    office_field: str = "office",
) -> QuerySet[M]:
    """Narrow `queryset` to rows whose office the user may reach with `capability`."""
    return queryset.filter(**{f"{office_field}__in": office_ids_for(user, capability)})


def capabilities_in(user: User | AnonymousUser, office: Office) -> frozenset[Capability]:
    return frozenset(c for c in Capability if can(user, c, office))


# --- need-to-know: the data classes of KIND_DATA ---------------------------------------------


def sees(kind: str, data: DataClass) -> bool:
    """Does the table let holders of `kind` see `data`?"""
    return data in KIND_DATA.get(kind, frozenset())


def office_ids_seeing(user: User | AnonymousUser, data: DataClass) -> frozenset[int]:
    """Ids of the offices where the person holds a post whose kind sees `data` (personal data:
    before the unit rule, `reads_personal`)."""
    return frozenset(p.office_id for p in posts_held(user) if sees(p.kind, data))


def personal_posts(user: User | AnonymousUser) -> tuple[Post, ...]:
    """The person's posts whose kind sees residents' personal data."""
    return tuple(p for p in posts_held(user) if sees(p.kind, DataClass.PERSONAL))


def reads_personal(post: Post, office_id: int, handling: Iterable[tuple[str, int | None]]) -> bool:
    """May `post` see the personal data of a record of `office_id` handled by tasks of
    (position kind, unit) `handling`? Its kind must see personal data, and it must sit in no
    unit (the Kadis), or in the unit (or below the unit) of one of the tasks, or hold the kind of
    one of the office-wide tasks."""
    if post.office_id != office_id or not sees(post.kind, DataClass.PERSONAL):
        return False
    if post.unit_id is None:
        return True
    return any(
        (unit is None and kind == post.kind) or (unit is not None and unit in post.units)
        for kind, unit in handling
    )
