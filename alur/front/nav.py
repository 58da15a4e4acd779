"""The staff navigation: the entries every app declares in its AppConfig's `menu()`."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from alur.org.access import office_ids_for
from alur.org.menu import MenuItem
from alur.org.models import User

_ITEMS: dict[str, MenuItem] = {}


def collect() -> None:
    """Read the entries of every installed app (FrontConfig.ready(), once all apps are ready)."""
    _ITEMS.clear()
    for config in apps.get_app_configs():
        menu = getattr(config, "menu", None)
        for item in menu() if menu is not None else ():
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
