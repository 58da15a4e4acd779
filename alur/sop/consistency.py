"""The checks across an SOP file, after (or beside) its schema: actors, step numbering, the
targets of next and decisions, the step keys (declared, described and handled), the deadline's
clock and every step reachable. On broken data they look at the parts that validate (`View`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from alur.sop.errors import SopError
from alur.sop.registry import KeyKind, StepRegistry
from alur.sop.schema import APPLICANT, END, Actor, ActorKind, ActorOffice, Deadline, Sop, Step

NATIONAL_OFFICE = "00"
OUTSIDE_KINDS = frozenset({ActorKind.APPLICANT.value, ActorKind.INFORMANT.value})

M = TypeVar("M", bound=BaseModel)


@dataclass
class View:
    """What the cross-file checks look at: the SOP, or the parts of broken data that validate."""

    office: str | None
    actors: list[tuple[int, Actor]]
    actor_ids: list[str]
    steps: list[Step]
    numbers: list[int | None]  # every step's number in file order; None where unusable
    deadline: Deadline | None
    has_outside_party: bool  # an actor of kind applicant or informant, even a broken one

    @property
    def numbering_is_sound(self) -> bool:
        """Every step has a usable, distinct number: only then does a missing target count."""
        usable = [n for n in self.numbers if n is not None]
        return len(usable) == len(self.numbers) == len(set(usable))

    @classmethod
    def of_sop(cls, sop: Sop) -> View:
        return cls(
            office=sop.office,
            actors=list(enumerate(sop.actors)),
            actor_ids=[actor.id for actor in sop.actors],
            steps=list(sop.steps),
            numbers=[step.number for step in sop.steps],
            deadline=sop.deadline,
            has_outside_party=any(actor.is_outside_party for actor in sop.actors),
        )

    @classmethod
    def of_data(cls, data: dict[str, Any]) -> View:
        actors, steps = data.get("actors"), data.get("steps")
        raw_actors = actors if isinstance(actors, list) else []
        raw_steps = steps if isinstance(steps, list) else []
        office = data.get("office")
        return cls(
            office=office if isinstance(office, str) else None,
            actors=[(i, a) for i, raw in enumerate(raw_actors) if (a := _valid(Actor, raw))],
            actor_ids=[raw["id"] for raw in raw_actors if isinstance(raw, dict) and "id" in raw],
            steps=[s for raw in raw_steps if (s := _valid(Step, raw))],
            numbers=[
                raw.get("number")
                if isinstance(raw, dict)
                and isinstance(raw.get("number"), int)
                and not isinstance(raw.get("number"), bool)
                and raw["number"] > 0
                else None
                for raw in raw_steps
            ],
            deadline=_valid(Deadline, data.get("deadline")),
            has_outside_party=any(
                isinstance(raw, dict) and raw.get("kind") in OUTSIDE_KINDS for raw in raw_actors
            ),
        )


def _valid(model: type[M], raw: Any) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def check_actors(view: View, file: str) -> list[SopError]:
    errors = []
    seen: set[str] = set()
    for index, actor_id in enumerate(view.actor_ids):
        if actor_id in seen:
            errors.append(
                SopError(file, None, f"actors[{index}].id", f"duplicate actor id {actor_id!r}")
            )
        seen.add(actor_id)
    office = view.office
    if office is None:
        return errors
    for index, actor in view.actors:
        problem = None
        if actor.office == ActorOffice.CHILD and "." in office:
            problem = f"office {office} is a kab/kota office: it has no child offices"
        elif office == NATIONAL_OFFICE and actor.office in (
            ActorOffice.PARENT,
            ActorOffice.NATIONAL,
        ):
            problem = "the SOP belongs to the national office: use 'same'"
        elif actor.office == ActorOffice.PARENT and "." not in office:
            problem = f"office {office} is a province office: its parent is 'national'"
        if problem:
            errors.append(SopError(file, None, f"actors[{index}].office", problem))
    return errors


def check_numbering(view: View, file: str) -> list[SopError]:
    errors = []
    first_at: dict[int, int] = {}
    duplicated = False
    for index, number in enumerate(view.numbers):
        if number is None:
            continue
        if number in first_at:
            duplicated = True
            errors.append(
                SopError(
                    file,
                    number,
                    "number",
                    f"step number {number} is used twice (steps[{first_at[number]}] and "
                    f"steps[{index}])",
                )
            )
        else:
            first_at[number] = index
    if duplicated or None in view.numbers:
        return errors
    for index, number in enumerate(view.numbers):
        if number != index + 1:
            errors.append(
                SopError(
                    file,
                    number,
                    "number",
                    f"expected step {index + 1} here: steps are numbered 1, 2, 3, … in order",
                )
            )
            break
    return errors


def check_steps(view: View, file: str, registry: StepRegistry) -> list[SopError]:
    errors: list[SopError] = []
    numbers = {n for n in view.numbers if n is not None}
    # With a step number unusable or used twice (already reported), a missing target proves
    # nothing.
    complete = view.numbering_is_sound
    known_actors = ", ".join(view.actor_ids)

    def target(step: Step, where: str, value: int | str | None, *, back: bool) -> None:
        if value is None or value in (END, APPLICANT):
            if value == APPLICANT and not view.has_outside_party:
                errors.append(
                    SopError(
                        file,
                        step.number,
                        where,
                        "no actor of kind 'applicant' or 'informant' to return the case to",
                    )
                )
            return
        number = int(value)
        if number not in numbers:
            if complete:
                errors.append(SopError(file, step.number, where, f"there is no step {number}"))
        elif back and number >= step.number:
            errors.append(
                SopError(
                    file,
                    step.number,
                    where,
                    f"must go back to an earlier step than {step.number}, not to step {number}",
                )
            )
        elif not back and number <= step.number:
            errors.append(
                SopError(
                    file,
                    step.number,
                    where,
                    f"must go forward to a step after {step.number}, not to step {number}; "
                    "a decision's back_to returns a case",
                )
            )

    for step in view.steps:
        if step.actor not in view.actor_ids:
            errors.append(
                SopError(
                    file,
                    step.number,
                    "actor",
                    f"unknown actor {step.actor!r} (actors: {known_actors or 'none'})",
                )
            )
        target(step, "next", step.next, back=False)
        if step.decision is not None:
            for name in ("if_yes", "if_no"):
                branch = getattr(step.decision, name)
                target(step, f"decision.{name}.goto", branch.goto, back=False)
                target(step, f"decision.{name}.back_to", branch.back_to, back=True)
        for kind, key in ((KeyKind.FORM, step.form), (KeyKind.ACTION, step.action)):
            problem = None if key is None else registry.problem(kind, key)
            if problem is not None:
                errors.append(SopError(file, step.number, str(kind), problem))
    return errors


def check_deadline(view: View, file: str) -> list[SopError]:
    deadline = view.deadline
    if deadline is None:
        return []
    errors = []
    numbers = {n for n in view.numbers if n is not None}
    if not view.numbering_is_sound:
        return []
    for name in ("clock_start_step", "clock_stop_step"):
        number = getattr(deadline, name)
        if number not in numbers:
            errors.append(SopError(file, None, f"deadline.{name}", f"there is no step {number}"))
    if errors:
        return errors
    least = sum(
        bounds[0]
        for step in view.steps
        if deadline.clock_start_step <= step.number <= deadline.clock_stop_step
        and (bounds := step.minutes) is not None
    )
    if least > deadline.working_minutes:
        errors.append(
            SopError(
                file,
                None,
                "deadline.working_minutes",
                f"steps {deadline.clock_start_step}–{deadline.clock_stop_step} take at least "
                f"{least} minutes, more than the deadline's {deadline.working_minutes}",
            )
        )
    return errors


def check_reachable(sop: Sop, file: str) -> list[SopError]:
    reached = {sop.steps[0].number}
    pending = [sop.steps[0]]
    while pending:
        step = pending.pop()
        targets: list[int | str] = [sop.next_of(step)]
        if step.decision is not None:
            for branch in (step.decision.if_yes, step.decision.if_no):
                targets.append(branch.goto or branch.back_to or sop.next_of(step))
        for target in targets:
            if isinstance(target, int) and target not in reached:
                reached.add(target)
                pending.append(sop.step(target))
    return [
        SopError(file, step.number, "number", "unreachable: no step leads here")
        for step in sop.steps
        if step.number not in reached
    ]
