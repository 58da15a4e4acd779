"""The engine's own step key: a reviewer's decision, taken with the case page's outcome form
(Sesuai/Ya, Perbaikan/Tidak with the reason, or a refusal where the SOP allows one). The
engine moves the case; no domain handler is needed. Apps add panels to it for their cases."""

from __future__ import annotations

from alur.sop.registry import KeyKind, declare
from alur.workflow.spec import REVIEW_FORM

declare(
    REVIEW_FORM,
    KeyKind.FORM,
    description="A reviewer checks the work and answers Sesuai/Ya or Perbaikan/Tidak, with "
    "notes when it goes back.",
    generic=True,
)
