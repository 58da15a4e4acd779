"""Loading SOP files into `Sop` objects, with every error located.

Each error reads `file:step:field: message`, where step is "step N" (or "steps[i]" for a step
without a usable number) and "-" for the SOP's own fields. Errors are collected, not stopped at
the first: the schema's, then the checks across the file (actors, step numbering, targets,
form and action keys declared, described and handled, the deadline's clock). A file with any
error yields no `Sop`.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from alur.sop.consistency import (
    View,
    check_actors,
    check_deadline,
    check_numbering,
    check_reachable,
    check_steps,
)
from alur.sop.errors import SopError, SopLoadError
from alur.sop.registry import StepRegistry
from alur.sop.registry import registry as default_registry
from alur.sop.schema import Sop

SOP_DIR = Path(__file__).resolve().parents[2] / "sops"
SUFFIXES = (".yaml", ".yml")

# Our own error kinds carry complete messages: the input is not repeated after them.
_OWN_ERRORS = frozenset(
    {
        "actor_office",
        "actor_position",
        "actor_unit",
        "branch",
        "deadline_clock",
        "deadline_days",
        "list_item",
        "sop_date",
        "step_target",
        "time",
    }
)


@dataclass
class LoadReport:
    """What `check_paths` found: the SOPs that loaded, by file, and every error."""

    files: list[Path] = field(default_factory=list)
    sops: list[tuple[Path, Sop]] = field(default_factory=list)
    errors: list[SopError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_code(self) -> dict[str, Sop]:
        return {sop.code: sop for _, sop in self.sops}


# Public API --------------------------------------------------------------------------------


def load_file(path: Path | str, *, registry: StepRegistry | None = None) -> Sop:
    """Load one SOP file; raise SopLoadError with every problem if it has any."""
    sop, errors = check_file(path, registry=registry)
    if errors or sop is None:
        raise SopLoadError(errors)
    return sop


def load_directory(
    directory: Path | str = SOP_DIR, *, registry: StepRegistry | None = None
) -> dict[str, Sop]:
    """Load every SOP file of a directory, by code; raise SopLoadError if any file has errors."""
    report = check_paths([directory], registry=registry)
    if not report.ok:
        raise SopLoadError(report.errors)
    return report.by_code()


def parse_sop(data: Any, *, file: str = "<data>", registry: StepRegistry | None = None) -> Sop:
    """Validate already-parsed data (a mapping as in a file); raise SopLoadError on problems."""
    sop, errors = validate_data(data, file=file, registry=registry)
    if errors or sop is None:
        raise SopLoadError(errors)
    return sop


def check_paths(paths: Sequence[Path | str], *, registry: StepRegistry | None = None) -> LoadReport:
    """Check files and directories of SOP files; never raises for a bad file."""
    report = LoadReport()
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
            if not found:
                report.errors.append(
                    SopError(display_name(path), None, "-", "no SOP files (*.yaml) here")
                )
            report.files.extend(found)
        elif path.is_file():
            report.files.append(path)
        else:
            report.errors.append(
                SopError(display_name(path), None, "-", "no such file or directory")
            )
    seen: dict[str, Path] = {}
    for path in report.files:
        sop, errors = check_file(path, registry=registry)
        report.errors.extend(errors)
        if sop is None:
            continue
        if sop.code in seen:
            report.errors.append(
                SopError(
                    display_name(path),
                    None,
                    "code",
                    f"the code {sop.code} is also used by {display_name(seen[sop.code])}",
                )
            )
            continue
        seen[sop.code] = path
        report.sops.append((path, sop))
    return report


def check_file(
    path: Path | str, *, registry: StepRegistry | None = None
) -> tuple[Sop | None, list[SopError]]:
    """Read and validate one file: the SOP, or None and the file's errors."""
    path = Path(path)
    name = display_name(path)
    if path.suffix not in SUFFIXES:
        return None, [SopError(name, None, "-", "an SOP file is YAML: name it *.yaml")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [SopError(name, None, "-", f"not UTF-8 text: {exc.reason}")]
    except OSError as exc:
        return None, [SopError(name, None, "-", f"cannot read the file: {exc.strerror}")]
    try:
        data = yaml.load(text, Loader=SopYamlLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [SopError(name, None, "-", f"YAML error{where}: {problem}")]
    except yaml.YAMLError as exc:
        return None, [SopError(name, None, "-", f"YAML error: {exc}")]
    sop, errors = validate_data(data, file=name, registry=registry)
    if sop is not None:
        errors.extend(_check_file_name(sop.code, path, name))
    return (None if errors else sop), errors


def validate_data(
    data: Any, *, file: str, registry: StepRegistry | None = None
) -> tuple[Sop | None, list[SopError]]:
    """Validate parsed data: the SOP if it has no problem, and every problem found."""
    registry = registry or default_registry
    if data is None:
        return None, [SopError(file, None, "-", "the file is empty")]
    if not isinstance(data, dict):
        return None, [SopError(file, None, "-", "an SOP file is a mapping of fields")]
    sop: Sop | None = None
    errors: list[SopError] = []
    try:
        sop = Sop.model_validate(data)
    except ValidationError as exc:
        errors.extend(_from_pydantic(exc, data, file))
    view = View.of_sop(sop) if sop is not None else View.of_data(data)
    errors.extend(check_actors(view, file))
    errors.extend(check_numbering(view, file))
    errors.extend(check_steps(view, file, registry))
    errors.extend(check_deadline(view, file))
    if sop is not None and not errors:
        errors.extend(check_reachable(sop, file))
    return (None if errors else sop), sorted(errors, key=_order)


def _order(error: SopError) -> int:
    """SOP-level errors first, then by step; the sort is stable within each."""
    if error.step is None:
        return 0
    if isinstance(error.step, int):
        return error.step
    return int(error.step.removeprefix("steps[").removesuffix("]")) + 1


def display_name(path: Path) -> str:
    """A file's name for messages: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# YAML --------------------------------------------------------------------------------------


class SopYamlLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, with two fixes for hand-written SOP files.

    Only true/false are booleans (YAML 1.2): "ya", "no", "on" stay text. A key that appears
    twice in one mapping is an error instead of the last one silently winning.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key {key!r} appears twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


SopYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SopYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


# Schema errors -----------------------------------------------------------------------------


def _from_pydantic(exc: ValidationError, data: dict[str, Any], file: str) -> list[SopError]:
    errors = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        step: int | str | None = None
        rest = loc
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            step = _step_label(data, loc[1])
            rest = loc[2:]
        errors.append(SopError(file, step, _join(rest), _message(error, loc)))
    return errors


def _step_label(data: dict[str, Any], index: int) -> int | str:
    steps = data.get("steps")
    if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], dict):
        number = steps[index].get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            return number
    return f"steps[{index}]"


def _join(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "-"


def _message(error: Any, loc: tuple[int | str, ...]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = f"; allowed: {', '.join(model.model_fields)}" if model else ""
        return f"unknown field{allowed}"
    message = str(error["msg"])
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind not in _OWN_ERRORS and "input" in error:
        shown = repr(error["input"])
        message += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return message


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _model_at(loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class that the location points into, when it can be told."""
    current: Any = Sop
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            if get_origin(current) is not list:
                return None
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _check_file_name(code: str, path: Path, name: str) -> list[SopError]:
    if path.stem == code or path.stem.startswith(f"{code}-"):
        return []
    return [
        SopError(name, None, "code", f"the file name must start with '{code}-' (the SOP's code)")
    ]
