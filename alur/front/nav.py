"""The staff navigation. Each app registers its entries in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from alur.org.access import Capability, office_ids_for
from alur.org.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None = None  # shown when the person has it in some office
    order: int = 100
    # shown only when this also holds (e.g. one of the person's offices runs the procedure)
    when: Callable[[User], bool] | None = None


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def items_for(user: User | AnonymousUser) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    visible = [
        item
        for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.label))
        if (item.capability is None or office_ids_for(user, item.capability))
        and (item.when is None or item.when(user))
    ]
    return [(item.label, reverse(item.url_name)) for item in visible]
