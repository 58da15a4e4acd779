"""The residents rollup behind the coverage indicators: `ResidentCount` rows per office and
combination of age class, married, dead, KTP-el recorded, akta kelahiran, KIA, akta kematian.

- Every change to a resident in `registry.services` calls `key_of` before and after it and
  `move` with both keys: the old combination −1, the new one +1, in the change's transaction
  (one upsert: `INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count`, which
  PostgreSQL and SQLite ≥ 3.24 both run). A moved-out resident has no key: they are not counted.
- Age classes are computed for `RollupState.as_of`, read under a share lock (`FOR KEY SHARE` on
  PostgreSQL) by every change. `roll` (nightly) moves the residents whose 17th or 19th birthday
  fell after that day up to the new one and advances it; `rebuild` recomputes every row from
  the residents in one statement. Both lock the state row exclusively first, so they wait for
  resident changes in flight and new ones wait for them.
- Ages compare birth dates with cutoffs (`cutoff`): aged at least n on day D is born on or
  before D minus n years (29 February taken as 28 February in a common year).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone

from alur.audit.services import lock_chains, record
from alur.core.columns import column
from alur.registry.choices import MaritalStatus, ResidentStatus
from alur.registry.models import Resident, ResidentCount, RollupState

TABLE = ResidentCount._meta.db_table
STATE_TABLE = RollupState._meta.db_table
_KEY = next(
    c
    for c in ResidentCount._meta.constraints
    if isinstance(c, UniqueConstraint) and c.name == "registry_residentcount_key"
)
KEY_COLUMNS = tuple(column(ResidentCount, name) for name in _KEY.fields)
AGE_CLASSES = (0, 17, 19)

# (office id, age_from, married, dead, ktp_recorded, has_akta_lahir, has_kia, has_akta_mati)
Key = tuple[int, int, bool, bool, bool, bool, bool, bool]

UPSERT = (
    f"INSERT INTO {TABLE} ({', '.join(KEY_COLUMNS)}, count) {{rows}} "
    f"ON CONFLICT ({', '.join(KEY_COLUMNS)}) "
    f"DO UPDATE SET count = {TABLE}.count + excluded.count"
)

# The same combination as `key_of`, in SQL over registry_resident; %(c17)s and %(c19)s are the
# cutoffs of the day the age class is for.
KEY_SQL = f"""office_id,
  CASE WHEN birth_date <= %(c19)s THEN 19 WHEN birth_date <= %(c17)s THEN 17 ELSE 0 END,
  marital_status <> '{MaritalStatus.SINGLE}',
  status = '{ResidentStatus.DEAD}',
  biometrics_recorded_at IS NOT NULL,
  birth_certificate_no <> '',
  kia_issued_at IS NOT NULL,
  death_certificate_no <> ''"""
COUNTED = f"status <> '{ResidentStatus.MOVED_OUT}'"
GROUPED = "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"


def cutoff(day: date, years: int) -> date:
    """The latest birth date of someone at least `years` old on `day`."""
    if day.month == 2 and day.day == 29:
        day = day.replace(day=28)
    return day.replace(year=day.year - years)


def age_from(birth_date: date, as_of: date) -> int:
    if birth_date <= cutoff(as_of, 19):
        return 19
    return 17 if birth_date <= cutoff(as_of, 17) else 0


def key_of(resident: Resident, as_of: date) -> Key | None:
    """The combination `resident` is counted under on `as_of`; None when not counted."""
    if resident.status == ResidentStatus.MOVED_OUT:
        return None
    return (
        resident.office_id,
        age_from(resident.birth_date, as_of),
        resident.marital_status != MaritalStatus.SINGLE,
        resident.status == ResidentStatus.DEAD,
        resident.biometrics_recorded_at is not None,
        bool(resident.birth_certificate_no),
        resident.kia_issued_at is not None,
        bool(resident.death_certificate_no),
    )


# --- the day the ages are for ---------------------------------------------------------------


def _state(lock: str) -> date:
    """The rollup's day, read with row lock `lock` (PostgreSQL; SQLite serialises writers)."""
    suffix = f" {lock}" if lock and connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT as_of FROM {STATE_TABLE} WHERE id = 1{suffix}")  # noqa: S608
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {STATE_TABLE} (id, as_of) VALUES (1, %s) "  # noqa: S608
                "ON CONFLICT (id) DO NOTHING",
                [timezone.localdate()],
            )
            cursor.execute(f"SELECT as_of FROM {STATE_TABLE} WHERE id = 1{suffix}")  # noqa: S608
            row = cursor.fetchone()
    value = row[0]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def as_of() -> date:
    """The day the rollup's age classes are for (read without a lock)."""
    return _state("")


