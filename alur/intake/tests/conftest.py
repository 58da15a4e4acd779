from __future__ import annotations

from typing import Any

import pytest

from alur.intake.tests import samples

NIK = "1808011708900001"  # Way Kanan, man born 17-08-1990
PHONE = "081234567890"


@pytest.fixture
def birth_request() -> dict[str, Any]:
    """A complete akta kelahiran (S2e) application, as the service takes it."""
    return {
        "service_code": "S2e",
        "applicant": {"name": "Siti Aminah", "nik": NIK, "phone": PHONE},
        "fields": {
            "child_name": "Budi Santoso",
            "child_birth_date": "2026-10-01",
            "child_birth_place": "Blambangan Umpu",
        },
        "files": [
            ("birth_letter", samples.pdf(), "application/pdf", "surat-lahir.pdf"),
            ("marriage", samples.jpeg(), "image/jpeg", "buku-nikah.jpg"),
            ("kk", samples.png(), "image/png", "kk.png"),
            ("f201", samples.pdf(), "application/pdf", "f201.pdf"),
        ],
    }
