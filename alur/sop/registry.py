"""Step keys: the closed vocabulary SOP files may name, each declared once with all it needs.

A step's `form` names what its actor fills in; its `action` names what the system does when the
step is done. Every key an SOP uses must be declared, so a typo fails validation instead of a
running case, and every declared key an SOP uses must be handled: by a domain app's handler, or
by the engine itself (`generic=True`: a reviewer's decision, the applicant's submission that
starts the case). A key used without either fails `load_sops` and `validate_sops`.

A domain app declares each of its keys once, in its `steps.py`: the key's description, its
handler, the panel the case page shows for it and, for a step whose task is completed with data
from that panel, its `Completion` (read by the generic endpoint `workflow:task_complete`):

    from alur.sop.registry import Completion, KeyKind, declare

    declare("logistics.ship", KeyKind.FORM, on_ship, description="Record a shipment ...",
            panel=step_panel, replaces_outcome=True, completion=Completion(read=posted))

Another app may add a panel (or a completion for its own cases) to a key it does not own:
`declare("letters.draft", panel=draft_panel)`. The panels and completions take the engine's
request, case, task and step; this module, below the engine, only stores them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from difflib import get_close_matches
from enum import StrEnum
from typing import Any

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

Handler = Callable[..., Any]


class KeyKind(StrEnum):
    FORM = "form"
    ACTION = "action"


class RegistryError(Exception):
    """A key that is malformed, declared twice with different meanings, or unknown."""


@dataclass(frozen=True)
class Panel:
    """What the case page shows for an open task of the key: `render(request, case, task, step)`
    returns HTML or None. One that owns the whole step (signing needs a passphrase, not only
    "Sesuai") replaces the generic outcome form."""

    render: Callable[..., Any]
    replaces_outcome: bool = False


@dataclass(frozen=True)
class Completion:
    """The task is completed with data posted from the key's panel to the generic endpoint.

    `read(request, task)` returns the handler's data, or None when the post was answered without
    completing (a search, a form with errors: what was typed is kept by `read`); a step whose
    panel only confirms has no `read`.
    `refused(request, task, error)` keeps what was typed when the handler refuses; the default
    shows the error. `run(task, actor, data)` replaces the plain completion when the step's
    service does more in the same transaction. `applies(case)` picks, among the completions of a
    key, the one for the case (None: every case)."""

    read: Callable[[Any, Any], dict[str, Any] | None] | None = None  # None: no data
    success: str = "Langkah selesai; perkara diteruskan."
    refused: Callable[[Any, Any, Exception], None] | None = None
    run: Callable[[Any, Any, dict[str, Any]], Any] | None = None
    applies: Callable[[Any], bool] | None = None
    anchor: bool = False  # a post not completed returns to the task's place (#tugas-<id>)
    personal: bool = False  # the form carries residents' data: the handling unit's staff only


@dataclass(frozen=True)
class StepKey:
    """A declared key: what it means, who handles it, what the case page shows for it."""

    key: str
    kind: KeyKind | None  # None while only panels were added (by an app that does not own it)
    description: str = ""
    handler: Handler | None = None
    generic: bool = False  # completed by the engine's own outcome form; no handler needed
    panels: tuple[Panel, ...] = ()
    completions: tuple[Completion, ...] = ()

    @property
    def handled(self) -> bool:
        return self.handler is not None or self.generic

    @property
    def completes_with_data(self) -> bool:
        return bool(self.completions)

    def completion_for(self, case: Any) -> Completion | None:
        return next((c for c in self.completions if c.applies is None or c.applies(case)), None)


class StepRegistry:
    """Declared step keys. Thread-safe; one process-wide instance: `registry`."""

    def __init__(self) -> None:
        self._entries: dict[str, StepKey] = {}
        self._lock = threading.Lock()

    def declare(
        self,
        key: str,
        kind: KeyKind | str | None = None,
        handler: Handler | None = None,
        *,
        description: str | None = None,
        generic: bool = False,
        panel: Callable[..., Any] | None = None,
        replaces_outcome: bool = False,
        completion: Completion | None = None,
    ) -> StepKey:
        """Declare a key (with `kind` and `description`), or add to one: its handler (once), a
        panel, a completion. Declaring the same again (an app's ready() run twice) changes
        nothing. Nothing here depends on the order apps declare in: a key left without a
        description or a handler is reported when SOPs are validated (`problem`)."""
        kind = None if kind is None else KeyKind(kind)
        if not KEY_PATTERN.match(key):
            raise RegistryError(f"{key!r} is not a key: write 'domain.verb', e.g. 'letters.sign'")
        if handler is not None and generic:
            raise RegistryError(f"{key!r}: a generic key has no handler")
        description = (description or "").strip()
        with self._lock:
            entry = self._entries.get(key) or StepKey(key, None)
            if kind is not None:
                if entry.kind is None:
                    entry = replace(entry, kind=kind)
                elif entry.kind != kind:
                    raise RegistryError(
                        f"{key!r} is registered as {_a(entry.kind)}, not {_a(kind)}"
                    )
            if description and description != entry.description:
                if entry.description:
                    raise RegistryError(f"{key!r} is already described: {entry.description!r}")
                entry = replace(entry, description=description)
            if handler is not None and entry.handler is not handler:
                if entry.handler is not None:
                    raise RegistryError(
                        f"{entry.kind or 'the'} {key!r} already has the handler "
                        f"{_name(entry.handler)}"
                    )
                if entry.generic:
                    raise RegistryError(f"{key!r} is generic: the engine handles it")
                entry = replace(entry, handler=handler)
            if generic and not entry.generic:
                if entry.handler is not None:
                    raise RegistryError(f"{key!r} has the handler {_name(entry.handler)}")
                entry = replace(entry, generic=True)
            if panel is not None and all(p.render is not panel for p in entry.panels):
                entry = replace(entry, panels=(*entry.panels, Panel(panel, replaces_outcome)))
            if completion is not None and completion not in entry.completions:
                entry = replace(entry, completions=(*entry.completions, completion))
            self._entries[key] = entry
            return entry

    def get(self, kind: KeyKind | str, key: str) -> StepKey:
        entry = self._entries.get(key)
        if entry is None or entry.kind != KeyKind(kind):
            raise RegistryError(f"{kind} {key!r} is not registered")
        return entry

    def find(self, key: str | None) -> StepKey | None:
        """The declaration of `key` whatever its kind, or None."""
        entry = self._entries.get(key) if key else None
        return entry if entry is not None and entry.kind is not None else None

    def is_registered(self, kind: KeyKind | str, key: str) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.kind == KeyKind(kind)

    def keys(self, kind: KeyKind | str | None = None) -> list[str]:
        return [entry.key for entry in self.entries(kind)]

    def entries(self, kind: KeyKind | str | None = None) -> list[StepKey]:
        wanted = None if kind is None else KeyKind(kind)
        return sorted(
            (
                e
                for e in self._entries.values()
                if e.kind is not None and (wanted is None or e.kind == wanted)
            ),
            key=lambda e: e.key,
        )

    def undeclared(self) -> list[str]:
        """Keys some app added a panel to that no app declares."""
        return sorted(k for k, e in self._entries.items() if e.kind is None)

    def describe_unknown(self, kind: KeyKind | str, key: str) -> str:
        """Why `key` is not a registered key of `kind`, with the nearest registered keys."""
        kind = KeyKind(kind)
        entry = self._entries.get(key)
        if entry is not None and entry.kind is not None:
            return f"{key!r} is registered as {_a(entry.kind)}, not {_a(kind)}"
        near = _near(key, self.keys(kind))
        hint = f"; did you mean {near[0]!r}?" if near else ""
        return f"unknown {kind} key {key!r} (not in alur.sop.registry){hint}"

    def problem(self, kind: KeyKind | str, key: str) -> str | None:
        """Why an SOP may not use `key` as its step's `kind`, or None when it may."""
        if not self.is_registered(kind, key):
            return self.describe_unknown(kind, key)
        entry = self._entries[key]
        if not entry.description:
            return f"{kind} key {key!r} has no description: declare it in its app's steps.py"
        if not entry.handled:
            return (
                f"{kind} key {key!r} has no handler: declare it in its app's steps.py with its "
                "handler, or as generic when the engine's outcome form completes it"
            )
        return None


def _near(key: str, candidates: Iterable[str]) -> list[str]:
    return get_close_matches(key, list(candidates), n=1, cutoff=0.8)


def _a(kind: KeyKind) -> str:
    return f"an {kind}" if kind == KeyKind.ACTION else f"a {kind}"


def _name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"


registry = StepRegistry()


def declare(
    key: str,
    kind: KeyKind | str | None = None,
    handler: Handler | None = None,
    **options: Any,
) -> StepKey:
    """Declare a key (or add a panel or completion to one) in the process-wide registry."""
    return registry.declare(key, kind, handler, **options)
