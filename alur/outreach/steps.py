"""S3's own keys, each declared once with its description, handler and panel, and its document
service. The handlers run inside the engine's transition.

- `outreach.refer` (step 1, the partner's): the step's data names the referral it brings.
- `outreach.visit` (jemput bola): done only by the assigned officer's recorded visit.
- S3's `documents.enter`: with every needed supporting letter received, the operator registers
  the resident (a new NIK, or the one they already have) as head of a new KK; the drafts of the
  KK and the KTP-el follow.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest

from alur.core.errors import DomainError
from alur.documents.choices import OutputKind
from alur.documents.definitions import EnterRequest, register_document_service
from alur.documents.entry_data import address_of, person_of
from alur.documents.services import draft_ensure
from alur.org.models import User
from alur.outreach.forms import LettersForm, ResidentForm
from alur.outreach.models import Referral
from alur.outreach.selectors import referral_of
from alur.outreach.services.letters import letters_require, require_letters
from alur.outreach.services.referrals import REFER_KEY, SOP_CODE, VISIT_KEY, link_case
from alur.outreach.services.visits import check_visit_done
from alur.registry.models import Family
from alur.registry.services.families import family_create
from alur.registry.services.residents import resident_register, resident_update
from alur.sop.registry import Completion, KeyKind, declare
from alur.workflow.choices import Outcome
from alur.workflow.models import Case, Task
from alur.workflow.services import StepContext, task_complete


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
        family: Family | None
        resident, _warnings = resident_register(office=case.office, data=data, actor=request.actor)
        family = family_create(
            office=case.office,
            head=resident,
            home=home,
            actor=request.actor,
            no_kk=str(request.data.get("siak_no_kk") or ""),  # an office on SIAK: SIAK's No. KK
        )
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


def read_letters(request: HttpRequest, task: Task) -> dict[str, Any] | None:
    """Step 2's finding: the supporting letters the resident needs (none: none needed)."""
    form = LettersForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pilih surat pendukung dari daftar yang ada.")
        return None
    return {"kinds": form.cleaned_data["kinds"]}


def letters_record(task: Task, actor: User, data: dict[str, Any]) -> None:
    """The letters needed are recorded and step 2 is done, in the endpoint's transaction."""
    referral = referral_of(task.case)
    if referral is None:
        raise DomainError("Perkara ini tidak memiliki rujukan Dukcapil Siaga.")
    letters_require(referral=referral, kinds=data["kinds"], actor=actor)
    task_complete(task=task, actor=actor, outcome=Outcome.DONE)


def register() -> None:
    from alur.outreach import panels

    declare(
        REFER_KEY,
        KeyKind.FORM,
        on_refer,
        description="A partner (kecamatan, kelurahan, social worker, Dinsos) reports a "
        "vulnerable resident without documents.",
    )
    declare(
        VISIT_KEY,
        KeyKind.FORM,
        on_visit,
        description="Visit the resident (jemput bola) and record the KTP-el biometrics there.",
        panel=panels.visit_panel,
        replaces_outcome=True,
    )
    # S3's forms on keys other apps own: the supporting letters on the requirements check,
    # the verification on the reviewer's decision.
    declare(
        "intake.requirements",
        panel=panels.letters_panel,
        replaces_outcome=True,
        completion=Completion(
            read=read_letters,
            run=letters_record,
            success="Kebutuhan surat pendukung tersimpan.",
            applies=lambda case: case.sop.code == SOP_CODE,
        ),
    )
    declare("review.decide", panel=panels.verify_panel, replaces_outcome=True)
    register_document_service(
        SOP_CODE,
        name="Dukcapil Siaga (KK dan KTP-el penduduk rentan)",
        outputs=(OutputKind.KK, OutputKind.KTP_EL),
        enter=enter_resident,
        enter_form=ResidentForm,
        enter_template="outreach/panels/enter.html",
        enter_initial=resident_initial,
    )