def tracked(resident: Resident) -> Key | None:
    """`key_of(resident)` on the rollup's day, holding the share lock on that day until commit.
    Call it before changing the resident and again after."""
    if not connection.in_atomic_block:
        raise RuntimeError("the rollup is kept in the transaction that changes the resident")
    return key_of(resident, _state("FOR KEY SHARE"))


def move(before: Key | None, after: Key | None) -> None:
    """One resident leaves combination `before` and joins `after` (either may be None)."""
    if before == after:
        return
    # Every transaction of the office locks its audit chain before these shared rows (it
    # records the change anyway): one lock order, so two never deadlock on chain and count.
    lock_chains({key[0] for key in (before, after) if key})
    rows = sorted([(k, -1) for k in [before] if k] + [(k, 1) for k in [after] if k])
    placeholders = ", ".join("(" + ", ".join(["%s"] * (len(KEY_COLUMNS) + 1)) + ")" for _ in rows)
    with connection.cursor() as cursor:
        cursor.execute(
            UPSERT.format(rows=f"VALUES {placeholders}"),
            [value for key, delta in rows for value in (*key, delta)],
        )


# --- the nightly roll and the rebuild -------------------------------------------------------


def _cutoffs(day: date) -> dict[str, date]:
    return {"c17": cutoff(day, 17), "c19": cutoff(day, 19)}


def _set_day(day: date) -> None:
    RollupState.objects.filter(pk=1).update(as_of=day)


@transaction.atomic
def roll(to: date | None = None) -> int:
    """Advance the rollup's day to `to` (today): residents whose 17th or 19th birthday fell
    after the old day and on or before `to` change age class. Idempotent; a missed night is
    caught up by the next. Returns the residents moved."""
    to = to or timezone.localdate()
    since = _state("FOR UPDATE")
    if to <= since:
        return 0
    params: dict[str, Any] = {
        "old17": cutoff(since, 17),
        "new17": cutoff(to, 17),
        "old19": cutoff(since, 19),
        "new19": cutoff(to, 19),
    }
    changed = (
        f"{COUNTED} AND ((birth_date > %(old17)s AND birth_date <= %(new17)s) "
        "OR (birth_date > %(old19)s AND birth_date <= %(new19)s))"
    )
    moved = 0
    with connection.cursor() as cursor:
        for sign, day in ((-1, since), (1, to)):
            select = (
                f"SELECT {KEY_SQL}, {sign} * COUNT(*) FROM {Resident._meta.db_table} "  # noqa: S608
                f"WHERE {changed} {GROUPED}"
            )
            cursor.execute(UPSERT.format(rows=select), params | _cutoffs(day))
        cursor.execute(
            f"SELECT COUNT(*) FROM {Resident._meta.db_table} WHERE {changed}",  # noqa: S608
            params,
        )
        moved = int(cursor.fetchone()[0])
    _set_day(to)
    record(
        actor=None,
        office=None,
        action="registry.rollup_roll",
        before={"as_of": since},
        after={"as_of": to, "moved": moved},
    )
    return moved


REBUILD_SQL = (
    f"INSERT INTO {TABLE} ({', '.join(KEY_COLUMNS)}, count) "  # noqa: S608
    f"SELECT {KEY_SQL}, COUNT(*) FROM {Resident._meta.db_table} WHERE {COUNTED} {GROUPED}"
)


@transaction.atomic
def rebuild(day: date | None = None, *, reason: str = "") -> int:
    """Recompute every count from the residents, with ages as of `day` (today), in one
    statement; the repair when the rollup is in doubt. Returns the rows written."""
    day = day or timezone.localdate()
    since = _state("FOR UPDATE")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(REBUILD_SQL, _cutoffs(day))
        written = cursor.rowcount
    _set_day(day)
    record(
        actor=None,
        office=None,
        action="registry.rollup_rebuild",
        before={"as_of": since},
        after={"as_of": day, "rows": written},
        reason=reason,
    )
    return written


def counts(office_ids: Sequence[int] | None = None) -> dict[Key, int]:
    """The non-zero counts (of `office_ids`, or all), by combination."""
    rows = ResidentCount.objects.exclude(count=0)
    if office_ids is not None:
        rows = rows.filter(office_id__in=list(office_ids))
    rows_of_key = rows.values_list(*KEY_COLUMNS, "count")  # a Key's values, then the count
    return {cast(Key, tuple(values[:-1])): values[-1] for values in rows_of_key}
