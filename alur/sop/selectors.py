"""Reads of stored SOP revisions for the SOP pages and the render command."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from alur.org.access import Capability, office_ids_for
from alur.org.models import Office, User
from alur.sop.models import SopRevision
from alur.sop.render import duration_text, minutes_text
from alur.sop.schema import Sop

_SOPS: dict[tuple[int, str], Sop] = {}


def sop_of(revision: SopRevision) -> Sop:
    """The SOP a revision stores, validated again (no cache: see `sop_for`)."""
    return Sop.model_validate_json(json.dumps(revision.definition))


def sop_for(revision: SopRevision) -> Sop:
    """The validated SOP of a stored revision; read once per revision and process."""
    key = (revision.pk, revision.checksum)
    sop = _SOPS.get(key)
    if sop is None:
        sop = _SOPS[key] = sop_of(revision)
    return sop


def can_read_sops(user: User | AnonymousUser) -> bool:
    """SOPs are public procedure documents: anyone who may view some office may read them."""
    return bool(office_ids_for(user, Capability.VIEW_OFFICE))


def runs_sop(
    user: User | AnonymousUser, code: str, capability: Capability = Capability.HANDLE_CASES
) -> bool:
    """Does one of the active offices where the person has `capability` run the SOP `code` (own
    a stored revision of it)? The menu asks on every page: one query per request for every code,
    kept on the request's user object as `org.access` keeps the person's posts, and nothing kept
    per process, so an SOP loaded by any process shows on the next page of every worker."""
    offices = office_ids_for(user, capability)
    if not offices:
        return False
    known: dict[Capability, frozenset[str]] | None = getattr(user, "_alur_sop_codes", None)
    if known is None:
        known = {}
        vars(user)["_alur_sop_codes"] = known
    if capability not in known:
        running = Office.objects.filter(pk__in=offices, is_active=True).values("code")
        known[capability] = frozenset(
            SopRevision.objects.filter(office_code__in=running)
            .values_list("code", flat=True)
            .distinct()
        )
    return code in known[capability]


def code_order(code: str) -> tuple[int, str]:
    """S0, S1, S2a … S2g, S3, S4, …, S10: by number, then letter."""
    match = re.fullmatch(r"S(\d+)([a-z]?)", code)
    return (int(match[1]), match[2]) if match else (10**6, code)


@dataclass
class SopSummary:
    revision: SopRevision
    sop: Sop
    office: Office | None

    @property
    def steps(self) -> int:
        return len(self.sop.steps)

    @property
    def total_time(self) -> str:
        note = duration_text(*self.sop.total_minutes)
        text = minutes_text(*self.sop.total_minutes)
        return f"{text} ({note})" if note else text


def newest_revisions() -> QuerySet[SopRevision]:
    """The newest stored revision of every SOP code."""
    newest = (
        SopRevision.objects.filter(code=OuterRef("code")).order_by("-revision").values("pk")[:1]
    )
    return SopRevision.objects.filter(pk=Subquery(newest))


def sop_summaries() -> list[SopSummary]:
    """Every SOP at its newest revision, with its office, in code order: two queries."""
    revisions = list(newest_revisions())
    offices = {
        office.code: office
        for office in Office.objects.filter(code__in={r.office_code for r in revisions})
    }
    summaries = [SopSummary(r, sop_for(r), offices.get(r.office_code)) for r in revisions]
    return sorted(summaries, key=lambda s: code_order(s.revision.code))


def revision_of(code: str, revision: int | None = None) -> SopRevision:
    """A stored revision of an SOP (the newest when `revision` is None); 404 if there is none."""
    found = SopRevision.objects.filter(code=code)
    if revision is not None:
        found = found.filter(revision=revision)
    stored = found.order_by("-revision").first()
    if stored is None:
        raise Http404("SOP tidak ditemukan.")
    return stored


def revisions_of(code: str) -> QuerySet[SopRevision]:
    """Every stored revision of an SOP, newest first, with how many cases run on each."""
    return (
        SopRevision.objects.filter(code=code)
        .annotate(case_count=Count("cases"))
        .order_by("-revision")
    )


def office_of(revision: SopRevision) -> Office | None:
    """The office that owns the SOP, when it exists in this installation."""
    return Office.objects.filter(code=revision.office_code).first()
