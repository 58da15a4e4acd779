"""The need-to-know table (org.access.KIND_DATA) and its unit rule (reads_personal)."""

from __future__ import annotations

from alur.org.access import DataClass, Post, reads_personal, sees
from alur.org.choices import PositionKind

OFFICE, OTHER_OFFICE = 7, 8
BIDANG, SEKSI, OTHER_BIDANG = 10, 11, 20


def post(kind: str, units: tuple[int, ...] = (), office: int = OFFICE) -> Post:
    return Post(
        office_id=office,
        kind=kind,
        unit_id=units[0] if units else None,
        units=frozenset(units),
        acting=False,
        title=kind,
    )


def test_only_the_posts_that_act_on_citizens_cases_see_personal_data() -> None:
    readers = {kind for kind in PositionKind.values if sees(kind, DataClass.PERSONAL)}
    assert readers == {
        PositionKind.KADIS,
        PositionKind.SEKRETARIS,
        PositionKind.KABID,
        PositionKind.KASI,
        PositionKind.OPERATOR,
        PositionKind.PETUGAS,
        PositionKind.PELAKSANA,
    }
    for kind in (PositionKind.ANALIS, PositionKind.KORWIL, PositionKind.PENGHUBUNG):
        assert sees(kind, DataClass.OWN_STEPS) and not sees(kind, DataClass.OWN_REFERRALS)
    assert {k for k in PositionKind.values if sees(k, DataClass.OWN_REFERRALS)} == {
        PositionKind.MITRA
    }


def test_personal_data_is_read_in_the_unit_that_handles_the_case() -> None:
    in_seksi = post(PositionKind.KASI, (SEKSI, BIDANG))
    handled_by_bidang = [(PositionKind.PETUGAS, BIDANG)]
    assert reads_personal(in_seksi, OFFICE, handled_by_bidang)  # the bidang above the seksi
    assert not reads_personal(post(PositionKind.KABID, (OTHER_BIDANG,)), OFFICE, handled_by_bidang)
    assert reads_personal(post(PositionKind.KADIS), OFFICE, handled_by_bidang)  # no unit
    assert not reads_personal(post(PositionKind.KADIS, office=OTHER_OFFICE), OFFICE, [])
    # An office-wide task reaches the holders of its kind, in whatever unit they sit.
    office_wide = [(PositionKind.PETUGAS, None)]
    assert reads_personal(post(PositionKind.PETUGAS, (OTHER_BIDANG,)), OFFICE, office_wide)
    assert not reads_personal(post(PositionKind.OPERATOR, (OTHER_BIDANG,)), OFFICE, office_wide)
    # Kinds whose work needs no resident's data never do, with or without a unit.
    for kind in (PositionKind.ANALIS, PositionKind.KASUBAG, PositionKind.MITRA):
        assert not reads_personal(post(kind), OFFICE, handled_by_bidang)
        assert not reads_personal(post(kind, (BIDANG,)), OFFICE, handled_by_bidang)
