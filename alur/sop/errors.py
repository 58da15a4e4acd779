"""What loading an SOP file reports: each problem located by file, step and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SopError:
    """One problem in one SOP file, located by step and field."""

    file: str
    step: int | str | None  # a step number, "steps[i]" for an unnumbered step, None: the SOP
    field: str
    message: str

    def __str__(self) -> str:
        if self.step is None:
            where = "-"
        elif isinstance(self.step, int):
            where = f"step {self.step}"
        else:
            where = self.step
        return f"{self.file}:{where}:{self.field or '-'}: {self.message}"


class SopLoadError(Exception):
    """One or more SOP files did not load; `errors` lists every problem found."""

    def __init__(self, errors: Iterable[SopError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))
