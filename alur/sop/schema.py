"""The SOP schema: one SOP file as typed data.

A file holds the identity page of a Permenpan-RB 35/2012 SOP (nomor, nama, tanggal, disahkan
oleh, dasar hukum, kualifikasi pelaksana, keterkaitan, peralatan/perlengkapan, peringatan,
pencatatan dan pendataan) and its flow table: the actors (the pelaksana columns) and the
numbered steps with their mutu baku (kelengkapan, waktu, output) and keterangan.

The models check what one value or one object can tell by itself (types, patterns, unknown
keys, a time standard that contradicts its own text). Checks across the file (an actor or a
step that a step refers to, step numbering, the deadline's clock, declared and handled form and
action keys) are in `alur.sop.consistency`.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from alur.org.choices import PositionKind

# One working day in minutes: 37.5 hours a week over five days (Perpres 21/2023).
WORKING_DAY_MINUTES = 450

END: Final = "end"  # a step target: the procedure is finished
APPLICANT = "applicant"  # a return target: back to the outside party who submitted the case

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
StepKeyName = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", max_length=60)
]
SopCode = Annotated[str, StringConstraints(pattern=r"^S[0-9]+[a-z]?$")]
OfficeCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}(\.[0-9]{2})?$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _without_unset_options(
    model: BaseModel, handler: SerializerFunctionWrapHandler, names: tuple[str, ...]
) -> dict[str, Any]:
    """The model's dump without the optional fields `names` while they are unset (None).

    Fields added to the schema after SOPs were stored are left out of the dump when a file does
    not use them, so that a stored revision keeps its checksum (alur.sop.services.definition_of).
    """
    data = handler(model)
    for name in names:
        if data.get(name) is None:
            data.pop(name, None)
    return data


# Targets -----------------------------------------------------------------------------------


def _step_or(word: str) -> Any:
    """A validator for a target that is a step number or one fixed word."""

    def check(value: Any) -> Any:
        if value == word or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            return value
        raise PydanticCustomError(
            "step_target",
            "must be a step number or '{word}', not {value}",
            {"word": word, "value": repr(value)},
        )

    return BeforeValidator(check)


# A step to go to: a step number or "end".
Forward = Annotated[int | str, _step_or(END)]
# A step to go back to: an earlier step number or "applicant".
Back = Annotated[int | str, _step_or(APPLICANT)]


# Identity page -----------------------------------------------------------------------------


class ListItem(_Model):
    """One item of an identity-page list; `items` holds its printed sub-items, if any."""

    text: Text
    items: list[Text] = []

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"text": value}
        if isinstance(value, dict):
            return value
        raise PydanticCustomError(
            "list_item",
            "write text, or a mapping with text and items (got {value})",
            {"value": repr(value)},
        )


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari",),
            ("februari", "pebruari"),
            ("maret",),
            ("april",),
            ("mei",),
            ("juni",),
            ("juli",),
            ("agustus",),
            ("september",),
            ("oktober",),
            ("november", "nopember"),
            ("desember",),
        ],
        start=1,
    )
    for name in names
}


def parse_sop_date(text: str) -> tuple[date, Literal["day", "month"]] | None:
    """Read a date as SOPs print it: "19 Januari 2022", "Januari 2022", "03-02-2023"."""
    cleaned = " ".join(text.replace("–", "-").replace("—", "-").split()).lower()
    try:
        if match := re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", cleaned):
            if (month := MONTHS.get(match[2])) is not None:
                return date(int(match[3]), month, int(match[1])), "day"
        elif match := re.fullmatch(r"([a-z]+) (\d{4})", cleaned):
            if (month := MONTHS.get(match[1])) is not None:
                return date(int(match[2]), month, 1), "month"
        elif match := re.fullmatch(r"(\d{1,2}) ?[-/.] ?(\d{1,2}) ?[-/.] ?(\d{4})", cleaned):
            return date(int(match[3]), int(match[2]), int(match[1])), "day"
        elif match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", cleaned):
            return date(int(match[1]), int(match[2]), int(match[3])), "day"
    except ValueError:
        return None
    return None


class SopDate(_Model):
    """A date as printed ("Januari 2022") and read: `value` is the day, or the month's first day.

    A file gives the printed text; the stored form (text, value, precision) validates too, as
    long as value and precision are what the text says.
    """

    text: Text
    value: date
    precision: Literal["day", "month"]

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, date):
            return {"text": value.isoformat(), "value": value, "precision": "day"}
        stored: dict[str, Any] = {}
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            stored, value = value, value["text"]
            if set(stored) - {"text", "value", "precision"}:
                return stored  # the model reports the unknown keys
        if not isinstance(value, str):
            raise PydanticCustomError(
                "sop_date", "write the date as printed, e.g. '19 Januari 2022' or 'Januari 2022'"
            )
        parsed = parse_sop_date(value)
        if parsed is None:
            raise PydanticCustomError(
                "sop_date",
                "cannot read the date {text}: write '19 Januari 2022', 'Januari 2022' or "
                "'03-02-2023'",
                {"text": repr(value)},
            )
        day, precision = parsed
        if ("value" in stored and str(stored["value"]) != day.isoformat()) or (
            "precision" in stored and stored["precision"] != precision
        ):
            raise PydanticCustomError(
                "sop_date",
                "the text {text} reads as {day} ({precision}), not as the value given",
                {"text": repr(value), "day": day.isoformat(), "precision": precision},
            )
        return {"text": value.strip(), "value": day, "precision": precision}


class Dates(_Model):
    """Tanggal pembuatan, revisi and efektif."""

    created: SopDate | None = None
    revised: SopDate | None = None
    effective: SopDate | None = None


class Approver(_Model):
    """Disahkan oleh: the position as printed, the official's name, rank and NIP."""

    title: Text
    name: Text
    rank: Text | None = None
    nip: Annotated[str, StringConstraints(pattern=r"^[0-9]{8} ?[0-9]{6} ?[0-9] ?[0-9]{3}$")]


