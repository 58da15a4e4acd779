"""S3's own keys and its document service. The handlers run inside the engine's transition.

- `outreach.refer` (step 1, the partner's): the step's data names the referral it brings.
- `outreach.visit` (jemput bola): done only by the assigned officer's recorded visit.
- S3's `documents.enter`: with every needed supporting letter received, the operator registers
  the resident (a new NIK, or the one they already have) as head of a new KK; the drafts of the
  KK and the KTP-el follow.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from alur.core.errors import DomainError
from alur.documents.choices import OutputKind
from alur.documents.definitions import EnterRequest, register_document_service
from alur.documents.entry_data import address_of, person_of
from alur.documents.services import draft_ensure
from alur.outreach.forms import ResidentForm
from alur.outreach.models import Referral
from alur.outreach.selectors import referral_of
from alur.outreach.services.letters import require_letters
from alur.outreach.services.referrals import REFER_KEY, SOP_CODE, VISIT_KEY, link_case
from alur.outreach.services.visits import check_visit_done
from alur.registry.services.families import family_create
from alur.registry.services.residents import resident_register, resident_update
from alur.sop.registry import register_form
from alur.workflow.choices import Outcome
from alur.workflow.models import Case
from alur.workflow.services import StepContext


def on_refer(context: StepContext) -> None:
    if context.outcome == Outcome.DONE:
        link_case(referral_id=context.data.get("referral"), case=context.case, actor=context.actor)


def on_visit(context: StepContext) -> None:
    if context.outcome == Outcome.DONE:
        check_visit_done(context.case, context.actor)


def resident_initial(case: Case) -> dict[str, Any]:
    """The registration form starts from what the partner reported."""
    referral = referral_of(case)
    if referral is None:
        return {}
    person = referral.resident
    if person is not None:
        return {
            name: getattr(person, name)
            for name in ResidentForm.base_fields
            if hasattr(person, name) and name != "district_code"
        } | {"district_code": person.district_id}
    return {
        "name": referral.name,
        "sex": referral.sex,
        "birth_place": referral.birth_place,
        "birth_date": referral.birth_date,
        "address": referral.address,
        "village": referral.village,
        "district_code": referral.district_id or "",
    }


@transaction.atomic
def enter_resident(request: EnterRequest) -> None:
    case = request.case
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(case=case)
        .select_related("resident")
        .first()
    )
    if referral is None:
        raise DomainError("Perkara ini tidak memiliki rujukan.", code="no_referral")
    require_letters(referral)
    home = address_of(request.data)
    data = person_of(request.data, home)
    if referral.resident is None:
        data.nik = data.nik or referral.nik
        resident, _warnings = resident_register(office=case.office, data=data, actor=request.actor)
        family = family_create(office=case.office, head=resident, home=home, actor=request.actor)
        referral.resident, referral.family = resident, family
        referral.save(update_fields=["resident", "family"])
    else:
        resident = resident_update(
            resident=referral.resident, data=data, actor=request.actor, reason="Perbaikan isian"
        )
        family = referral.family
    draft_ensure(
        case=case, kind=OutputKind.KK, actor=request.actor, resident=resident, family=family
    )
    draft_ensure(case=case, kind=OutputKind.KTP_EL, actor=request.actor, resident=resident)


def register() -> None:
    register_form(REFER_KEY, on_refer)
    register_form(VISIT_KEY, on_visit)
    register_document_service(
        SOP_CODE,
        name="Dukcapil Siaga (KK dan KTP-el penduduk rentan)",
        outputs=(OutputKind.KK, OutputKind.KTP_EL),
        enter=enter_resident,
        enter_form=ResidentForm,
        enter_template="outreach/panels/enter.html",
        enter_initial=resident_initial,
    )
