"""Every procedure starts from one page of the menu, for the positions that start it."""

from __future__ import annotations

from typing import Any


def test_the_counter_officer_starts_services_and_complaints_from_the_menu(walk: Any) -> None:
    walk.login("waykanan.petugas.capil")
    walk.menu("Mulai prosedur")
    assert walk.page.get_by_role("heading", name="Mulai prosedur").is_visible()
    walk.follow("Terima permohonan Akta Kelahiran di loket")
    walk.sees("Akta Kelahiran")


def test_starts_follow_the_positions_the_sop_names(persona: Any, db: None) -> None:
    from alur.workflow.selectors import starts_for

    def codes(username: str) -> set[str]:
        return {entry.code for entry in starts_for(persona(username))}

    assert {"S2e", "S2f"} <= codes("waykanan.petugas.capil")
    assert "S2a" in codes("waykanan.operator")  # S2a's first staff step is the operator's
    assert not codes("waykanan.kadis") & {"S2a", "S2e", "S2g"}  # the Kadis is not at the counter
    assert "S3" in codes("metro.mitra.dinsos")  # a partner refers a resident
    assert not codes("metro.mitra.dinsos") & {"S2e", "S0"}


def test_a_partner_finds_the_referral_under_mulai_prosedur(walk: Any) -> None:
    walk.login("metro.mitra.dinsos")
    walk.menu("Mulai prosedur")
    walk.follow("Rujuk penduduk rentan")
