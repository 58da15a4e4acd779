"""What one WhatsApp message says: a text or a document, and the approved template that carries
it when the recipient has not written in the last 24 hours.

WhatsApp lets a business send free text or a document only within 24 hours of the citizen's last
message; outside that window only an approved template goes through. Each message is therefore
queued with both forms (`template_fallback`), and the outbox switches to the template when the
provider answers that the window has closed. The template repeats the text as its one body
parameter (and a document as its header), so the recipient reads the same thing either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alur.outbox.choices import Kind

# WhatsApp refuses a template body parameter longer than this.
TEMPLATE_PARAMETER_LIMIT = 1000

__all__ = ["TEMPLATE_PARAMETER_LIMIT", "WhatsAppContent", "whatsapp_document", "whatsapp_text"]


@dataclass(frozen=True)
class WhatsAppContent:
    """The `kind`, `payload` and `template_fallback` of one outbox message."""

    kind: str
    payload: dict[str, Any]
    template_fallback: dict[str, Any] | None = None


def _template(
    name: str, language: str, text: str, header: dict[str, Any] | None = None
) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if header is not None:
        components.append({"type": "header", "parameters": [header]})
    components.append(
        {"type": "body", "parameters": [{"type": "text", "text": text[:TEMPLATE_PARAMETER_LIMIT]}]}
    )
    return {"name": name, "language": language, "components": components}


def whatsapp_text(
    body: str, *, template: str | None = None, language: str = "id"
) -> WhatsAppContent:
    """`body` as a text; with `template`, that template carries `body` outside the window."""
    fallback = _template(template, language, body) if template is not None else None
    return WhatsAppContent(Kind.TEXT, {"body": body}, fallback)


def whatsapp_document(
    *, path: str, filename: str, caption: str, template: str | None = None, language: str = "id"
) -> WhatsAppContent:
    """The stored file at `path` with its caption; with `template`, that template carries the
    same file as its header and the caption as its body outside the window."""
    fallback = None
    if template is not None:
        header = {"type": "document", "document": {"path": path, "filename": filename}}
        fallback = _template(template, language, caption, header)
    return WhatsAppContent(
        Kind.DOCUMENT, {"path": path, "filename": filename, "caption": caption}, fallback
    )
