"""Writes of the offices' business numbers and of their accounts' message templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from alur.audit.services import record, snapshot
from alur.whatsapp_cloud import transport
from alur.whatsapp_cloud.models import BusinessNumber, MessageTemplate, placeholders


@transaction.atomic
def business_number_create(
    *,
    office: Any,
    phone_number_id: str,
    display_number: str,
    label: str,
    purpose: str = BusinessNumber.Purpose.APPLICATIONS,
    service_codes: list[str] | None = None,
    waba_id: str = "",
    actor: Any = None,
) -> BusinessNumber:
    number = BusinessNumber(
        office=office,
        phone_number_id=phone_number_id,
        display_number=display_number,
        label=label,
        purpose=purpose,
        service_codes=service_codes or [],
        waba_id=waba_id,
    )
    number.full_clean()
    number.save()
    fields = ["phone_number_id", "display_number", "label", "purpose", "service_codes", "waba_id"]
    record(
        actor=actor,
        office=office,
        action="whatsapp.number.create",
        obj=number,
        after=snapshot(number, fields),
    )
    return number


# -- message templates -------------------------------------------------------------------------

SYNC_PAGE_SIZE = 100
SYNC_MAX_PAGES = 50  # 5,000 templates: far beyond an office's; stops a paging loop


@dataclass(frozen=True)
class SyncResult:
    """What one account's sync did: templates listed, added, changed and no longer listed."""

    waba_id: str
    listed: int
    added: list[str]
    changed: list[str]
    removed: list[str]


def _header_format(components: list[Any]) -> str:
    for component in components:
        if isinstance(component, dict) and str(component.get("type", "")).upper() == "HEADER":
            return str(component.get("format") or "TEXT").upper()[:10]
    return ""


def _body_text(components: list[Any]) -> str:
    for component in components:
        if isinstance(component, dict) and str(component.get("type", "")).upper() == "BODY":
            return str(component.get("text") or "")
    return ""


def _fetch_templates(waba_id: str) -> list[dict[str, Any]]:
    """Every template of the account, page after page (outside any transaction)."""
    listed: list[dict[str, Any]] = []
    after: str | None = None
    for _page in range(SYNC_MAX_PAGES):
        page = transport.message_templates(waba_id, limit=SYNC_PAGE_SIZE, after=after)
        listed.extend(page.templates)
        if page.after is None or page.after == after:
            break
        after = page.after
    return listed


def _template_fields(item: dict[str, Any]) -> dict[str, Any] | None:
    name, language = str(item.get("name") or ""), str(item.get("language") or "")
    if not name or not language or len(name) > 512 or len(language) > 15:
        return None
    components = item.get("components")
    components = components if isinstance(components, list) else []
    body = _body_text(components)
    return {
        "name": name,
        "language": language,
        "template_id": str(item.get("id") or "")[:32],
        "category": str(item.get("category") or "")[:20],
        "status": str(item.get("status") or "")[:20],
        "body_text": body,
        "body_parameters": placeholders(body),
        "header_format": _header_format(components),
        "rejected_reason": str(item.get("rejected_reason") or "").replace("NONE", "")[:200],
        "components": components,
    }


_COMPARED = ("template_id", "category", "status", "body_parameters", "header_format")


def templates_sync(*, waba_id: str, office: Any = None, actor: Any = None) -> SyncResult:
    """Read the account's templates from the Graph API and keep them: new ones added, changed
    ones updated, those no longer listed removed; one audit event with what changed.

    The Graph API is called first, outside any transaction (a WhatsAppError leaves the kept
    templates as they were); the rows change in one transaction after it.
    """
    fetched = [f for f in map(_template_fields, _fetch_templates(waba_id)) if f is not None]
    now = timezone.now()
    with transaction.atomic():
        kept = {
            (t.name, t.language): t
            for t in MessageTemplate.objects.select_for_update().filter(waba_id=waba_id)
        }
        added: list[str] = []
        changed: list[str] = []
        seen: set[tuple[str, str]] = set()
        for fields in fetched:
            key = (fields["name"], fields["language"])
            if key in seen:
                continue
            seen.add(key)
            row = kept.get(key)
            label = f"{fields['name']} ({fields['language']})"
            if row is None:
                MessageTemplate.objects.create(waba_id=waba_id, synced_at=now, **fields)
                added.append(label)
                continue
            if any(getattr(row, f) != fields[f] for f in _COMPARED):
                changed.append(f"{label}: {row.status} → {fields['status']}")
            for field, value in fields.items():
                setattr(row, field, value)
            row.synced_at = now
            row.save()
        gone = [row for key, row in kept.items() if key not in seen]
        removed = [f"{row.name} ({row.language})" for row in gone]
        MessageTemplate.objects.filter(pk__in=[row.pk for row in gone]).delete()
        record(
            actor=actor,
            office=office,
            action="whatsapp.templates.sync",
            obj=None,
            after={
                "waba_id": waba_id,
                "listed": len(seen),
                "added": added,
                "changed": changed,
                "removed": removed,
            },
        )
    return SyncResult(waba_id, len(seen), added, changed, removed)


def templates_sync_all(*, office: Any = None, actor: Any = None) -> list[SyncResult]:
    """Sync every account that has an active number (of `office`, when given)."""
    numbers = BusinessNumber.objects.filter(is_active=True).exclude(waba_id="")
    if office is not None:
        numbers = numbers.filter(office=office)
    first_office: dict[str, Any] = {}
    for number in numbers.select_related("office").order_by("pk"):
        first_office.setdefault(number.waba_id, number.office)
    return [
        templates_sync(waba_id=waba, office=office or owner, actor=actor)
        for waba, owner in sorted(first_office.items())
    ]


@transaction.atomic
def templates_sync_request(*, office: Any, actor: Any) -> None:
    """An office administrator asks for a template sync now (the office page's "Sinkronkan"):
    audited, and run by a worker after the commit (no request waits on the Graph API)."""
    from alur.org.access import Capability, require
    from alur.whatsapp_cloud.tasks import sync_office_templates

    require(actor, Capability.MANAGE_CALENDAR, office.pk)
    record(actor=actor, office=office, action="whatsapp.templates.sync_request", obj=office)
    office_id, actor_id = office.pk, actor.pk
    transaction.on_commit(lambda: sync_office_templates(office_id, actor_id), robust=True)
