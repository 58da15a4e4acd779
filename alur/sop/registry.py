"""Step forms and actions: the closed vocabulary that SOP files may name, and their handlers.

A step's `form` names what its actor fills in; its `action` names what the system does when the
step is done. Every key an SOP file uses must be registered here, so a typo fails validation
instead of a running case. The built-in keys below are the whole vocabulary the seed SOPs use;
a domain app attaches its handler to a key from its `AppConfig.ready()`:

    from alur.sop.registry import register_action

    register_action("letters.number", letter_number_assign)

A new key needs a description: `register_form("services.photo", handler, description="...")`.
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
    """A key that is malformed, registered twice with different meanings, or unknown."""


@dataclass(frozen=True)
class StepKey:
    key: str
    kind: KeyKind
    description: str
    handler: Handler | None = None


BUILTIN_FORMS: dict[str, str] = {
    "intake.application": "The applicant or reporter submits the request or complaint with its "
    "files (WhatsApp, web or counter).",
    "intake.requirements": "An officer checks the submitted files against the service's "
    "requirements; what is missing goes back to the applicant.",
    "review.decide": "A reviewer checks the work and answers Sesuai/Ya or Perbaikan/Tidak, with "
    "notes when it goes back.",
    "registry.check": "Look up the resident in the population registry (SIAK): data, family "
    "card, biometric recording.",
    "documents.enter": "Enter the document's data (KK, SKPWNI, akta, ...) in the registry and "
    "prepare its draft.",
    "documents.sign": "The Kadis signs the citizen document electronically (TTE).",
    "documents.handover": "Hand the finished document to the applicant, in person or by PT POS "
    "(tracking number), and archive the files.",
    "letters.draft": "Draft or type an official letter or report (naskah dinas) from its template.",
    "letters.check": "Check (periksa) a letter before its paraf, or send it back for correction.",
    "letters.paraf": "Initial (paraf) a letter in its approval chain, or send it back for "
    "correction.",
    "letters.sign": "Sign a letter with the signer's certificate (TTE), or send it back for "
    "correction.",
    "reports.define": "Define a periodic report: its fields, period, deadline and recipients.",
    "reports.submit": "Enter one office's figures for a period: web form, Excel upload, or "
    "prefilled from the system's own counts.",
    "logistics.ship": "Record a shipment of blanks: carrier, document number, quantities.",
    "logistics.receive": "Inspect a delivery of blanks and take it into the office's stock.",
    "logistics.allocate": "Fix each receiving office's share of the stock, with the rule behind "
    "it (need, pending prints, stock left).",
    "logistics.schedule": "Agree the pick-up or delivery date with each receiving office.",
    "logistics.handover": "Hand blanks over with a signed hibah statement and a BAST; the stock "
    "moves to the receiving office.",
    "complaints.register": "Record a complaint in the complaint register and analyse it.",
    "complaints.resolve": "Decide the solution of a complaint that needs the answering team.",
    "complaints.decide": "The complaint-handling official decides the solution after hearing "
    "the answering team.",
    "complaints.respond": "Explain the answer or solution to the reporter.",
    "outreach.refer": "A partner (kecamatan, kelurahan, social worker, Dinsos) reports a "
    "vulnerable resident without documents.",
    "outreach.visit": "Visit the resident (jemput bola) and record the KTP-el biometrics there.",
}

BUILTIN_ACTIONS: dict[str, str] = {
    "documents.print": "Print the document or card (KK, KTP-el, KIA, akta) and record the blank "
    "it used.",
    "documents.archive": "Register the application in the agenda book and archive its files.",
    "documents.precheck": "Before a card is made, check what its holder must send with the "
    "application (KIA: the child's colour photo from age 5); what is missing goes back to the "
    "applicant.",
    "notify.applicant": "Tell the applicant (WhatsApp) that the document is ready.",
    "letters.number": "Give the letter the next number of its series (gapless, per office and "
    "year).",
    "letters.issue": "Produce the final PDF with number, signature and verification QR code.",
    "letters.deliver": "Send the issued letter or report to its recipients and log the delivery.",
    "reports.distribute": "Send the report form to every reporting office, with reminders "
    "before the deadline.",
    "reports.collect": "Track the reporting offices' submissions (on time, late, missing) and "
    "close the period at the deadline.",
    "reports.aggregate": "Recapitulate the submissions: totals and coverage per office and "
    "for the province.",
    "reports.deliver": "Send the finished report to its recipients and log the delivery.",
}


class StepRegistry:
    """Registered form and action keys. Thread-safe; one process-wide instance: `registry`."""

    def __init__(self) -> None:
        self._entries: dict[str, StepKey] = {}
        self._lock = threading.Lock()

    @classmethod
    def with_builtins(cls) -> StepRegistry:
        fresh = cls()
        for key, description in BUILTIN_FORMS.items():
            fresh.register(KeyKind.FORM, key, description=description)
        for key, description in BUILTIN_ACTIONS.items():
            fresh.register(KeyKind.ACTION, key, description=description)
        return fresh

    def register(
        self,
        kind: KeyKind | str,
        key: str,
        handler: Handler | None = None,
        *,
        description: str | None = None,
    ) -> StepKey:
        """Add a key, or attach a handler to a registered one. Re-registering is idempotent."""
        kind = KeyKind(kind)
        if not KEY_PATTERN.match(key):
            raise RegistryError(f"{key!r} is not a key: write 'domain.verb', e.g. 'letters.sign'")
        with self._lock:
            current = self._entries.get(key)
            if current is None:
                if not description or not description.strip():
                    raise RegistryError(f"the new {kind} key {key!r} needs a description")
                entry = StepKey(key, kind, description.strip(), handler)
            else:
                if current.kind != kind:
                    raise RegistryError(
                        f"{key!r} is registered as {_a(current.kind)}, not {_a(kind)}"
                    )
                if handler is None or current.handler is handler:
                    return current
                if current.handler is not None:
                    raise RegistryError(
                        f"{kind} {key!r} already has the handler {_name(current.handler)}"
                    )
                entry = replace(current, handler=handler)
            self._entries[key] = entry
            return entry

    def register_form(
        self, key: str, handler: Handler | None = None, *, description: str | None = None
    ) -> StepKey:
        return self.register(KeyKind.FORM, key, handler, description=description)

    def register_action(
        self, key: str, handler: Handler | None = None, *, description: str | None = None
    ) -> StepKey:
        return self.register(KeyKind.ACTION, key, handler, description=description)

    def get(self, kind: KeyKind | str, key: str) -> StepKey:
        entry = self._entries.get(key)
        if entry is None or entry.kind != KeyKind(kind):
            raise RegistryError(f"{kind} {key!r} is not registered")
        return entry

    def is_registered(self, kind: KeyKind | str, key: str) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.kind == KeyKind(kind)

    def keys(self, kind: KeyKind | str | None = None) -> list[str]:
        return [entry.key for entry in self.entries(kind)]

    def entries(self, kind: KeyKind | str | None = None) -> list[StepKey]:
        wanted = None if kind is None else KeyKind(kind)
        return sorted(
            (e for e in self._entries.values() if wanted is None or e.kind == wanted),
            key=lambda e: e.key,
        )

    def describe_unknown(self, kind: KeyKind | str, key: str) -> str:
        """Why `key` is not a registered key of `kind`, with the nearest registered keys."""
        kind = KeyKind(kind)
        entry = self._entries.get(key)
        if entry is not None:
            return f"{key!r} is registered as {_a(entry.kind)}, not {_a(kind)}"
        near = _near(key, self.keys(kind))
        hint = f"; did you mean {near[0]!r}?" if near else ""
        return f"unknown {kind} key {key!r} (not in alur.sop.registry){hint}"


def _near(key: str, candidates: Iterable[str]) -> list[str]:
    return get_close_matches(key, list(candidates), n=1, cutoff=0.8)


def _a(kind: KeyKind) -> str:
    return f"an {kind}" if kind == KeyKind.ACTION else f"a {kind}"


def _name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"


registry = StepRegistry.with_builtins()


def register_form(
    key: str, handler: Handler | None = None, *, description: str | None = None
) -> StepKey:
    """Register a form key (or attach its handler) in the process-wide registry."""
    return registry.register_form(key, handler, description=description)


def register_action(
    key: str, handler: Handler | None = None, *, description: str | None = None
) -> StepKey:
    """Register an action key (or attach its handler) in the process-wide registry."""
    return registry.register_action(key, handler, description=description)
