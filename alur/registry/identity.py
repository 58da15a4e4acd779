"""Identity checks: is this NIK a resident, and do the data the applicant gave match the
population database? A port with two backends, chosen per office by
`alur.org.backends.identity_backend`:

- `standalone`: the office's own register (`Resident`), compared element by element;
- `webservice`: Dukcapil's data-access verification web service (hak akses,
  `CALL_VERIFY_BY_ELEMEN`, see peers/siak/PROTOCOL.md): a JSON request with the office's partner
  user id, password, the operator's IP address (`IP_USER`), the match threshold (`TRESHOLD`),
  the NIK and the elements to compare; an answer per element ("Sesuai (93)", "Tidak Sesuai").

Either way the result is per element (matched or not, and the score of the texts compared by
similarity) and overall. `identity_check` runs the check for a case (or any object) and audits
who checked which NIK, when, on which backend and the result per element, never the data typed.
A service that cannot be reached, or refuses the office's account, raises `IdentityUnavailable`
with a message in Bahasa Indonesia and records nothing. The password is sent with each request
and never logged or put in a message.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Any

import httpx
from django.conf import settings
from django.db import models, transaction

from alur.audit.models import AuditEvent
from alur.audit.services import record
from alur.core.errors import DomainError
from alur.core.validators import is_ascii_digits
from alur.org.backends import identity_backend
from alur.org.models import Office, User
from alur.registry.choices import ResidentStatus, Sex
from alur.registry.models import Resident
from alur.registry.services.families import current_family

log = logging.getLogger(__name__)

ACTION = "registry.identity_check"

# The elements Alur sends, in the order the officer reads them.
LABELS: dict[str, str] = {
    "NAMA_LGKP": "Nama lengkap",
    "TMPT_LHR": "Tempat lahir",
    "TGL_LHR": "Tanggal lahir",
    "JENIS_KLMIN": "Jenis kelamin",
    "NO_KK": "No. KK",
    "NAMA_LGKP_IBU": "Nama ibu kandung",
    "ALAMAT": "Alamat",
}
SCORED = ("NAMA_LGKP", "TMPT_LHR", "NAMA_LGKP_IBU", "ALAMAT")
SEX_WORDS: dict[str, str] = {Sex.MALE: "Laki-laki", Sex.FEMALE: "Perempuan"}

MSG_UNREACHABLE = "Layanan verifikasi Dukcapil tidak dapat dihubungi; coba lagi."
MSG_BAD_ANSWER = (
    "Jawaban layanan verifikasi Dukcapil tidak dapat dibaca; coba lagi, dan bila berulang "
    "hubungi admin kantor."
)
MSG_NOT_CONFIGURED = (
    "Hak akses verifikasi Dukcapil kantor belum diatur (user ID dan password); hubungi admin "
    "kantor."
)
MSG_NIK = "NIK harus 16 angka."
MSG_NOTHING = "Isi minimal satu elemen data pemohon untuk dicocokkan (mis. nama lengkap)."
MSG_MATCH = "Semua elemen data sesuai dengan database kependudukan."
MSG_MISMATCH = "Tidak sesuai dengan database kependudukan: {labels}."
MSG_NOT_FOUND = "NIK {nik} tidak ditemukan dalam database kependudukan; periksa NIK pemohon."
MSG_DECEASED = "NIK {nik} tercatat sudah meninggal dunia dalam database kependudukan."
MSG_INACTIVE = (
    "NIK {nik} ditemukan tetapi berstatus tidak aktif; pemohon diminta menghubungi Disdukcapil."
)
# The service's refusals of the office's own access (nothing about the NIK): nothing recorded.
REFUSALS: dict[str, tuple[str, str]] = {
    "03": (
        "login",
        "Hak akses Dukcapil kantor ditolak: user ID atau password salah; hubungi admin kantor.",
    ),
    "09": (
        "login",
        "Hak akses Dukcapil kantor ditolak: user ID, password atau alamat IP "
        "kosong; hubungi admin kantor.",
    ),
    "04": (
        "ip_user",
        "Alamat IP komputer Anda ({ip}) tidak terdaftar pada hak akses Dukcapil "
        "kantor; hubungi admin kantor.",
    ),
    "10": (
        "ip_refused",
        "Alamat IP server Alur tidak terdaftar pada hak akses Dukcapil; hubungi admin kantor.",
    ),
    "05": (
        "quota",
        "Kuota verifikasi Dukcapil kantor untuk hari ini sudah habis; coba lagi "
        "besok atau hubungi admin kantor.",
    ),
    "06": ("hours", "Verifikasi Dukcapil tidak melayani pada jam ini; coba lagi pada jam layanan."),
    "07": (
        "incomplete",
        "Permintaan verifikasi tidak lengkap menurut Dukcapil; isi NIK dan elemen data pemohon.",
    ),
    "16": ("institution", "Hak akses instansi ke Dukcapil tidak aktif; hubungi admin kantor."),
    "17": ("user_inactive", "Akun hak akses Dukcapil kantor tidak aktif; hubungi admin kantor."),
}
_ANSWER = re.compile(r"^\s*(tidak\s+)?sesuai\s*(?:\(\s*(\d{1,3})\s*\))?\s*$", re.IGNORECASE)


class IdentityUnavailable(DomainError):
    """The check could not be made (service down, slow, refusing the office's access)."""


@dataclass(frozen=True)
class IdentityQuery:
    """What the applicant gave, as the officer reads it from their documents."""

    nik: str
    name: str = ""
    birth_place: str = ""
    birth_date: date | None = None
    sex: str = ""  # "L" | "P" | ""
    no_kk: str = ""
    mother_name: str = ""
    address: str = ""

    def elements(self) -> dict[str, str]:
        """The elements given, keyed as the web service names them."""
        values = {
            "NAMA_LGKP": self.name,
            "TMPT_LHR": self.birth_place,
            "TGL_LHR": self.birth_date.strftime("%d-%m-%Y") if self.birth_date else "",
            "JENIS_KLMIN": SEX_WORDS.get(self.sex, ""),
            "NO_KK": self.no_kk,
            "NAMA_LGKP_IBU": self.mother_name,
            "ALAMAT": self.address,
        }
        return {key: " ".join(value.split()) for key, value in values.items() if value.strip()}


@dataclass(frozen=True)
class ElementMatch:
    key: str
    matched: bool
    score: int | None = None

    @property
    def label(self) -> str:
        return LABELS.get(self.key, self.key)

    @property
    def text(self) -> str:
        """ "Sesuai (93)", "Tidak sesuai", as the officer reads it."""
        word = "Sesuai" if self.matched else "Tidak sesuai"
        return word if self.score is None else f"{word} ({self.score})"


@dataclass(frozen=True)
class IdentityResult:
    backend: str
    nik: str
    status: str  # "match" | "mismatch" | "not_found" | "deceased" | "inactive"
    matches: tuple[ElementMatch, ...] = ()
    threshold: int = 0
    at: datetime | None = None
    actor_label: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "match"

    @property
    def message(self) -> str:
        if self.status == "match":
            return MSG_MATCH
        if self.status == "mismatch":
            labels = ", ".join(m.label for m in self.matches if not m.matched)
            return MSG_MISMATCH.format(labels=labels)
        template = {
            "not_found": MSG_NOT_FOUND,
            "deceased": MSG_DECEASED,
            "inactive": MSG_INACTIVE,
        }.get(self.status, MSG_NOT_FOUND)
        return template.format(nik=self.nik)

    def audit(self) -> dict[str, Any]:
        """What the audit keeps: the NIK, the backend and the result, not the data compared."""
        return {
            "nik": self.nik,
            "backend": self.backend,
            "status": self.status,
            "threshold": self.threshold,
            "elements": {m.key: m.text for m in self.matches},
        }


def _overall(backend: str, nik: str, matches: list[ElementMatch], threshold: int) -> IdentityResult:
    status = "match" if matches and all(m.matched for m in matches) else "mismatch"
    return IdentityResult(backend, nik, status, tuple(matches), threshold)


def _normalize(value: Any) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text.upper()).split())


