"""Pure helpers of the engine: who may act on a task, references, the SLA clock."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from alur.org.access import posts_of
from alur.org.models import Office, User
from alur.worktime.calendar import add_working_minutes, working_minutes_between
from alur.worktime.selectors import calendar_for

# Unambiguous characters for tracking numbers that citizens read out or type (no 0/O, 1/I/L).
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(code: str, office: Office, now: datetime) -> str:
    """A tracking number such as S2E-1808-261123-K7QM4X: SOP, office, local date, random part."""
    local = timezone.localtime(now, timezone=_tz(office))
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{code.upper()}-{office.code.replace('.', '')}-{local:%y%m%d}-{tail}"


def _tz(office: Office):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(office.timezone)


def holds(user: User | AnonymousUser, office_id: int, position_kind: str) -> bool:
    """Does `user` hold (definitively or acting) a position of `position_kind` in the office?"""
    return (office_id, position_kind) in posts_of(user)


def due(office: Office, start: datetime, minutes: int | None) -> datetime | None:
    if minutes is None:
        return None
    return add_working_minutes(calendar_for(office), start, minutes)


def remaining(office: Office, now: datetime, due_at: datetime) -> int:
    if due_at <= now:
        return 0
    return working_minutes_between(calendar_for(office), now, due_at)
