"""`{% sign_fields office "prefix" key %}`: the signer's certificate status (from the signing
port) and the passphrase field, for every form that signs a document; inside the `<form>`."""

from __future__ import annotations

from typing import Any

from django import template

from alur.org.models import Office, User
from alur.tte import port

register = template.Library()


@register.inclusion_tag("tte/_sign_fields.html", takes_context=True)
def sign_fields(
    context: Any,
    office: Office | None,
    prefix: str,
    key: object,
    label: str = "",
    bsre_label: str = "",
) -> dict[str, Any]:
    """The status of the signer's certificate for documents of `office` and the passphrase
    field, whose id is `prefix`-`key` and whose label is `label` (local backend) or
    `bsre_label` (BSrE), each with a default."""
    request = context.get("request")
    user = getattr(request, "user", None)
    status = None
    if isinstance(user, User) and user.is_authenticated:
        status = port.signer_status(user, office)
    if status is not None and status.backend == "bsre":
        label = bsre_label or "Passphrase TTE (BSrE)"
    return {
        "status": status,
        "field_id": f"{prefix}-{key}",
        "label": label or "Passphrase sertifikat TTE",
    }
