"""A small valid SOP to break in tests, and a helper that writes it as a file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from alur.sop.loader import display_name

_MINIMAL: dict[str, Any] = {
    "code": "S9",
    "revision": 1,
    "name": "SOP UJI",
    "office": "18.08",
    "dates": {"created": "19 Januari 2022"},
    "approver": {"title": "Kepala Dinas", "name": "Drs. UJI", "nip": "19630804 199203 1 005"},
    "deadline": {
        "text": "1 (satu) hari kerja",
        "working_days": 1,
        "working_minutes": 450,
        "clock_start_step": 2,
        "clock_stop_step": 3,
    },
    "actors": [
        {"id": "pemohon", "label": "PEMOHON", "kind": "applicant"},
        {"id": "petugas", "label": "Petugas", "kind": "position", "position": "petugas"},
        {"id": "kasi", "label": "Kasi", "kind": "position", "position": "kasi"},
    ],
    "steps": [
        {
            "number": 1,
            "actor": "pemohon",
            "activity": "Mengirim berkas",
            "time": {"text": "5 menit", "minutes": 5},
            "form": "intake.application",
        },
        {
            "number": 2,
            "actor": "petugas",
            "activity": "Memeriksa kelengkapan berkas",
            "time": {"text": "10 menit", "minutes": 10},
            "form": "intake.requirements",
            "decision": {
                "question": "Lengkap?",
                "if_yes": {"label": "Lengkap"},
                "if_no": {"label": "Tidak lengkap", "back_to": "applicant"},
            },
        },
        {
            "number": 3,
            "actor": "kasi",
            "activity": "Verifikasi berkas",
            "time": {"text": "5 menit", "minutes": 5},
            "form": "review.decide",
            "decision": {
                "question": "Sesuai?",
                "if_yes": {"label": "Sesuai"},
                "if_no": {"label": "Perbaikan", "back_to": 2},
            },
        },
    ],
}


def minimal_sop() -> dict[str, Any]:
    """A fresh copy of a valid three-step SOP."""
    return copy.deepcopy(_MINIMAL)


def write_sop(directory: Path, data: dict[str, Any], name: str = "S9-uji.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def shown(path: Path) -> str:
    """The file name as errors show it."""
    return display_name(path)
