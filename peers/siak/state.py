"""What the local SIAK/Dukcapil server holds: partner users, residents, the numbers SIAK issued,
the documents it printed, faults, and a log of the verification requests (never a password)."""

from __future__ import annotations

import ipaddress
import json
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

# The demo partner user (alur/settings.py DUKCAPIL_WS_USER / DUKCAPIL_WS_PASSWORD defaults).
DEV_USER_ID = "disdukcapil-demo"
DEV_PASSWORD = "dev-ws-password"  # noqa: S105 - the development default in settings
DEV_ALLOWED_IPS = ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
DEFAULT_QUOTA = 10_000

# Elements compared by similarity (answer "Sesuai (NN)"); the others must be equal ("Sesuai").
FUZZY = ("NAMA_LGKP", "TMPT_LHR", "ALAMAT", "NAMA_LGKP_IBU", "NAMA_LGKP_AYAH")
EXACT = (
    "TGL_LHR",
    "JENIS_KLMIN",
    "NO_KK",
    "NO_PROP",
    "NO_KAB",
    "NO_KEC",
    "NO_KEL",
    "NO_RT",
    "NO_RW",
    "AGAMA",
    "STATUS_KAWIN",
    "JENIS_PKRJN",
    "PROP_NAME",
    "KAB_NAME",
    "KEC_NAME",
    "KEL_NAME",
)
ELEMENTS = FUZZY + EXACT
SEX_WORDS = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}


