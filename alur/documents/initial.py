"""The entry forms' initial values: the entry being corrected, the application's fields, or what
a family (or a resident in no KK) found by the form's search fills in."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alur.documents.forms import REPLACEMENT_REASONS
from alur.documents.services import case_documents
from alur.intake.selectors import application_of
from alur.registry.choices import Relation
from alur.registry.models import Family, Resident
from alur.registry.selectors import FamilyCard
from alur.workflow.models import Case

INITIAL_FROM_APPLICATION: dict[str, dict[str, str]] = {
    "S2b": {"reason": "reason", "destination_address": "destination"},
    "S2c": {"reason": "reason"},
    "S2d": {"nik": "child_nik"},
    "S2e": {
        "name": "child_name",
        "birth_date": "child_birth_date",
        "birth_place": "child_birth_place",
    },
    "S2f": {"nik": "deceased_nik", "died_on": "death_date", "death_place": "death_place"},
}


def initial_of(case: Case) -> dict[str, Any]:
    for document in case_documents(case):
        if document.data.get("entry"):
            return dict(document.data["entry"])
    application = application_of(case)
    if application is None:
        return {}
    fields = application.fields or {}
    initial = {
        key: fields[source]
        for key, source in INITIAL_FROM_APPLICATION.get(case.sop.code, {}).items()
        if fields.get(source)
    }
    if case.sop.code == "S2c":
        initial["nik"] = application.applicant_nik
        reason = str(initial.get("reason", "")).lower().replace(" ", "_")
        initial["reason"] = reason if reason in REPLACEMENT_REASONS else ""
    if case.sop.code == "S2e":
        initial["applied_on"] = timezone.localdate(application.created_at).isoformat()
    return initial


def _home_of(row: Family | Resident) -> dict[str, Any]:
    return {
        "address": row.address,
        "rt": row.rt,
        "rw": row.rw,
        "village": row.village,
        "district_code": row.district_id,
        "postal_code": row.postal_code,
    }


def fill_family_change(card: FamilyCard) -> dict[str, Any]:
    """S2a on an existing KK: its number, head, the others with their relation, its address."""
    others = [m for m in card.members if m.resident_id != card.family.head_id]
    return _home_of(card.family) | {
        "no_kk": card.family.no_kk,
        "head_nik": card.family.head.nik,
        "members": "\n".join(f"{m.resident.nik} {m.relation}" for m in others),
    }


def fill_new_head(resident: Resident) -> dict[str, Any]:
    """S2a for a resident in no KK: the head of a new KK, at their address."""
    return _home_of(resident) | {"no_kk": "", "head_nik": resident.nik}


def fill_movers(card: FamilyCard) -> dict[str, Any]:
    """S2b: every member of the KK moves (the operator strikes out who stays)."""
    return {"niks": "\n".join(m.resident.nik for m in card.members)}


def fill_mover(resident: Resident) -> dict[str, Any]:
    return {"niks": resident.nik}


def fill_parents(card: FamilyCard) -> dict[str, Any]:
    """S2e: the parents' KK, the father and mother among its members (head and spouse)."""
    head = card.family.head
    spouse = card.member(Relation.WIFE) or card.member(Relation.HUSBAND)
    father = head if head.sex == "L" else (spouse.resident if spouse else None)
    mother = head if head.sex == "P" else (spouse.resident if spouse else None)
    values: dict[str, Any] = {"no_kk": card.family.no_kk, "father_nik": "", "mother_nik": ""}
    if father is not None:
        values |= {"father_nik": father.nik, "father_name": father.name}
    if mother is not None:
        values |= {"mother_nik": mother.nik, "mother_name": mother.name}
    return values
