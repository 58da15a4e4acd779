"""`{% letterhead office_or_kop "address" %}`: the office's letterhead (alur.core.letterhead)."""

from __future__ import annotations

from typing import Any

from django import template

from alur.core.letterhead import NONE, letterhead_context

register = template.Library()


@register.inclusion_tag("core/kop.html")
def letterhead(source: Any, below: str = NONE) -> dict[str, Any]:
    return letterhead_context(source, below)
