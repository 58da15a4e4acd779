"""Reads of the population register, scoped by `alur.org.access`: a person sees the residents
and families (KK) of the offices where they handle cases, and no other."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from alur.core.validators import is_ascii_digits, to_ascii_digits
from alur.org.access import DataClass, office_ids_seeing
from alur.org.models import Office, User
from alur.registry.models import Family, FamilyMember, Resident

MAX_FAMILIES = 5


@dataclass(frozen=True)
class FamilyCard:
    """One KK as the data-entry forms show it: its head first, then the others in order."""

    family: Family
    members: list[FamilyMember]

    def member(self, relation: str) -> FamilyMember | None:
        return next((m for m in self.members if m.relation == relation), None)


@dataclass(frozen=True)
class FamilySearch:
    """What a search by NIK or No. KK found: families, and a resident who is in no KK."""

    query: str
    families: list[FamilyCard]
    loose: list[Resident]

    @property
    def empty(self) -> bool:
        return not self.families and not self.loose


def residents_of(user: User | AnonymousUser) -> QuerySet[Resident]:
    """Residents of the offices where the person holds a post that sees personal data."""
    return Resident.objects.filter(office_id__in=office_ids_seeing(user, DataClass.PERSONAL))


def families_of(user: User | AnonymousUser) -> QuerySet[Family]:
    """Families of the offices where the person holds a post that sees personal data."""
    return Family.objects.filter(office_id__in=office_ids_seeing(user, DataClass.PERSONAL))


def current_members(family: Family) -> list[FamilyMember]:
    """The members of `family` now (their membership has not ended), in the order they joined."""
    return list(
        family.members.filter(until__isnull=True).select_related("resident").order_by("since", "pk")
    )


def family_card(family: Family) -> FamilyCard:
    members = current_members(family)
    members.sort(key=lambda m: (m.resident_id != family.head_id, m.since, m.pk))
    return FamilyCard(family, members)


def family_search(
    user: User | AnonymousUser, query: str, *, office: Office | None = None
) -> FamilySearch:
    """Families whose No. KK is `query`, or with a current member whose NIK is `query`, in the
    offices `user` handles cases for (only `office`, when given); and the resident with that
    NIK when they are in no KK. Anything but 16 digits finds nothing."""
    query = to_ascii_digits("".join(query.split()))
    if len(query) != 16 or not is_ascii_digits(query):
        return FamilySearch(query, [], [])
    families = families_of(user)
    residents = residents_of(user)
    if office is not None:
        families = families.filter(office=office)
        residents = residents.filter(office=office)
    found = list(
        families.filter(
            Q(no_kk=query) | Q(members__resident__nik=query, members__until__isnull=True)
        )
        .select_related("head", "district")
        .distinct()
        .order_by("no_kk")[:MAX_FAMILIES]
    )
    loose: list[Resident] = []
    if not found:
        resident = residents.filter(nik=query).first()
        in_family = (
            resident is not None
            and FamilyMember.objects.filter(resident=resident, until__isnull=True).exists()
        )
        if resident is not None and not in_family:
            loose.append(resident)
    return FamilySearch(query, [family_card(f) for f in found], loose)


def family_by_no_kk(user: User | AnonymousUser, no_kk: str) -> Family | None:
    return families_of(user).filter(no_kk=no_kk.strip()).first()
