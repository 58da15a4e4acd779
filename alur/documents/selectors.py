from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from alur.documents.definitions import DocumentService
from alur.documents.models import CitizenDocument
from alur.org.models import User
from alur.registry.selectors import family_search
from alur.workflow.models import Case
from alur.workflow.selectors import personal_cases


def documents_of(user: User | AnonymousUser) -> QuerySet[CitizenDocument]:
    """Citizens' documents whose case the person handles (personal data, need-to-know:
    `workflow.selectors.personal_cases`)."""
    return CitizenDocument.objects.filter(personal_cases(user, "case")).select_related(
        "case", "case__sop", "office", "resident", "family", "issued"
    )


def document_for(user: User | AnonymousUser, pk: int) -> CitizenDocument:
    """Document `pk` when `user` handles its case; 404 otherwise."""
    document = documents_of(user).filter(pk=pk).first()
    if document is None:
        raise Http404("Dokumen tidak ditemukan.")
    return document


def entry_fill(
    user: User | AnonymousUser, service: DocumentService, case: Case, choice: str
) -> tuple[str, dict[str, Any] | None]:
    """The entry form's values for a family ("kk:<No. KK>") or a resident in no KK
    ("nik:<NIK>") chosen from the form's family search, looked up again in the case's office
    within the person's reach: (what was chosen, the values), or None when not found."""
    kind, _sep, number = choice.partition(":")
    found = family_search(user, number, office=case.office)
    if kind == "kk" and service.family_fill is not None:
        card = next((c for c in found.families if c.family.no_kk == number), None)
        if card is not None:
            return f"KK {card.family.no_kk}", service.family_fill(card)
    if kind == "nik" and service.person_fill is not None:
        resident = next((r for r in found.loose if r.nik == number), None)
        if resident is not None:
            return f"{resident.name} ({resident.nik})", service.person_fill(resident)
    return choice, None