def normalize(value: Any) -> str:
    """Upper case, ASCII letters and digits, single spaces: how names are compared."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text.upper()).split())


def similarity(given: Any, recorded: Any) -> int:
    """0–100: how alike two texts are once normalized (the local server's stand-in for
    Dukcapil's own, unpublished, matching)."""
    a, b = normalize(given), normalize(recorded)
    if not a or not b:
        return 0
    return round(SequenceMatcher(None, a, b).ratio() * 100)


def _sex_word(value: Any) -> str:
    word = normalize(value).replace(" ", "-")
    return SEX_WORDS.get(word, word)


def _date_text(value: str) -> str:
    """A resident's ISO birth date as the service writes TGL_LHR: DD-MM-YYYY."""
    try:
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    except ValueError:
        return value


@dataclass
class User:
    user_id: str
    password: str
    allowed_ips: tuple[str, ...] = DEV_ALLOWED_IPS
    active: bool = True
    quota: int = DEFAULT_QUOTA  # requests left today
    used: int = 0

    def ip_allowed(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip.strip())
        except ValueError:
            return False
        for allowed in self.allowed_ips:
            try:
                if address in ipaddress.ip_network(allowed, strict=False):
                    return True
            except ValueError:
                continue
        return False

    def public(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "allowed_ips": list(self.allowed_ips),
            "active": self.active,
            "quota": self.quota,
            "used": self.used,
        }


def resident_values(resident: dict[str, Any]) -> dict[str, str]:
    """A resident of the seed file as the service's elements."""
    return {
        "NAMA_LGKP": str(resident.get("name", "")),
        "TMPT_LHR": str(resident.get("birth_place", "")),
        "TGL_LHR": _date_text(str(resident.get("birth_date", ""))),
        "JENIS_KLMIN": SEX_WORDS.get(str(resident.get("sex", "")), ""),
        "NO_KK": str(resident.get("no_kk", "")),
        "ALAMAT": str(resident.get("address", "")),
        "NO_RT": str(resident.get("rt", "")),
        "NO_RW": str(resident.get("rw", "")),
        "NAMA_LGKP_IBU": str(resident.get("mother_name", "")),
        "NAMA_LGKP_AYAH": str(resident.get("father_name", "")),
        "KEL_NAME": str(resident.get("village", "")),
        "KEC_NAME": str(resident.get("district_name", "")),
        "NO_KEC": str(resident.get("district_code", "")).replace(".", "")[-2:],
        "AGAMA": str(resident.get("religion", "")),
        "STATUS_KAWIN": str(resident.get("marital_status", "")),
        "JENIS_PKRJN": str(resident.get("occupation", "")),
    }


def compare(element: str, given: Any, recorded: str, threshold: int) -> str:
    """One element's answer: "Sesuai (93)" / "Tidak Sesuai (41)" for a compared text,
    "Sesuai" / "Tidak Sesuai" for an exact one."""
    if element in FUZZY:
        score = similarity(given, recorded)
        return f"{'Sesuai' if score >= threshold else 'Tidak Sesuai'} ({score})"
    if element == "JENIS_KLMIN":
        same = _sex_word(given) == _sex_word(recorded)
    elif element in ("NO_RT", "NO_RW", "NO_KEC", "NO_KEL", "NO_KAB", "NO_PROP"):
        same = normalize(given).lstrip("0") == normalize(recorded).lstrip("0")
    else:
        same = normalize(given) == normalize(recorded)
    return "Sesuai" if same else "Tidak Sesuai"


@dataclass
class Faults:
    down: bool = False  # the connection is dropped without an answer
    slow: float = 0.0  # seconds before every answer of the verification service
    error500: bool = False
    quota_exhausted: bool = False
    ip_refused: bool = False  # the caller's address is not on the partner's list

    def public(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Issued:
    """A document SIAK printed: its number, the data and the PDF (signed by the server's own
    key, or unsigned until the Kadis's TTE through BSrE replaces it with the signed one)."""

    id: str
    kind: str
    number: str
    name: str
    data: dict[str, Any]
    pdf: bytes = field(repr=False)
    signed: bool = True
    signer_name: str = ""
    signer_nik: str = ""
    signed_at: str = ""
    signing: bool = False  # a TTE request is with BSrE now

    @property
    def status(self) -> str:
        return "ditandatangani" if self.signed else "menunggu_tte"

    def public(self, root: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "name": self.name,
            "data": self.data,
            "status": self.status,
            "signed": self.signed,
            "signer": (
                {"name": self.signer_name, "nik": self.signer_nik, "signed_at": self.signed_at}
                if self.signed and self.signer_nik
                else None
            ),
            "pdf_url": f"{root}/_siak/dokumen/{self.id}.pdf",
            "verification_url": f"{root}/_siak/verifikasi/{self.id}",
            "tte_url": None if self.signed else f"{root}/_siak/api/dokumen/{self.id}/tte",
        }


class SiakState:
    def __init__(self, residents: list[dict[str, Any]] | None = None) -> None:
        self.lock = threading.Lock()
        self.seed = list(residents or [])
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.users: dict[str, User] = {DEV_USER_ID: User(DEV_USER_ID, DEV_PASSWORD)}
            self.residents: dict[str, dict[str, Any]] = {
                str(r["nik"]): dict(r) for r in self.seed if r.get("nik")
            }
            self.faults = Faults()
            self.requests: list[dict[str, Any]] = []
            self.issued: dict[str, Issued] = {}
            self.serials: dict[str, int] = {}

    def next_serial(self, prefix: str, taken: set[str] | None = None) -> int:
        """The next serial of `prefix` (a number SIAK already holds is skipped)."""
        serial = self.serials.get(prefix, 0)
        while True:
            serial += 1
            if serial > 9999:
                raise ValueError(f"nomor urut untuk {prefix} habis")
            if taken is None or f"{prefix}{serial:04d}" not in taken:
                break
        self.serials[prefix] = serial
        return serial


def load_residents(path: str | None) -> list[dict[str, Any]]:
    """The seed file (a JSON list, or {"residents": [...]}); a missing file is an empty list."""
    if not path:
        return []
    file = Path(path)
    if not file.exists():
        return []
    data = json.loads(file.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("residents", [])
    return [r for r in data if isinstance(r, dict)]
