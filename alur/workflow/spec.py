"""What the engine needs to know of a procedure, independent of how SOP files are written.

`alur.sop` turns a validated SOP into a `ProcedureSpec`; the engine reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

APPLICANT = "applicant"  # a return target: back to the applicant; the SLA clock stops


class ActorKind(StrEnum):
    POSITION = "position"  # a position kind in some office
    APPLICANT = "applicant"  # the citizen who applies
    INFORMANT = "informant"  # whoever reports (a partner, the public)
    OTHER = "other"  # an outside party the system only records


class OfficeRelation(StrEnum):
    SAME = "same"  # the case's office
    PARENT = "parent"  # the office above (province of a kab/kota)
    CHILDREN = "children"  # every kab/kota under a province office (one task each)
    NATIONAL = "national"  # Ditjen Dukcapil


@dataclass(frozen=True)
class ActorSpec:
    id: str
    label: str
    kind: ActorKind
    position_kind: str | None = None
    office: OfficeRelation = OfficeRelation.SAME

    @property
    def is_outside(self) -> bool:
        return self.kind != ActorKind.POSITION


@dataclass(frozen=True)
class StepSpec:
    number: int
    activity: str
    actor: str
    minutes: int | None  # the mutu baku time; the upper bound of a range
    output: str = ""
    next: int | None = None  # None: the following step (or the end after the last)
    returns: tuple[int | str, ...] = ()  # allowed return targets: earlier steps or APPLICANT
    question: str = ""  # the decision asked here, if any
    form: str | None = None
    action: str | None = None


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    revision: int
    name: str
    actors: dict[str, ActorSpec]
    steps: tuple[StepSpec, ...]
    deadline_minutes: int | None = None  # working minutes from clock start to clock stop
    clock_start: int | None = None  # the step whose start starts the deadline clock
    clock_stop: int | None = None  # the step whose completion stops it
    numbers: dict[int, StepSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", {s.number: s for s in self.steps})

    def step(self, number: int) -> StepSpec:
        return self.numbers[number]

    def actor_of(self, number: int) -> ActorSpec:
        return self.actors[self.numbers[number].actor]

    def following(self, number: int) -> int | None:
        """The step after `number` on the "done" path, or None at the end."""
        step = self.numbers[number]
        if step.next is not None:
            return step.next
        later = [s.number for s in self.steps if s.number > number]
        return min(later) if later else None

    @property
    def first(self) -> int:
        return self.steps[0].number
