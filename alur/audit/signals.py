"""Changes made outside the services, audited where they happen: every change through the
Django admin (its LogEntry) and every password change (the admin's form, `changepassword`, a
service), on the office's chain when the object belongs to one and on the global chain else."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model

from alur.audit.services import Office, User, record

_acting: ContextVar[User | None] = ContextVar("audit_acting", default=None)

ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}
PASSWORD_ACTION = "user.password_change"  # noqa: S105 - an action name


@contextmanager
def acting(user: Any) -> Iterator[None]:
    """Name `user` as the actor of the password changes made inside the block."""
    token = _acting.set(user if isinstance(user, get_user_model()) else None)
    try:
        yield
    finally:
        _acting.reset(token)


def _office_of(obj: Model | None) -> Office | None:
    office_model = apps.get_model("org", "Office")
    if isinstance(obj, office_model):
        return obj
    office_id = getattr(obj, "office_id", None)
    return office_model._default_manager.filter(pk=office_id).first() if office_id else None


def _changed_fields(message: str) -> list[str]:
    try:
        parts = json.loads(message) if message else []
    except ValueError:
        return []
    fields: list[str] = []
    for part in parts if isinstance(parts, list) else []:
        changed = part.get("changed", {}) if isinstance(part, dict) else {}
        fields.extend(str(name) for name in changed.get("fields", []))
    return fields


def admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """Each admin log entry (add, change, delete of any model) as an audit event."""
    if not created:
        return
    fields = _changed_fields(instance.change_message)
    if instance.action_flag == CHANGE and fields and set(fields) <= {"password"}:
        return  # recorded as user.password_change by the save itself
    try:
        obj = instance.get_edited_object()
    except Exception:  # a deleted or unknown object keeps its label below
        obj = None
    content_type = (
        ContentType.objects.get_for_id(instance.content_type_id)
        if instance.content_type_id
        else None
    )
    _record_admin(
        get_user_model()._default_manager.filter(pk=instance.user_id).first(),
        instance.action_flag,
        obj,
        model=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=str(instance.object_id or ""),
        label=instance.object_repr,
        fields=fields,
    )


def admin_deletions(user: Any, objects: Iterable[Model]) -> None:
    """Several objects deleted at once by an admin action: Django writes their log entries in
    one bulk insert, which sends no signal, so each gets its event here."""
    objects = list(objects)
    if len(objects) < 2:
        return  # one deletion is logged with save(), and audited from its log entry
    for obj in objects:
        _record_admin(
            user if isinstance(user, get_user_model()) else None,
            DELETION,
            obj,
            model=obj._meta.label_lower,
            object_id=str(obj.pk),
            label=str(obj)[:200],
            fields=[],
        )


def _record_admin(
    actor: User | None,
    flag: int,
    obj: Model | None,
    *,
    model: str,
    object_id: str,
    label: str,
    fields: list[str],
) -> None:
    with transaction.atomic():
        record(
            actor=actor,
            office=_office_of(obj),
            action=ADMIN_ACTIONS.get(flag, "admin.change"),
            obj=obj,
            after={"model": model, "object_id": object_id, "object": label, "fields": fields},
            reason="Diubah melalui halaman admin.",
        )


def password_change(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """A saved password that was set in this save (set_password), for an existing account."""
    if created or getattr(instance, "_password", None) is None:
        return
    with transaction.atomic():
        record(
            actor=_acting.get(),
            office=None,
            action=PASSWORD_ACTION,
            obj=instance,
            after={"username": instance.username},
        )