def similarity(given: str, recorded: str) -> int:
    """0–100: how alike two texts are once normalized (case, accents, punctuation)."""
    a, b = _normalize(given), _normalize(recorded)
    if not a or not b:
        return 0
    return round(SequenceMatcher(None, a, b).ratio() * 100)


def _threshold() -> int:
    return max(0, min(100, int(settings.DUKCAPIL_WS_THRESHOLD)))


# --- standalone: the office's own register ----------------------------------------------------


def _recorded(resident: Resident) -> dict[str, str]:
    membership = current_family(resident)
    return {
        "NAMA_LGKP": resident.name,
        "TMPT_LHR": resident.birth_place,
        "TGL_LHR": resident.birth_date.strftime("%d-%m-%Y"),
        "JENIS_KLMIN": SEX_WORDS.get(resident.sex, ""),
        "NO_KK": membership.family.no_kk if membership else "",
        "NAMA_LGKP_IBU": resident.mother_name,
        "ALAMAT": resident.address,
    }


def check_standalone(office: Office, query: IdentityQuery) -> IdentityResult:
    threshold = _threshold()
    resident = Resident.objects.filter(nik=query.nik, office=office).first()
    if resident is None:
        return IdentityResult("standalone", query.nik, "not_found", threshold=threshold)
    if resident.status == ResidentStatus.DEAD:
        return IdentityResult("standalone", query.nik, "deceased", threshold=threshold)
    if resident.status != ResidentStatus.ALIVE:
        return IdentityResult("standalone", query.nik, "inactive", threshold=threshold)
    recorded = _recorded(resident)
    matches = []
    for key, given in query.elements().items():
        if key in SCORED:
            score = similarity(given, recorded[key])
            matches.append(ElementMatch(key, score >= threshold, score))
        else:
            matches.append(ElementMatch(key, _normalize(given) == _normalize(recorded[key])))
    return _overall("standalone", query.nik, matches, threshold)