class Deadline(_Model):
    """The SOP's overall time limit, in working time, and the steps that start and stop it.

    The clock starts when the case enters `clock_start_step` and stops when `clock_stop_step`
    is done (or the case ends earlier through a decision). `working_days`, when the SOP states
    days, is what the engine counts on the office's calendar; `working_minutes` is the same
    limit in minutes of a standard working day (WORKING_DAY_MINUTES).
    """

    text: Text
    working_minutes: PositiveInt
    working_days: PositiveInt | None = Field(default=None, validate_default=True)
    clock_start_step: PositiveInt
    clock_stop_step: PositiveInt

    @field_validator("working_days")
    @classmethod
    def _days_match_minutes(cls, days: int | None, info: ValidationInfo) -> int | None:
        minutes = info.data.get("working_minutes")
        if days is not None and minutes is not None and days * WORKING_DAY_MINUTES != minutes:
            raise PydanticCustomError(
                "deadline_days",
                "{days} working day(s) are {expected} working minutes, not {minutes}",
                {"days": days, "expected": days * WORKING_DAY_MINUTES, "minutes": minutes},
            )
        return days

    @field_validator("clock_stop_step")
    @classmethod
    def _stop_after_start(cls, stop: int, info: ValidationInfo) -> int:
        start = info.data.get("clock_start_step")
        if start is not None and stop < start:
            raise PydanticCustomError(
                "deadline_clock",
                "the clock stops at step {stop}, before it starts at step {start}",
                {"stop": stop, "start": start},
            )
        return stop


# Actors ------------------------------------------------------------------------------------


class ActorKind(StrEnum):
    POSITION = "position"  # a position in an office (Kadis, Kasi, operator, mitra, ...)
    APPLICANT = "applicant"  # pemohon: the citizen who applies
    INFORMANT = "informant"  # pelapor: who reports a complaint or a resident
    OTHER_OFFICE = "other_office"  # an agency outside the Dukcapil hierarchy


class ActorOffice(StrEnum):
    """Where a position sits, relative to the office that owns the SOP."""

    SAME = "same"
    CHILD = "child"  # the kab/kota offices of a province office
    PARENT = "parent"  # the province office of a kab/kota office
    NATIONAL = "national"  # Ditjen Dukcapil


