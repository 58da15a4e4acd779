"""Form fields for what is printed on official documents: a person's name and a subject line,
checked and stored one way (`alur.core.validators`)."""

from __future__ import annotations

from typing import Any

from django import forms

from alur.core.validators import person_name, subject_text


class PersonNameField(forms.CharField):
    """A person's name: letters of any script, spaces and ' . , -; NFC, single spaces."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return person_name(text) if text else text


class SubjectField(forms.CharField):
    """A subject line, or a label that may hold digits (a recipient office, "Ketua RT 03"): no
    invisible or direction-changing characters, no leading = + - @."""

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return subject_text(text) if text else text
