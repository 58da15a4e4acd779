"""Every procedure starts from one page of the menu, for the positions that start it."""

from __future__ import annotations

from typing import Any


def test_the_counter_officer_starts_services_and_complaints_from_the_menu(walk: Any) -> None:
    walk.login("waykanan.petugas.capil")
    walk.menu("Mulai prosedur")
    assert walk.page.get_by_role("heading", name="Mulai prosedur").is_visible()
    walk.follow("Terima permohonan Akta Kelahiran di loket")
    walk.sees("Akta Kelahiran")
