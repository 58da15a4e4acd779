"""Where each procedure starts: one page lists, for each person, the SOPs they may start.

A domain app registers the page on which one of its SOPs starts (S0's weekly period, S1's
request round, an application at the counter) in its AppConfig.ready(); the page `/mulai/`
lists the registered starts of the SOPs that one of the person's offices runs, when the person
holds one of the start's positions there (or, without positions, has its capability there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from alur.org.access import Capability, can, posts_of
from alur.org.models import Office, User


@dataclass(frozen=True)
class Start:
    code: str  # the SOP code: "S0", "S2e"
    url_name: str  # the page where the procedure starts
    label: str  # what the person does there: "Buka periode laporan minggu ini"
    capability: Capability = Capability.HANDLE_CASES
    # Who starts it: these positions in the office; when empty, the position of the SOP's first
    # staff step (the petugas who receives at the counter, the Kasi who opens a report week).
    position_kinds: tuple[str, ...] = ()
    url_kwargs: dict[str, Any] = field(default_factory=dict)
    # False for procedures that people outside the office start (a partner refers a resident):
    # then the capability alone decides.
    by_position: bool = True
    # True where a case of the procedure may be stopped from its page ("Batalkan perkara", with
    # a reason: the applicant withdraws). False where the app's own record closes the case and
    # tells those concerned (a complaint, a referral, a report period).
    cancel_on_case_page: bool = False

    def allows(self, user: User | AnonymousUser, office: Office, first_staff: str | None) -> bool:
        if not can(user, self.capability, office):
            return False
        if not self.by_position:
            return True
        kinds = set(self.position_kinds) or ({first_staff} if first_staff else set())
        held = {kind for office_id, kind in posts_of(user) if office_id == office.pk}
        return bool(held & kinds)

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs or None)


_STARTS: dict[tuple[str, str], Start] = {}


def register(start: Start) -> None:
    _STARTS[(start.code, start.url_name)] = start


def registered(code: str) -> list[Start]:
    return [start for (sop, _name), start in sorted(_STARTS.items()) if sop == code]


def cancellable_on_page(code: str) -> bool:
    """May a case of the SOP `code` be cancelled from the case page?"""
    return any(start.cancel_on_case_page for start in registered(code))
