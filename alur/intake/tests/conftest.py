from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from alur.intake.tests import samples

NIK = "1808011708900001"  # Way Kanan, man born 17-08-1990
PHONE = "081234567890"


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


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
