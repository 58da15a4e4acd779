"""The SOP-to-spec adapter: a stored SOP revision as the engine's `ProcedureSpec`.

`workflow` sits above `sop`: it reads validated SOPs; `sop` knows nothing of the engine."""

from __future__ import annotations

from alur.sop.models import SopRevision
from alur.sop.schema import END, ActorKind, ActorOffice, Sop
from alur.sop.selectors import sop_of
from alur.workflow import spec as wf

_ACTOR_KINDS = {
    ActorKind.POSITION: wf.ActorKind.POSITION,
    ActorKind.APPLICANT: wf.ActorKind.APPLICANT,
    ActorKind.INFORMANT: wf.ActorKind.INFORMANT,
    ActorKind.OTHER_OFFICE: wf.ActorKind.OTHER,
}
_RELATIONS = {
    ActorOffice.SAME: wf.OfficeRelation.SAME,
    ActorOffice.CHILD: wf.OfficeRelation.CHILDREN,
    ActorOffice.PARENT: wf.OfficeRelation.PARENT,
    ActorOffice.NATIONAL: wf.OfficeRelation.NATIONAL,
}


def to_spec(sop: Sop) -> wf.ProcedureSpec:
    actors = {
        a.id: wf.ActorSpec(
            id=a.id,
            label=a.label,
            kind=_ACTOR_KINDS[a.kind],
            position_kind=str(a.position) if a.position else None,
            office=_RELATIONS[a.office] if a.office else wf.OfficeRelation.SAME,
            unit=a.unit,
        )
        for a in sop.actors
    }
    steps = []
    for step in sop.steps:
        bounds = step.minutes
        decision = step.decision
        yes_next = decision.if_yes.goto if decision and decision.if_yes.goto else step.next
        returns: tuple[int | str, ...] = ()
        no_next = None
        if decision is not None:
            if decision.if_no.back_to is not None:
                returns = (decision.if_no.back_to,)
            else:
                no_next = decision.if_no.goto or sop.next_of(step)
        steps.append(
            wf.StepSpec(
                number=step.number,
                activity=step.activity,
                actor=step.actor,
                minutes=bounds[1] if bounds else None,
                output=step.output or "",
                next=None if yes_next is None else (wf.END if yes_next == END else int(yes_next)),
                no_next=None if no_next is None else (wf.END if no_next == END else int(no_next)),
                returns=returns,
                question=decision.question if decision else "",
                yes_label=decision.if_yes.label if decision else "",
                no_label=decision.if_no.label if decision else "",
                form=step.form,
                action=step.action,
                reject_label=decision.reject.label if decision and decision.reject else "",
            )
        )
    deadline = sop.deadline
    return wf.ProcedureSpec(
        code=sop.code,
        revision=sop.revision,
        name=sop.name,
        actors=actors,
        steps=tuple(steps),
        deadline_minutes=deadline.working_minutes if deadline else None,
        clock_start=deadline.clock_start_step if deadline else None,
        clock_stop=deadline.clock_stop_step if deadline else None,
        unit=sop.unit,
        section=sop.section,
    )


_SPECS: dict[tuple[int, str], wf.ProcedureSpec] = {}


def spec_for(revision: SopRevision) -> wf.ProcedureSpec:
    """The engine's view of a stored revision; built once per revision and process."""
    key = (revision.pk, revision.checksum)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = to_spec(sop_of(revision))
    return spec
