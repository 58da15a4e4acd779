"""The database name of a model's field, for the few statements written in SQL."""

from __future__ import annotations

from django.db.models import Field, Model


def column(model: type[Model], name: str) -> str:
    """The column of `model`'s concrete field `name`."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise LookupError(f"{model._meta.label}.{name} is not a column")
    return field.column