# --- webservice: Dukcapil's verification service ----------------------------------------------


def _element(key: str, value: Any) -> ElementMatch | None:
    found = _ANSWER.match(str(value or ""))
    if found is None:
        return None
    score = int(found.group(2)) if found.group(2) else None
    return ElementMatch(key, matched=found.group(1) is None, score=score)


def _read_answer(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500:
        log.warning("Dukcapil verification answered HTTP %s", response.status_code)
        raise IdentityUnavailable(MSG_UNREACHABLE, code="unavailable")
    try:
        body = response.json()
    except ValueError:
        body = None
    content = body.get("content") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(content, list) or not content:
        log.warning("Dukcapil verification: unreadable answer (HTTP %s)", response.status_code)
        raise IdentityUnavailable(MSG_BAD_ANSWER, code="bad_answer")
    first = content[0]
    if not isinstance(first, dict):
        raise IdentityUnavailable(MSG_BAD_ANSWER, code="bad_answer")
    return first


def check_webservice(query: IdentityQuery, *, ip: str) -> IdentityResult:
    url = str(settings.DUKCAPIL_WS_URL or "")
    user, password = settings.DUKCAPIL_WS_USER, settings.DUKCAPIL_WS_PASSWORD
    if not url or not user or not password:
        raise IdentityUnavailable(MSG_NOT_CONFIGURED, code="not_configured")
    threshold = _threshold()
    elements = query.elements()
    payload = {
        "USER_ID": user,
        "PASSWORD": password,
        "IP_USER": ip,
        "TRESHOLD": str(threshold),
        "NIK": query.nik,
        **elements,
    }
    try:
        response = httpx.post(
            url,
            json=payload,
            timeout=float(settings.DUKCAPIL_WS_TIMEOUT_SECONDS),
        )
    except httpx.HTTPError as error:
        log.warning("Dukcapil verification unreachable: %s", type(error).__name__)
        raise IdentityUnavailable(MSG_UNREACHABLE, code="unavailable") from None
    content = _read_answer(response)
    code = str(content.get("RESPONSE_CODE") or "").strip()
    if code and code not in ("01", "12"):
        if code in ("13", "15", "08"):
            return IdentityResult("webservice", query.nik, "not_found", threshold=threshold)
        if code == "11":
            return IdentityResult("webservice", query.nik, "deceased", threshold=threshold)
        if code == "14":
            return IdentityResult("webservice", query.nik, "inactive", threshold=threshold)
        kind, message = REFUSALS.get(
            code, ("refused", f"Dukcapil menolak verifikasi (kode {code}); hubungi admin kantor.")
        )
        log.warning("Dukcapil verification refused: code %s (%s)", code, kind)
        raise IdentityUnavailable(message.format(ip=ip or "-"), code=kind)
    matches = []
    for key in elements:
        match = _element(key, content.get(key))
        if match is None:
            log.warning("Dukcapil verification: element %s unanswered or unreadable", key)
            raise IdentityUnavailable(MSG_BAD_ANSWER, code="bad_answer")
        matches.append(match)
    return _overall("webservice", query.nik, matches, threshold)


# --- the service and its record ---------------------------------------------------------------


def check(office: Office, query: IdentityQuery, *, ip: str) -> IdentityResult:
    """The check on `office`'s backend; raises IdentityUnavailable (nothing to record)."""
    if len(query.nik) != 16 or not is_ascii_digits(query.nik):
        raise DomainError(MSG_NIK, code="nik")
    if not query.elements():
        raise DomainError(MSG_NOTHING, code="no_elements")
    if identity_backend(office) == "webservice":
        return check_webservice(query, ip=ip)
    return check_standalone(office, query)


def identity_check(
    *, office: Office, obj: models.Model, actor: User | None, query: IdentityQuery, ip: str
) -> IdentityResult:
    """Check `query` for `obj` (a case) and audit it: who, when, NIK, backend, result. The
    remote call is made before the transaction, so a slow service holds no lock."""
    result = check(office, query, ip=ip)
    with transaction.atomic():
        record(actor=actor, office=office, action=ACTION, obj=obj, after=result.audit())
    return result


def last_check(obj: models.Model) -> IdentityResult | None:
    """The latest identity check audited for `obj`, as its result."""
    event = (
        AuditEvent.objects.filter(
            action=ACTION, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None or not isinstance(event.after, dict):
        return None
    data = event.after
    matches = []
    for key, text in dict(data.get("elements") or {}).items():
        match = _element(key, text)
        if match is not None:
            matches.append(match)
    return IdentityResult(
        backend=str(data.get("backend", "")),
        nik=str(data.get("nik", "")),
        status=str(data.get("status", "")),
        matches=tuple(matches),
        threshold=int(data.get("threshold") or 0),
        at=event.created_at,
        actor_label=event.actor_label,
    )