class Actor(_Model):
    """One pelaksana column of the flow table."""

    id: Identifier
    label: Text  # as printed in the column head
    kind: Annotated[ActorKind, Field(strict=False)]
    position: Annotated[PositionKind | None, Field(strict=False)] = Field(
        default=None, validate_default=True
    )
    office: Annotated[ActorOffice | None, Field(strict=False)] = Field(
        default=None, validate_default=True
    )
    # The unit (bidang or seksi, as the office names it) whose holders of `position` do this
    # actor's steps, when it is narrower than the SOP's own unit: "KASI IDENTITAS PENDUDUK".
    unit: Text | None = Field(default=None, validate_default=True)

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_unset_options(self, handler, ("unit",))

    @field_validator("position")
    @classmethod
    def _position_for_positions(
        cls, position: PositionKind | None, info: ValidationInfo
    ) -> PositionKind | None:
        kind = info.data.get("kind")
        if kind == ActorKind.POSITION and position is None:
            raise PydanticCustomError("actor_position", "required for an actor of kind 'position'")
        if kind not in (None, ActorKind.POSITION) and position is not None:
            raise PydanticCustomError(
                "actor_position",
                "only an actor of kind 'position' has a position (this one is {kind})",
                {"kind": repr(str(kind))},
            )
        return position

    @field_validator("office")
    @classmethod
    def _office_for_positions(
        cls, office: ActorOffice | None, info: ValidationInfo
    ) -> ActorOffice | None:
        kind = info.data.get("kind")
        if kind == ActorKind.POSITION:
            return office or ActorOffice.SAME
        if kind is not None and office is not None:
            raise PydanticCustomError(
                "actor_office",
                "only an actor of kind 'position' sits in an office (this one is {kind})",
                {"kind": repr(str(kind))},
            )
        return office

    @field_validator("unit")
    @classmethod
    def _unit_for_own_positions(cls, unit: str | None, info: ValidationInfo) -> str | None:
        if unit is None:
            return unit
        if info.data.get("kind") != ActorKind.POSITION:
            raise PydanticCustomError(
                "actor_unit", "only an actor of kind 'position' sits in a unit"
            )
        if info.data.get("office") not in (None, ActorOffice.SAME):
            raise PydanticCustomError(
                "actor_unit",
                "a unit names one of the SOP's own office's units: only for office 'same'",
            )
        return unit

    @property
    def is_outside_party(self) -> bool:
        return self.kind in (ActorKind.APPLICANT, ActorKind.INFORMANT)


# Steps -------------------------------------------------------------------------------------

_NO_TIME = re.compile(r"[-–—]")
_SINGLE = re.compile(r"(\d+) ?(menit|mnt|jam)?")
_RANGE = re.compile(r"(\d+) ?(?:sd\.?|s\.d\.?|s/d|-|–|—) ?(\d+) ?(menit|mnt|jam)?")


def parse_time_text(text: str) -> tuple[int, int] | Literal["none"] | None:
    """Read a printed time standard as (min, max) minutes, "none" for "-", None if unreadable."""
    cleaned = " ".join(text.lower().split())
    if _NO_TIME.fullmatch(cleaned):
        return "none"
    if match := _SINGLE.fullmatch(cleaned):
        factor = 60 if match[2] == "jam" else 1
        return int(match[1]) * factor, int(match[1]) * factor
    if match := _RANGE.fullmatch(cleaned):
        factor = 60 if match[3] == "jam" else 1
        return int(match[1]) * factor, int(match[2]) * factor
    return None


class TimeStandard(_Model):
    """Waktu: the seed's text and its minutes, a range {min, max}, or none ("-")."""

    text: Text
    minutes: NonNegativeInt | None = None
    min: NonNegativeInt | None = None
    max: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        has_range = self.min is not None or self.max is not None
        if self.minutes is not None and has_range:
            raise PydanticCustomError("time", "give minutes or min/max, not both")
        if has_range and (self.min is None or self.max is None):
            raise PydanticCustomError("time", "a range needs both min and max")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise PydanticCustomError(
                "time",
                "min ({min}) must be less than max ({max})",
                {"min": self.min, "max": self.max},
            )
        read = parse_time_text(self.text)
        given = self.bounds
        if read == "none":
            if given is not None:
                raise PydanticCustomError(
                    "time",
                    "the text {text} means no time standard, but minutes are given",
                    {"text": repr(self.text)},
                )
        elif read is None:
            if given is None:
                raise PydanticCustomError(
                    "time",
                    "cannot read {text} as minutes: give minutes (or min and max)",
                    {"text": repr(self.text)},
                )
        elif given != read:
            expected = f"{read[0]}" if read[0] == read[1] else f"{read[0]}–{read[1]}"
            actual = (
                "none"
                if given is None
                else (f"{given[0]}" if given[0] == given[1] else f"{given[0]}–{given[1]}")
            )
            raise PydanticCustomError(
                "time",
                "the text {text} reads as {expected} minutes, but {actual} are given",
                {"text": repr(self.text), "expected": expected, "actual": actual},
            )
        return self

    @property
    def bounds(self) -> tuple[int, int] | None:
        """(low, high) minutes; None when the step has no time standard."""
        if self.minutes is not None:
            return self.minutes, self.minutes
        if self.min is not None and self.max is not None:
            return self.min, self.max
        return None


