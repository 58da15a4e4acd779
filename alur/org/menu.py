"""An entry of the staff menu, declared by the app it leads to.

Each app lists its entries in its AppConfig's `menu()`; the staff shell (`alur.front.nav`)
collects them from every installed app, so no app imports the shell. Who sees an entry is an
access question: the capability is read through `org.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alur.org.access import Capability
from alur.org.models import User


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    capability: Capability | None = None  # shown when the person has it in some office
    order: int = 100
    # shown only when this also holds (e.g. one of the person's offices runs the procedure)
    when: Callable[[User], bool] | None = None
