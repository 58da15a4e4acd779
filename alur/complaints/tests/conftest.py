from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alur.complaints.choices import Channel
from alur.complaints.models import Complaint
from alur.complaints.services import complaint_submit

PHONE = "081234567890"
E164 = "6281234567890"
OFFICER = "waykanan.pengaduan"  # Petugas Penerima Aduan
OFFICIAL = "waykanan.sekretaris"  # Pejabat Pengelola Pengaduan
TEAM_LEAD = "waykanan.kabid.dafduk"  # Tim Penjawab Aduan (Kabid)
TEAM = ("waykanan.kabid.dafduk", "waykanan.kasi.capil", "waykanan.kasi.dafduk")
NOT_TEAM = "waykanan.kasi.pindah"


@pytest.fixture
def file_complaint(office: Callable[[str], Any]) -> Callable[..., Complaint]:
    """A complaint to Way Kanan; web form by default."""

    def make(**overrides: Any) -> Complaint:
        values: dict[str, Any] = {
            "office": office("18.08"),
            "channel": Channel.WEB,
            "reporter_name": "Siti Aminah",
            "reporter_phone": PHONE,
            "text": "KTP-el saya sudah tiga bulan belum jadi padahal sudah rekam.",
        }
        values.update(overrides)
        return complaint_submit(**values)

    return make
