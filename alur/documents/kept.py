"""What a data-entry form keeps between its post and the case page it returns to.

The entry and correction forms live on the case page (a panel) and post to their own view, which
redirects back. When the entry is refused, the values typed and each field's errors are kept in
the person's session for that one form and shown again beside their fields; a family search or
a family chosen from its results keeps the values the same way, without errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest

from alur.core.errors import DomainError

SESSION_KEY = "documents:kept"

# A service's error code → the field it is about, when the code is not the field's own name
# (the first of these names that the form has).
FIELD_OF_CODE: dict[str, tuple[str, ...]] = {
    "district": ("district_code", "destination_code"),
    "region": ("district_code", "destination_code"),
    "destination": ("destination_code",),
    "same_regency": ("destination_code",),
    "head": ("head_nik",),
    "member_twice": ("members",),
    "relation": ("members",),
    "other_family": ("members", "niks", "head_nik"),
    "twice": ("members", "niks"),
    "not_alive": ("members", "niks", "nik", "head_nik"),
    "movers": ("niks",),
    "alive": ("nik",),
    "dead": ("nik",),
    "nik_taken": ("nik",),
}


@dataclass
class Kept:
    data: dict[str, Any]  # the posted values, by the form's (prefixed) field names
    errors: dict[str, list[str]] = field(default_factory=dict)  # by field name; "" at the top
    search: str = ""  # a family search typed with the form


def _all(request: HttpRequest) -> dict[str, Any]:
    return request.session.get(SESSION_KEY, {})


def keep(request: HttpRequest, key: str, kept: Kept) -> None:
    stored = dict(_all(request))
    stored[key] = {"data": kept.data, "errors": kept.errors, "search": kept.search}
    request.session[SESSION_KEY] = stored


def take(request: HttpRequest, key: str) -> Kept | None:
    """The kept state of form `key`, once: shown, it is gone."""
    stored = dict(_all(request))
    value = stored.pop(key, None)
    if value is None:
        return None
    request.session[SESSION_KEY] = stored
    return Kept(value["data"], value.get("errors", {}), value.get("search", ""))


def posted(form: forms.Form) -> dict[str, Any]:
    """The values posted for `form`'s own fields (nothing else is kept)."""
    data = form.data
    values: dict[str, Any] = {}
    for name in form.fields:
        key = form.add_prefix(name)
        if key in data:
            values[key] = data.get(key)
    return values


def unprefixed(form_class: type[forms.Form], data: dict[str, Any], prefix: str | None) -> dict:
    """Kept values as a form's initial values (field names without the prefix)."""
    start = f"{prefix}-" if prefix else ""
    return {
        key.removeprefix(start): value
        for key, value in data.items()
        if key.startswith(start) and key.removeprefix(start) in form_class.base_fields
    }


def field_of(form: forms.Form, error: Exception) -> str:
    """The field a service's refusal is about ("" when it is about the whole entry)."""
    code = getattr(error, "code", "") if isinstance(error, DomainError) else ""
    if code in form.fields:
        return code
    return next((name for name in FIELD_OF_CODE.get(code, ()) if name in form.fields), "")


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def summary(form: forms.Form, errors: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """The errors for the top of the form: (field id or "", label, message)."""
    rows = []
    order = {name: index for index, name in enumerate(form.fields)}
    for name, messages in sorted(errors.items(), key=lambda item: order.get(item[0], -1)):
        bound = form[name] if name in form.fields else None
        for message in messages:
            if bound is None:
                rows.append(("", "", message))
            else:
                rows.append((bound.id_for_label, str(bound.label), message))
    return rows


def restore(form: forms.Form, kept: Kept) -> None:
    """Put the service's errors kept for `form` (already bound to the kept values) beside their
    fields, after the form's own checks."""
    form.is_valid()
    for name, messages in kept.errors.items():
        if name and name in form.fields:
            if name not in form.errors:
                for message in messages:
                    form.add_error(name, message)
        elif not name:
            for message in messages:
                if message not in form.non_field_errors():
                    form.add_error(None, message)
