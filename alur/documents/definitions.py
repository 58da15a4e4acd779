"""Which citizen documents each SOP produces, and how its data-entry step fills them.

A document service is registered once per SOP code, from the registering app's `ready()`:

    register_document_service(
        "S3",
        name="Dukcapil Siaga",
        outputs=("kk", "ktp_el"),
        enter=outreach_enter,           # documents.enter: (EnterRequest) -> None
        enter_form=ResidentForm,        # the form on the case page for that step
        enter_template="outreach/panels/enter.html",
    )

`family_fill` and `person_fill` give the entry form's values for a family (KK) or a resident in
no KK that the operator found with the form's family search; without them the form has no
search.

`enter_initial` gives the initial values of the service's forms (entry and print) from the
case's application. `optional` outputs are made only when the entry calls for them (S2f's
updated KK when the deceased was in one). `print_form` adds fields to the print step and
`card_check` checks a card against them before its blanko is used (S2c's reason, S2d's age and
photo).

The `documents.*` handlers dispatch on the case's SOP code: `documents.enter` calls `enter`,
which registers or changes residents and families through `alur.registry.services` and keeps
each output's draft with `drafts.draft_ensure`; `documents.sign` signs every paper output,
`documents.print` prints every output (cards on a blanko), `documents.handover` hands them all
over. A renderer turns one paper document into the HTML of its PDF; without one the kind's
default (`render.RENDERERS`) is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms

from alur.core.errors import DomainError
from alur.documents.choices import OutputKind

if TYPE_CHECKING:
    from alur.documents.models import CitizenDocument
    from alur.org.models import User
    from alur.registry.models import Resident
    from alur.registry.selectors import FamilyCard
    from alur.workflow.models import Case


@dataclass(frozen=True)
class EnterRequest:
    case: Case
    actor: User | None
    data: dict[str, Any]


Enter = Callable[[EnterRequest], None]
# A card's own checks before it is printed: (case, its resident, the print form's data) -> the
# values kept on the card document (e.g. the reason of a KTP-el replacement).
CardCheck = Callable[["Case", "Resident", dict[str, Any]], dict[str, Any]]
Renderer = Callable[["CitizenDocument"], dict[str, Any]]  # the template context of the PDF
FamilyFill = Callable[["FamilyCard"], dict[str, Any]]
PersonFill = Callable[["Resident"], dict[str, Any]]


@dataclass(frozen=True)
class DocumentService:
    sop_code: str
    name: str
    outputs: tuple[str, ...]
    enter: Enter | None = None
    enter_form: type[forms.Form] | None = None
    enter_template: str = "documents/panels/enter.html"
    enter_initial: Callable[[Case], dict[str, Any]] | None = None
    renderers: dict[str, Renderer] = field(default_factory=dict)
    optional: tuple[str, ...] = ()  # outputs made only when the entry calls for them
    print_form: type[forms.Form] | None = None
    card_check: CardCheck | None = None
    family_fill: FamilyFill | None = None
    person_fill: PersonFill | None = None

    @property
    def required_outputs(self) -> tuple[str, ...]:
        return tuple(kind for kind in self.outputs if kind not in self.optional)


_SERVICES: dict[str, DocumentService] = {}


def register_document_service(
    sop_code: str,
    *,
    name: str,
    outputs: tuple[str, ...],
    enter: Enter | None = None,
    enter_form: type[forms.Form] | None = None,
    enter_template: str | None = None,
    enter_initial: Callable[[Case], dict[str, Any]] | None = None,
    renderers: dict[str, Renderer] | None = None,
    optional: tuple[str, ...] = (),
    print_form: type[forms.Form] | None = None,
    card_check: CardCheck | None = None,
    family_fill: FamilyFill | None = None,
    person_fill: PersonFill | None = None,
) -> DocumentService:
    """Register (or replace, idempotently) the document service of SOP `sop_code`."""
    unknown = [kind for kind in outputs if kind not in OutputKind.values]
    if unknown or not outputs:
        raise ValueError(f"{sop_code}: unknown or missing output kinds {unknown or outputs}")
    service = DocumentService(
        sop_code=sop_code,
        name=name,
        outputs=tuple(outputs),
        enter=enter,
        enter_form=enter_form,
        enter_template=enter_template or "documents/panels/enter.html",
        enter_initial=enter_initial,
        renderers=dict(renderers or {}),
        optional=tuple(optional),
        print_form=print_form,
        card_check=card_check,
        family_fill=family_fill,
        person_fill=person_fill,
    )
    _SERVICES[sop_code] = service
    return service


def service_for(sop_code: str) -> DocumentService | None:
    return _SERVICES.get(sop_code)


def require_service(case: Case) -> DocumentService:
    service = service_for(case.sop.code)
    if service is None:
        raise DomainError(
            f"Layanan dokumen untuk SOP {case.sop.code} belum diatur.", code="no_service"
        )
    return service
