"""What a new definition starts with: S0's service types and S4's coverage indicators
(domain.md). Both are stored on the definition, so an office can edit them."""

from __future__ import annotations

from decimal import Decimal

SERVICE_TYPES: list[dict[str, str]] = [
    {"key": "kk", "label": "Kartu Keluarga (KK)"},
    {"key": "ktp_el_cetak", "label": "Pencetakan KTP-el"},
    {"key": "ktp_el_rekam", "label": "Perekaman KTP-el"},
    {"key": "kia", "label": "Kartu Identitas Anak (KIA)"},
    {"key": "skpwni", "label": "Surat Keterangan Pindah (SKPWNI)"},
    {"key": "pindah_datang", "label": "Surat Keterangan Pindah Datang"},
    {"key": "akta_lahir", "label": "Akta Kelahiran"},
    {"key": "akta_mati", "label": "Akta Kematian"},
    {"key": "akta_kawin", "label": "Akta Perkawinan"},
    {"key": "akta_cerai", "label": "Akta Perceraian"},
    {"key": "ikd", "label": "Aktivasi Identitas Kependudukan Digital (IKD)"},
]

INDICATORS: list[dict[str, str]] = [
    {"key": "akta_lahir_0_18", "label": "Kepemilikan akta kelahiran 0–18 tahun"},
    {"key": "rekam_ktp_el", "label": "Perekaman KTP-el (wajib KTP)"},
    {"key": "kia", "label": "Kepemilikan KIA (anak < 17 tahun)"},
    {"key": "akta_kematian", "label": "Akta kematian atas kematian tercatat"},
]

# Yearly targets (percent) a new coverage definition starts with; each office sets its own.
DEFAULT_TARGETS: dict[str, Decimal] = {
    "akta_lahir_0_18": Decimal("95"),
    "rekam_ktp_el": Decimal("98"),
    "kia": Decimal("50"),
    "akta_kematian": Decimal("40"),
}

NUMERATOR_SUFFIX = "_pembilang"
DENOMINATOR_SUFFIX = "_penyebut"
