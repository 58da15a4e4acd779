"""Pure helpers of the engine: who may act on a task, references, the SLA clock."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from alur.org.access import Post, posts_held
from alur.org.models import Office, User
from alur.worktime.calendar import add_working_minutes, working_minutes_between
from alur.worktime.selectors import calendar_for

# Unambiguous characters for tracking numbers that citizens read out or type (no 0/O, 1/I/L).
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(code: str, office: Office, now: datetime) -> str:
    """A tracking number such as S2E-1808-261123-K7QM4X: SOP, office, local date, random part."""
    local = timezone.localtime(now, timezone=office.zone)
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{code.upper()}-{office.code.replace('.', '')}-{local:%y%m%d}-{tail}"


def local(office: Office, moment: datetime) -> datetime:
    """`moment` on the office's clock (WIB, WITA or WIT)."""
    return timezone.localtime(moment, timezone=office.zone)


def holds(
    user: User | AnonymousUser, office_id: int, position_kind: str, unit_id: int | None = None
) -> bool:
    """Does `user` hold (definitively or acting) a position of `position_kind` in the office, in
    the unit `unit_id` or one below it (any unit when None)?"""
    return any(p.reaches(office_id, position_kind, unit_id) for p in posts_held(user))


def acting_waiver(
    user: User | AnonymousUser, office: Office, kinds: set[str], unit_id: int | None = None
) -> Post | None:
    """The acting post (Plt./Plh.) of one of `kinds` through which the office lets `user` take
    a second review step in a row on one case, or None when it does not."""
    if not office.acting_may_review_twice:
        return None
    return next(
        (p for p in posts_held(user) if p.acting and p.office_id == office.pk and p.kind in kinds),
        None,
    )


def due(office: Office, start: datetime, minutes: int | None) -> datetime | None:
    if minutes is None:
        return None
    return add_working_minutes(calendar_for(office), start, minutes)


def remaining(office: Office, now: datetime, due_at: datetime) -> int:
    if due_at <= now:
        return 0
    return working_minutes_between(calendar_for(office), now, due_at)
