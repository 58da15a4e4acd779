"""Facts that follow from a Kemendagri region code (kode wilayah)."""

from __future__ import annotations

import re

from alur.org.choices import RegionLevel

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2})?)?$")

# Province codes by time zone (domain.md): WITA for Bali and Nusa Tenggara, Kalsel, Kaltim,
# Kaltara and Sulawesi; WIT for Maluku and Papua; WIB for the rest (Kalbar 61 and Kalteng 62 too).
WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})


def level_of(code: str) -> RegionLevel:
    if not CODE_PATTERN.match(code):
        raise ValueError(f"kode wilayah {code!r} tidak berformat PP, PP.KK atau PP.KK.CC")
    return {1: RegionLevel.PROVINCE, 2: RegionLevel.REGENCY, 3: RegionLevel.DISTRICT}[
        code.count(".") + 1
    ]


def province_code(code: str) -> str:
    return code[:2]


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def timezone_for(code: str) -> str:
    """IANA time zone of a region (or of the national office, code '00')."""
    province = province_code(code)
    if province in WIT_PROVINCES:
        return "Asia/Jayapura"
    if province in WITA_PROVINCES:
        return "Asia/Makassar"
    return "Asia/Jakarta"


ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_label(zone: str) -> str:
    """The name Indonesians write after a time: WIB, WITA or WIT (the IANA name otherwise)."""
    return ZONE_LABELS.get(zone, zone)
