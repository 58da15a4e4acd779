"""What the engine needs to know of a procedure, independent of how SOP files are written.

`alur.sop` turns a validated SOP into a `ProcedureSpec`; the engine reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

APPLICANT = "applicant"  # a return target: back to the applicant; the SLA clock stops
END = 0  # a forward target: the procedure is finished
REVIEW_FORM = "review.decide"  # the form key of a reviewer's step (alur.sop.registry)
FILES_FORM = "intake.requirements"  # the requirements check: what it returns is files


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
    unit: str | None = None  # the unit (as the office names it) of the SOP's own office

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
    next: int | None = None  # the "yes" path: None for the following step; END to finish
    no_next: int | None = None  # a decision's forward "no" path (a step or END), if it has one
    returns: tuple[int | str, ...] = ()  # a decision's "no" path back: earlier steps or APPLICANT
    question: str = ""  # the decision asked here, if any
    yes_label: str = ""
    no_label: str = ""
    form: str | None = None
    action: str | None = None
    reject_label: str = ""  # the decision may refuse the application: the SOP says so

    @property
    def may_reject(self) -> bool:
        return bool(self.reject_label)

    @property
    def is_review(self) -> bool:
        """A review step: a decision is taken here (Sesuai/Perbaikan, Ya/Tidak), or its form is
        a reviewer's. One person does not take two of these in a row on one case (see
        `alur.workflow.services`)."""
        return bool(self.question) or self.form == REVIEW_FORM


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
    unit: str | None = None  # the unit that owns the SOP (bidang), as printed
    section: str | None = None  # its seksi or subbagian, when the SOP names one
    numbers: dict[int, StepSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", {s.number: s for s in self.steps})

    def step(self, number: int) -> StepSpec:
        return self.numbers[number]

    def actor_of(self, number: int) -> ActorSpec:
        return self.actors[self.numbers[number].actor]

    def following(self, number: int, *, branch: str = "yes") -> int | None:
        """The step after `number` on the yes (or forward no) path, or None at the end."""
        step = self.numbers[number]
        target = step.no_next if branch == "no" else step.next
        if target == END:
            return None
        if target is not None:
            return target
        later = [s.number for s in self.steps if s.number > number]
        return min(later) if later else None

    @property
    def first(self) -> int:
        return self.steps[0].number