class Branch(_Model):
    """One answer of a decision: its printed label and where the case goes.

    Without `goto` or `back_to` the case goes on to the step's next step. `goto` jumps forward
    (a later step, or "end"); `back_to` returns the case, with a reason, to an earlier step or to
    the applicant, who completes the files and resubmits them to the step that returned them.
    """

    label: Text
    goto: Forward | None = None
    back_to: Back | None = Field(default=None, validate_default=True)

    @field_validator("back_to")
    @classmethod
    def _one_target(cls, back_to: int | str | None, info: ValidationInfo) -> int | str | None:
        if back_to is not None and info.data.get("goto") is not None:
            raise PydanticCustomError("branch", "give goto or back_to, not both")
        return back_to


class Rejection(_Model):
    """A third answer of a decision that ends the case as refused ("Ditolak"), the reason told
    to the applicant. Only where the SOP itself says so: a "Tidak"/"Perbaikan" answer returns the
    case (back_to) or goes on (goto); it never refuses the application."""

    label: Text


class Decision(_Model):
    """A decision at the end of a step: Sesuai/Perbaikan, Ya/Tidak, Lengkap/Tidak lengkap, and
    where the SOP allows it, a refusal (`reject`)."""

    question: Text
    if_yes: Branch
    if_no: Branch
    reject: Rejection | None = None

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_unset_options(self, handler, ("reject",))


class Step(_Model):
    """One numbered row of the flow table."""

    number: PositiveInt
    actor: Identifier
    activity: Text  # kegiatan/aktivitas, as printed
    inputs: list[ListItem] = []  # kelengkapan / persyaratan
    time: TimeStandard  # waktu
    output: Text | None = None
    notes: Text | None = None  # keterangan
    decision: Decision | None = None
    form: StepKeyName | None = None  # what the actor fills in (alur.sop.registry)
    action: StepKeyName | None = None  # what the system does when the step is done
    next: Forward | None = None  # a later step or "end"; default: the following step

    @property
    def minutes(self) -> tuple[int, int] | None:
        return self.time.bounds


class Sop(_Model):
    """One SOP: the identity page, the actors and the flow."""

    code: SopCode  # S0, S1, S2a … S2g, S3, S4
    revision: PositiveInt
    number: Text | None = None  # nomor SOP
    name: Text  # nama SOP, as printed
    flow_title: Text | None = None  # the heading over the flow table, when it has its own
    office: OfficeCode  # the owning office's Kemendagri code: "19", "18.08"
    unit: Text | None = None
    section: Text | None = None  # the seksi or subbagian, when the kop names one
    dates: Dates
    approver: Approver
    legal_basis: list[ListItem] = []  # dasar hukum
    qualifications: list[ListItem] = []  # kualifikasi pelaksana
    related: list[ListItem] = []  # keterkaitan
    equipment: list[ListItem] = []  # peralatan/perlengkapan
    warnings: list[ListItem] = []  # peringatan
    records: list[ListItem] = []  # pencatatan dan pendataan
    deadline: Deadline | None = None
    actors: Annotated[list[Actor], Field(min_length=1)]
    steps: Annotated[list[Step], Field(min_length=1)]

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        raise KeyError(number)

    def next_of(self, step: Step) -> int | Literal["end"]:
        """Where a step that is done goes when no decision sends the case elsewhere."""
        if step.next is not None:
            return END if step.next == END else int(step.next)
        return step.number + 1 if step.number < len(self.steps) else END

    @property
    def total_minutes(self) -> tuple[int, int]:
        """The sum of the steps' time standards as (low, high); steps without one count 0."""
        low = high = 0
        for step in self.steps:
            if (bounds := step.minutes) is not None:
                low, high = low + bounds[0], high + bounds[1]
        return low, high
