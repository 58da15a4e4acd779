"""A local SIAK/Dukcapil server for development, tests and the demo (see PROTOCOL.md).

Verification web service (the Dukcapil data-access "hak akses" for partner institutions):

    POST /dukcapil/get_json/{instansi}/CALL_VERIFY_BY_ELEMEN
         {"USER_ID", "PASSWORD", "IP_USER", "TRESHOLD", "NIK", <elements>...}
      -> {"content": [{"NIK": "Sesuai", "NAMA_LGKP": "Sesuai (100)", ...}], "lastPage": true,
          "numberOfElements": 1, "sort": null, "totalElements": 1, "firstPage": true,
          "number": 0, "size": 1, "quotaLimiter": <requests left today>}
         or content [{"RESPONSE_CODE": "13", "RESPONSE": "Data Tidak Ditemukan"}]

SIAK's print (what an operator enters in SIAK, the number SIAK issues and the PDF it prints):

    GET  /_siak/                            a small page to enter a document by hand
    GET  /_siak/kk                          a KK by hand: the head, then "Tambah anggota"
    POST /_siak/api/akta-kelahiran          {region, name, birth_date, sex, birth_place, ...}
    POST /_siak/api/akta-kematian           {region, name, nik, died_on, death_place}
    POST /_siak/api/kk                      {kecamatan, address, members: [{name, ...}]}
    POST /_siak/api/nik                     {kecamatan, name, birth_date, sex, ...}
    GET  /_siak/api/dokumen                 what was issued
    GET  /_siak/dokumen/{id}.pdf            the PDF (signed, or waiting for the Kadis's TTE)
    GET  /_siak/dokumen/{id}                the document's page (the TTE form while unsigned)
    POST /_siak/dokumen/{id}/tte            the Kadis's TTE by hand (nik, passphrase)
    POST /_siak/api/dokumen/{id}/tte        {nik, passphrase}: signed through BSrE
    GET  /_siak/verifikasi/{id}             where the QR code leads

With `bsre` (`--bsre-url`), SIAK holds no key: a document is printed unsigned ("menunggu TTE
Kepala Dinas") and the Kadis signs it with their BSrE certificate (peers/siak/tte.py calls the
BSrE esign client service over HTTP). Without it the server signs with its own development key.

Control (for tests; the server binds to loopback only):

    GET  /_peer/health  POST /_peer/reset
    GET  /_peer/faults  POST …  DELETE …   {"down", "slow": seconds, "error500",
                                            "quota_exhausted", "ip_refused"}
    GET  /_peer/users   POST …             {"user_id", "password", "allowed_ips", "active", "quota"}
    POST /_peer/residents                   a list of residents (the seed file's shape)
    GET  /_peer/requests                    verification requests seen (never the password)
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from peers import serving
from peers.siak import tte
from peers.siak.printing import lines_for, print_document, print_unsigned
from peers.siak.state import (
    DEFAULT_QUOTA,
    ELEMENTS,
    Issued,
    SiakState,
    User,
    compare,
    resident_values,
)

log = logging.getLogger("peers.siak")

VERIFY_PATH = "/dukcapil/get_json/{instansi}/CALL_VERIFY_BY_ELEMEN"
ZONE = ZoneInfo("Asia/Jakarta")
MAX_BODY = 64 * 1024

# RESPONSE_CODE and RESPONSE of the verification service's refusals (PROTOCOL.md).
ANSWERS = {
    "03": "User ID atau Password salah",
    "04": "IP User tidak terdaftar",
    "05": "Kuota akses hari ini telah habis",
    "07": "Parameter request tidak lengkap",
    "08": "NIK tidak dapat diproses",
    "09": "User ID, Password dan IP User wajib diisi",
    "10": "IP Address tidak terdaftar",
    "11": "Data Ditemukan, Status Meninggal",
    "13": "Data Tidak Ditemukan",
    "14": "Data Ditemukan, Status Tidak Aktif silakan hubungi Dinas Dukcapil",
    "17": "User ID tidak aktif",
}
KINDS = {
    "akta-kelahiran": "akta_kelahiran",
    "akta-kematian": "akta_kematian",
    "kk": "kk",
    "nik": "nik",
}
# Status hubungan dalam keluarga (SHDK) as SIAK lists it; the first member is the head.
HEAD = "Kepala Keluarga"
RELATIONS = (
    HEAD,
    "Suami",
    "Istri",
    "Anak",
    "Menantu",
    "Cucu",
    "Orang Tua",
    "Mertua",
    "Famili Lain",
    "Pembantu",
    "Lainnya",
)
MAX_MEMBERS = 20
SEX_NAMES = {"L": "Laki-laki", "P": "Perempuan"}
# What the KK's JSON answer (`data.members`) and its print say of each member.
MEMBER_KEYS = ("nik", "name", "sex", "birth_place", "birth_date", "relation")
MEMBER_COLUMNS = (
    "No",
    "Nama Lengkap",
    "NIK",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Hubungan dalam Keluarga",
)


class BadInput(Exception):
    """A print request SIAK would refuse; the text is for the operator (Bahasa Indonesia).
    `member`: the KK member (0 = the head) the refusal is about, if any."""

    def __init__(self, message: str, member: int | None = None) -> None:
        super().__init__(message)
        self.member = member


class Conflict(Exception):
    """A TTE that cannot happen now (signed already, being signed); Bahasa Indonesia."""


def _envelope(content: dict[str, Any], quota_left: int | None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "content": [content],
        "lastPage": True,
        "numberOfElements": 1,
        "sort": None,
        "totalElements": 1,
        "firstPage": True,
        "number": 0,
        "size": 1,
    }
    if quota_left is not None:
        answer["quotaLimiter"] = quota_left
    return answer


def _refusal(code: str, quota_left: int | None = None) -> dict[str, Any]:
    return _envelope({"RESPONSE_CODE": code, "RESPONSE": ANSWERS[code]}, quota_left)


def _today() -> date:
    return datetime.now(ZONE).date()


def _code(value: Any, digits: int, what: str) -> str:
    code = str(value or "").replace(".", "").strip()
    if len(code) != digits or not code.isdigit():
        raise BadInput(
            f"Kode {what} harus {digits} angka (mis. {'18.08' if digits == 4 else '18.08.01'})."
        )
    return code


def _region(value: Any) -> tuple[str, str]:
    """An akta's region: the kab/kota code (4 digits), or a kecamatan (6 digits), whose kab/kota
    numbers the akta and where a newborn's NIK is issued. Returns (kab/kota, kecamatan or "")."""
    code = str(value or "").replace(".", "").strip()
    if len(code) == 6 and code.isdigit():
        return code[:4], code
    return _code(value, 4, "wilayah kabupaten/kota"), ""


def _date(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise BadInput(f"{what} harus tanggal (YYYY-MM-DD).") from None


def _text(data: dict[str, Any], key: str, what: str, required: bool = True) -> str:
    value = " ".join(str(data.get(key) or "").split())
    if required and not value:
        raise BadInput(f"{what} wajib diisi.")
    if len(value) > 150:
        raise BadInput(f"{what} terlalu panjang.")
    return value


def _sex(value: Any) -> str:
    sex = str(value or "").strip().upper()[:1]
    if sex not in ("L", "P"):
        raise BadInput("Jenis kelamin harus L atau P.")
    return sex


def _relation(value: str, index: int) -> str:
    """A member's hubungan dalam keluarga as SIAK writes it; the head's may be left out, the
    others' too (the JSON API's clients before the field was checked)."""
    word = " ".join(value.split()).casefold()
    if not word:
        return HEAD if index == 0 else ""
    relation = next((r for r in RELATIONS if r.casefold() == word), None)
    if relation is None:
        raise BadInput(
            "Hubungan dalam keluarga harus salah satu dari: " + ", ".join(RELATIONS) + "."
        )
    if index == 0 and relation != HEAD:
        raise BadInput("hubungan anggota pertama harus Kepala Keluarga.")
    if index > 0 and relation == HEAD:
        raise BadInput("Kepala Keluarga hanya satu, yaitu anggota pertama.")
    return relation


def _who(index: int, name: Any = "") -> str:
    """How a refusal names a KK member: "Kepala keluarga", "Anggota ke-3 (Bima)"."""
    who = "Kepala keluarga" if index == 0 else f"Anggota ke-{index + 1}"
    name = " ".join(str(name or "").split())[:60]
    return f"{who} ({name})" if name else who


class SiakServer:
    def __init__(self, state: SiakState, bsre: tte.BsreAccess | None = None) -> None:
        self.state = state
        self.bsre = bsre
        self.root_url = ""

    # --- the verification web service ------------------------------------------------------

    async def verify(self, request: web.Request) -> web.StreamResponse:
        with self.state.lock:
            faults = self.state.faults
            down, slow, error500 = faults.down, faults.slow, faults.error500
        if down:
            if request.transport is not None:
                request.transport.abort()
            raise web.HTTPServiceUnavailable()
        if slow:
            await asyncio.sleep(slow)
        if error500:
            return web.Response(status=500, text="<html><body>Internal Server Error</body></html>")
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            body = None
        answer = self._verify(request.match_info["instansi"], body)
        return web.json_response(answer)

    def _verify(self, instansi: str, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            return self._logged({}, instansi, _refusal("07"))
        user_id = str(body.get("USER_ID") or "")
        password = str(body.get("PASSWORD") or "")
        ip_user = str(body.get("IP_USER") or "")
        with self.state.lock:
            user = self.state.users.get(user_id)
            faults = self.state.faults
            password_ok = user is not None and secrets.compare_digest(
                user.password.encode(), password.encode()
            )
            entry = {"user_id": user_id, "ip_user": ip_user, "password_ok": password_ok}
            if not user_id or not password or not ip_user:
                return self._logged(body, instansi, _refusal("09"), entry)
            if user is None or not password_ok:
                return self._logged(body, instansi, _refusal("03"), entry)
            if not user.active:
                return self._logged(body, instansi, _refusal("17"), entry)
            if faults.ip_refused:
                return self._logged(body, instansi, _refusal("10"), entry)
            if not user.ip_allowed(ip_user):
                return self._logged(body, instansi, _refusal("04"), entry)
            if faults.quota_exhausted or user.used >= user.quota:
                return self._logged(body, instansi, _refusal("05", 0), entry)
            user.used += 1
            left = user.quota - user.used
            answer = self._match(body, left)
            return self._logged(body, instansi, answer, entry)

    def _match(self, body: dict[str, Any], left: int) -> dict[str, Any]:
        nik = str(body.get("NIK") or "").strip()
        try:
            threshold = int(str(body.get("TRESHOLD", "")).strip())
        except ValueError:
            threshold = -1
        if not nik or not 0 <= threshold <= 100:
            return _refusal("07", left)
        if len(nik) != 16 or not nik.isdigit():
            return _refusal("08", left)
        resident = self.state.residents.get(nik)
        if resident is None:
            return _refusal("13", left)
        status = str(resident.get("status") or "alive")
        if status == "dead":
            return _refusal("11", left)
        if status not in ("alive", "hidup"):
            return _refusal("14", left)
        recorded = resident_values(resident)
        content: dict[str, Any] = {"NIK": "Sesuai"}
        for element in ELEMENTS:
            given = body.get(element)
            if given is None or not str(given).strip():
                continue
            content[element] = compare(element, given, recorded.get(element, ""), threshold)
        return _envelope(content, left)

    def _logged(
        self,
        body: dict[str, Any],
        instansi: str,
        answer: dict[str, Any],
        entry: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        content = answer["content"][0]
        self.state.requests.append(
            (entry or {})
            | {
                "instansi": instansi,
                "threshold": body.get("TRESHOLD"),
                "nik": body.get("NIK"),
                "elements": sorted(k for k in body if k in ELEMENTS),
                "response_code": content.get("RESPONSE_CODE", ""),
                "content": content,
            }
        )
        return answer

    # --- SIAK's print ------------------------------------------------------------------------

    async def api_issue(self, request: web.Request) -> web.Response:
        kind = KINDS.get(request.match_info["kind"])
        if kind is None:
            raise web.HTTPNotFound()
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return web.json_response({"error": "Isi permintaan harus objek JSON."}, status=400)
        try:
            issued = await asyncio.to_thread(self.issue, kind, data)
        except BadInput as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response(issued.public(self.root_url), status=201)

    def issue(self, kind: str, data: dict[str, Any]) -> Issued:
        """Enter a document in SIAK: its number (unique per region prefix) and signed PDF."""
        with self.state.lock:
            document_id = secrets.token_hex(8)
            if kind == "akta_kelahiran":
                number, name, fields, labels = self._akta_kelahiran(data)
            elif kind == "akta_kematian":
                number, name, fields, labels = self._akta_kematian(data)
            elif kind == "kk":
                number, name, fields, labels = self._kk(data)
            else:
                number, name, fields, labels = self._nik(data)
        verify_url = f"{self.root_url}/_siak/verifikasi/{document_id}"
        lines = lines_for(fields, labels)
        table: list[list[str]] = []
        if kind == "kk":  # the family, one row a member, as the KK lists it
            lines.append(
                ("Tanggal dikeluarkan", f"{date.fromisoformat(fields['issued_on']):%d-%m-%Y}")
            )
            table = [list(MEMBER_COLUMNS)] + [
                [
                    str(i),
                    m["name"],
                    m["nik"],
                    SEX_NAMES[m["sex"]],
                    m["birth_place"] or "-",
                    f"{date.fromisoformat(m['birth_date']):%d-%m-%Y}",
                    m["relation"] or "-",
                ]
                for i, m in enumerate(fields["members"], 1)
            ]
        if self.bsre is None:
            issued = Issued(
                document_id,
                kind,
                number,
                name,
                fields,
                print_document(kind, number, lines, verify_url, table),
            )
        else:
            pdf = print_unsigned(kind, number, lines, verify_url, table)
            issued = Issued(document_id, kind, number, name, fields, pdf, signed=False)
        with self.state.lock:
            self.state.issued[document_id] = issued
        log.info("SIAK issued %s %s (%s)", kind, number, issued.status)
        return issued

    def sign(self, document_id: str, nik: str, passphrase: str) -> Issued:
        """The Kadis's TTE: the document signed through BSrE with their NIK and passphrase.
        Raises BadInput, Conflict, KeyError (no such document) or tte.TteRefused; on any of
        them the document stays as it was (unsigned) and may be signed again."""
        if self.bsre is None:
            raise Conflict("SIAK ini menandatangani dengan kuncinya sendiri; TTE BSrE tidak aktif.")
        nik = nik.strip()
        if len(nik) != 16 or not nik.isdigit():
            raise BadInput("NIK Kepala Dinas harus 16 angka.")
        if not passphrase:
            raise BadInput("Passphrase TTE wajib diisi.")
        if len(passphrase) > 256:
            raise BadInput("Passphrase terlalu panjang.")
        with self.state.lock:
            issued = self.state.issued[document_id]
            if issued.signed:
                raise Conflict("Dokumen ini sudah ditandatangani.")
            if issued.signing:
                raise Conflict(
                    "Dokumen ini sedang ditandatangani. Tunggu sebentar lalu muat ulang."
                )
            issued.signing = True
            unsigned = issued.pdf
        try:
            signed = tte.sign(
                self.bsre,
                unsigned,
                nik=nik,
                passphrase=passphrase,
                link_qr=f"{self.root_url}/_siak/verifikasi/{issued.id}",
                filename=f"{issued.kind}-{issued.id}.pdf",
            )
            if signed.signer_nik != nik:
                raise tte.TteRefused("bad_answer", tte.MESSAGES["bad_answer"])
        finally:
            with self.state.lock:
                issued.signing = False
        with self.state.lock:
            issued.pdf = signed.pdf
            issued.signed = True
            issued.signer_name = signed.signer_name
            issued.signer_nik = signed.signer_nik
            issued.signed_at = datetime.now(ZONE).isoformat(timespec="seconds")
        log.info("SIAK TTE %s %s signed by NIK %s through BSrE", issued.kind, issued.number, nik)
        return issued

    async def api_tte(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return web.json_response({"error": "Isi permintaan harus objek JSON."}, status=400)
        nik, passphrase = str(data.get("nik") or ""), str(data.get("passphrase") or "")
        try:
            issued = await asyncio.to_thread(self.sign, request.match_info["id"], nik, passphrase)
        except KeyError:
            return web.json_response({"error": "Dokumen tidak ditemukan."}, status=404)
        except BadInput as error:
            return web.json_response({"error": str(error), "code": "bad_input"}, status=400)
        except Conflict as error:
            return web.json_response({"error": str(error), "code": "conflict"}, status=409)
        except tte.TteRefused as refusal:
            return web.json_response(
                {"error": refusal.message, "code": refusal.code, "signed": False},
                status=refusal.http_status,
            )
        return web.json_response(issued.public(self.root_url))

    def _new_nik(self, kecamatan: str, born: date, sex: str) -> str:
        day = born.day + (40 if sex == "P" else 0)
        prefix = f"{kecamatan}{day:02d}{born:%m%y}"
        serial = self.state.next_serial(f"nik:{prefix}", None)
        while f"{prefix}{serial:04d}" in self.state.residents:
            serial = self.state.next_serial(f"nik:{prefix}", None)
        return f"{prefix}{serial:04d}"

    def _akta_kelahiran(
        self, data: dict[str, Any]
    ) -> tuple[str, str, dict[str, Any], dict[str, str]]:
        region, kecamatan = _region(data.get("region"))
        fields = {
            "name": _text(data, "name", "Nama anak"),
            "birth_date": _date(data.get("birth_date"), "Tanggal lahir").isoformat(),
            "sex": _sex(data.get("sex")),
            "birth_place": _text(data, "birth_place", "Tempat lahir"),
            "father_name": _text(data, "father_name", "Nama ayah", required=False),
            "mother_name": _text(data, "mother_name", "Nama ibu", required=False),
            "nik": _text(data, "nik", "NIK", required=False),
        }
        if kecamatan and not fields["nik"]:  # the newborn enters SIAK and gets a NIK
            fields["nik"] = self._person(fields, kecamatan)["nik"]
        today = _today()
        serial = self.state.next_serial(f"{region}-LT-{today.year}")
        number = f"{region}-LT-{today:%d%m%Y}-{serial:04d}"
        labels = {
            "name": "Nama",
            "nik": "NIK",
            "birth_place": "Tempat lahir",
            "birth_date": "Tanggal lahir",
            "sex": "Jenis kelamin",
            "father_name": "Nama ayah",
            "mother_name": "Nama ibu",
        }
        return number, fields["name"], fields, labels

    def _akta_kematian(
        self, data: dict[str, Any]
    ) -> tuple[str, str, dict[str, Any], dict[str, str]]:
        region, _kecamatan = _region(data.get("region"))
        fields = {
            "name": _text(data, "name", "Nama"),
            "nik": _text(data, "nik", "NIK", required=False),
            "died_on": _date(data.get("died_on"), "Tanggal meninggal").isoformat(),
            "death_place": _text(data, "death_place", "Tempat meninggal", required=False),
        }
        today = _today()
        serial = self.state.next_serial(f"{region}-KM-{today.year}")
        number = f"{region}-KM-{today:%d%m%Y}-{serial:04d}"
        resident = self.state.residents.get(fields["nik"])
        if resident is not None:
            resident["status"] = "dead"
        labels = {
            "name": "Nama",
            "nik": "NIK",
            "died_on": "Tanggal meninggal",
            "death_place": "Tempat meninggal",
        }
        return number, fields["name"], fields, labels

    def _details(self, data: dict[str, Any]) -> dict[str, Any]:
        """A person as entered, checked; nothing is registered and `nik` may be empty."""
        born = _date(data.get("birth_date"), "Tanggal lahir")
        sex = _sex(data.get("sex"))
        nik = str(data.get("nik") or "").strip()
        if nik and (len(nik) != 16 or not nik.isdigit()):
            raise BadInput("NIK harus 16 angka.")
        return {
            "nik": nik,
            "name": _text(data, "name", "Nama"),
            "birth_date": born.isoformat(),
            "sex": sex,
            "birth_place": _text(data, "birth_place", "Tempat lahir", required=False),
            "mother_name": _text(data, "mother_name", "Nama ibu", required=False),
            "father_name": _text(data, "father_name", "Nama ayah", required=False),
            "relation": _text(data, "relation", "Hubungan dalam keluarga", required=False),
            "address": _text(data, "address", "Alamat", required=False),
        }

    def _register(self, person: dict[str, Any], kecamatan: str, no_kk: str = "") -> dict[str, Any]:
        """The person enters SIAK's register (a NIK issued when none was given); what the
        register held of a known NIK stays unless given again."""
        nik = person["nik"] or self._new_nik(
            kecamatan, date.fromisoformat(person["birth_date"]), person["sex"]
        )
        known = self.state.residents.get(nik, {})
        resident = (
            known
            | {key: value for key, value in person.items() if value or key not in known}
            | {"nik": nik, "no_kk": no_kk, "district_code": kecamatan, "status": "alive"}
        )
        self.state.residents[nik] = resident
        return resident

    def _person(self, data: dict[str, Any], kecamatan: str, no_kk: str = "") -> dict[str, Any]:
        return self._register(self._details(data), kecamatan, no_kk)

    def _member(self, data: dict[str, Any], index: int, today: date) -> dict[str, Any]:
        """One KK member checked (0 = the head); a refusal names the member."""
        try:
            person = self._details(data)
            if date.fromisoformat(person["birth_date"]) > today:
                raise BadInput("Tanggal lahir tidak boleh setelah hari ini.")
            person["relation"] = _relation(person["relation"], index)
            known = self.state.residents.get(person["nik"]) if person["nik"] else None
            if known is not None and known.get("status") == "dead":
                raise BadInput(f"NIK {person['nik']} tercatat meninggal dunia.")
        except BadInput as error:
            raise BadInput(f"{_who(index, data.get('name'))}: {error}", index) from None
        return person

    def _kk(self, data: dict[str, Any]) -> tuple[str, str, dict[str, Any], dict[str, str]]:
        kecamatan = _code(data.get("kecamatan"), 6, "kecamatan")
        address = _text(data, "address", "Alamat")
        members = data.get("members")
        if members is None and data.get("name"):  # a head alone, given without `members`
            members = [{key: value for key, value in data.items() if key != "address"}]
        if not isinstance(members, list) or not members or len(members) > MAX_MEMBERS:
            raise BadInput(f"Anggota keluarga wajib diisi (1 sampai {MAX_MEMBERS} orang).")
        if not all(isinstance(m, dict) for m in members):
            raise BadInput("Setiap anggota keluarga harus objek JSON.")
        today = _today()
        # Every member is checked before anything is issued: a refusal leaves no trace.
        people = [self._member(m, i, today) for i, m in enumerate(members)]
        first: dict[str, int] = {}
        for index, person in enumerate(people):
            if person["nik"] in first:
                earlier = _who(first[person["nik"]], people[first[person["nik"]]]["name"])
                raise BadInput(
                    f"{_who(index, person['name'])}: NIK {person['nik']} sama dengan {earlier}.",
                    index,
                )
            if person["nik"]:
                first[person["nik"]] = index
        prefix = f"{kecamatan}{today:%d%m%y}"
        taken = {str(r.get("no_kk")) for r in self.state.residents.values()}
        serial = self.state.next_serial(f"kk:{prefix}", {t for t in taken if t.startswith(prefix)})
        no_kk = f"{prefix}{serial:04d}"
        # Those with a NIK first: a NIK issued now never takes one given in the same family.
        entered: list[dict[str, Any]] = [{} for _ in people]
        for index in sorted(range(len(people)), key=lambda i: not people[i]["nik"]):
            person = people[index]
            entered[index] = self._register(person | {"address": address}, kecamatan, no_kk) | {
                "issued": not person["nik"]
            }
        fields = {
            "no_kk": no_kk,
            "head": entered[0]["name"],
            "address": address,
            "kecamatan": f"{kecamatan[:2]}.{kecamatan[2:4]}.{kecamatan[4:]}",
            "issued_on": today.isoformat(),
            "members": [
                {key: p[key] for key in MEMBER_KEYS} | {"nik_issued": p["issued"]} for p in entered
            ],
        }
        labels = {"head": "Kepala keluarga", "address": "Alamat", "kecamatan": "Kode kecamatan"}
        return no_kk, entered[0]["name"], fields, labels

    def _nik(self, data: dict[str, Any]) -> tuple[str, str, dict[str, Any], dict[str, str]]:
        kecamatan = _code(data.get("kecamatan"), 6, "kecamatan")
        person = self._person(data, kecamatan, str(data.get("no_kk") or ""))
        labels = {
            "name": "Nama",
            "birth_place": "Tempat lahir",
            "birth_date": "Tanggal lahir",
            "sex": "Jenis kelamin",
        }
        return person["nik"], person["name"], person, labels

    async def api_list(self, request: web.Request) -> web.Response:
        with self.state.lock:
            issued = [i.public(self.root_url) for i in self.state.issued.values()]
        return web.json_response({"data": issued})

    def _issued(self, request: web.Request) -> Issued:
        with self.state.lock:
            issued = self.state.issued.get(request.match_info["id"])
        if issued is None:
            raise web.HTTPNotFound(text="Dokumen tidak ditemukan.")
        return issued

    async def pdf(self, request: web.Request) -> web.Response:
        issued = self._issued(request)
        suffix = "" if issued.signed else "-belum-ttd"
        return web.Response(
            body=issued.pdf,
            content_type="application/pdf",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="{issued.kind}-{issued.id}{suffix}.pdf"'
                ),
                "X-Siak-Status": issued.status,
            },
        )

    async def verification(self, request: web.Request) -> web.Response:
        issued = self._issued(request)
        if not issued.signed:
            status = "menunggu TTE Kepala Dinas (belum berlaku)"
        elif issued.signer_nik:
            status = f"aktif, ditandatangani secara elektronik oleh {issued.signer_name} (BSrE)"
        else:
            status = "aktif"
        body = (
            f"<h1>Dokumen terdaftar di SIAK</h1><p>Nomor: {html.escape(issued.number)}</p>"
            f"<p>Nama: {html.escape(issued.name)}</p><p>Status: {html.escape(status)}</p>"
        )
        return web.Response(text=_page(body), content_type="text/html")

    def _card(self, issued: Issued, *, error: str = "", nik: str = "") -> str:
        """One document: its number, its status and what to do next (TTE, or download)."""
        title = TITLES_ID.get(issued.kind, issued.kind)
        head = (
            f"<section class='card'><p class='kind'>{html.escape(title)}</p>"
            f"<p class='number'>Nomor <strong>{html.escape(issued.number)}</strong></p>"
            f"<p>{html.escape(issued.name)}</p>"
        )
        if issued.kind == "akta_kelahiran" and issued.data.get("nik"):
            head += (
                f"<p class='number'>NIK anak <strong>{html.escape(issued.data['nik'])}</strong></p>"
            )
        if issued.kind == "kk":
            members = "".join(
                f"<li>{html.escape(m['name'])} <span class='tag'>"
                f"{html.escape(m.get('relation') or 'anggota')}</span><br>NIK "
                f"<strong>{html.escape(m['nik'])}</strong>"
                f"{' (baru diterbitkan)' if m.get('nik_issued') else ''}</li>"
                for m in issued.data.get("members", [])
            )
            head += f"<ol class='members'>{members}</ol>"
        pdf_url = f"/_siak/dokumen/{issued.id}.pdf"
        if issued.signed:
            who = (
                f"Ditandatangani secara elektronik oleh {html.escape(issued.signer_name)} "
                f"(NIK {html.escape(issued.signer_nik)}) melalui BSrE."
                if issued.signer_nik
                else "Ditandatangani secara elektronik."
            )
            return (
                f"{head}<p class='ok'>{who}</p>"
                f"<a class='button' href='{pdf_url}'>Unduh PDF bertanda tangan</a></section>"
            )
        problem = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
        return f"""{head}<p class='wait'>Menunggu TTE Kepala Dinas</p>{problem}
<form method="post" action="/_siak/dokumen/{issued.id}/tte" class="tte">
<h2>TTE Kepala Dinas</h2>
<label>NIK Kepala Dinas <input name="nik" inputmode="numeric" maxlength="16"
 autocomplete="off" required value="{html.escape(nik)}"></label>
<label>Passphrase TTE <input name="passphrase" type="password" autocomplete="off" required></label>
<button>Tandatangani dengan TTE BSrE</button></form>
<p><a href='{pdf_url}'>Pratinjau PDF (belum ditandatangani)</a></p></section>"""

    async def document(self, request: web.Request) -> web.Response:
        issued = self._issued(request)
        body = f"<p><a href='/_siak/'>&larr; SIAK</a></p>{self._card(issued)}"
        return web.Response(text=_page(body), content_type="text/html")

    async def document_tte(self, request: web.Request) -> web.StreamResponse:
        issued = self._issued(request)
        form = await request.post()
        nik = str(form.get("nik") or "").strip()
        passphrase = str(form.get("passphrase") or "")
        try:
            await asyncio.to_thread(self.sign, issued.id, nik, passphrase)
        except (BadInput, Conflict, tte.TteRefused) as error:
            text = error.message if isinstance(error, tte.TteRefused) else str(error)
            text += "" if issued.signed else " Dokumen belum ditandatangani."
            body = (
                f"<p><a href='/_siak/'>&larr; SIAK</a></p>{self._card(issued, error=text, nik=nik)}"
            )
            return web.Response(text=_page(body), content_type="text/html")
        raise web.HTTPSeeOther(f"/_siak/dokumen/{issued.id}")

    async def home(self, request: web.Request) -> web.Response:
        message = ""
        typed: dict[str, str] = {}
        if request.method == "POST":
            typed = {k: str(v) for k, v in (await request.post()).items()}
            form: dict[str, Any] = dict(typed)
            kind = KINDS.get(str(form.pop("kind", "")))
            try:
                if kind is None:
                    raise BadInput("Pilih jenis dokumen.")
                if kind == "kk":  # a head alone (the form before /_siak/kk)
                    form = {
                        "kecamatan": form.get("region"),
                        "address": form.get("address"),
                        "members": [form],
                    }
                elif kind == "nik":
                    form["kecamatan"] = form.get("region")
                issued = await asyncio.to_thread(self.issue, kind, form)
                message = (
                    f"<p class='ok' role='status'>SIAK menerbitkan nomor "
                    f"<strong>{html.escape(issued.number)}</strong>.</p>{self._card(issued)}"
                )
                typed = {}
            except BadInput as error:
                message = f"<p class='error' role='alert'>{html.escape(str(error))}</p>"
        waiting, rows = self._lists(hide_waiting=bool(message))
        how = (
            "Dokumen dicetak tanpa tanda tangan, lalu Kepala Dinas menandatanganinya dengan "
            "TTE BSrE (NIK dan passphrase)."
            if self.bsre is not None
            else "Dokumen ditandatangani dengan kunci pengembangan SIAK lokal."
        )

        def value(key: str) -> str:
            return f' value="{html.escape(typed.get(key, ""))}"'

        kinds = _options(
            [
                ("akta-kelahiran", "Akta kelahiran"),
                ("akta-kematian", "Akta kematian"),
                ("nik", "NIK"),
            ],
            typed.get("kind", ""),
        )
        body = f"""<h1>SIAK (lokal)</h1><p class='hint'>{how}</p>{message}{waiting}
<a class='button secondary' href='/_siak/kk'>Entri Kartu Keluarga (KK): kepala keluarga dan
 anggota</a>
<form method="post" class="entry"><h2>Entri akta dan NIK</h2>
<label>Jenis <select name="kind">{kinds}</select></label>
<label>Kode wilayah kecamatan (mis. 18.08.01; akta kematian cukup kab/kota 18.08)
 <input name="region" inputmode="decimal"{value("region")}></label>
<label>Nama <input name="name"{value("name")}></label>
<label>NIK (akta kematian) <input name="nik" inputmode="numeric"{value("nik")}></label>
<label>Tanggal lahir <input name="birth_date" type="date"{value("birth_date")}></label>
<label>Jenis kelamin <select name="sex">{_options(SEX_NAMES.items(), typed.get("sex", ""))}</select>
</label>
<label>Tempat lahir <input name="birth_place"{value("birth_place")}></label>
<label>Nama ayah (akta kelahiran) <input name="father_name"{value("father_name")}></label>
<label>Nama ibu (akta kelahiran) <input name="mother_name"{value("mother_name")}></label>
<label>Tanggal meninggal <input name="died_on" type="date"{value("died_on")}></label>
<button>Simpan di SIAK</button></form>
<h2>Sudah diterbitkan</h2><ul class='list'>{rows or "<li>Belum ada.</li>"}</ul>"""
        return web.Response(text=_page(body), content_type="text/html")

    def _lists(self, *, hide_waiting: bool) -> tuple[str, str]:
        """What awaits the Kadis's TTE (first on the page) and everything issued, as list items."""
        with self.state.lock:
            issued = list(reversed(list(self.state.issued.values())))
        rows = "".join(
            f"<li><a href='/_siak/dokumen/{i.id}'>{html.escape(i.number)}</a> "
            f"{html.escape(i.name)} <span class='tag'>"
            f"{'sudah TTE' if i.signed else 'menunggu TTE'}</span></li>"
            for i in issued
        )
        waiting = "".join(
            f"<li><a href='/_siak/dokumen/{i.id}'>{html.escape(i.number)}</a> "
            f"{html.escape(i.name)}</li>"
            for i in issued
            if not i.signed and not hide_waiting
        )
        if waiting:  # the Kadis finds what awaits the TTE before the entry form
            waiting = f"<h2>Belum ditandatangani Kepala Dinas</h2><ul class='list'>{waiting}</ul>"
        return waiting, rows

    async def kk_page(self, request: web.Request) -> web.Response:
        """A KK entered by hand: the head first, "Tambah anggota" for each further member (the
        form comes back with one more row; no script). A refusal keeps everything typed."""
        typed: dict[str, str] = {}
        count, message, bad = 1, "", None
        if request.method == "POST":
            typed = {k: str(v) for k, v in (await request.post()).items()}
            count = _member_rows(typed)
            if typed.get("do") == "tambah":
                if count < MAX_MEMBERS:
                    count += 1
                else:
                    message = f"Satu KK paling banyak {MAX_MEMBERS} anggota."
            else:
                typed, count = _without_blank_rows(typed, count)
                try:
                    data = _kk_from_form(typed, count)
                    issued = await asyncio.to_thread(self.issue, "kk", data)
                except BadInput as error:
                    message, bad = str(error), error.member
                else:
                    done = (
                        f"<p class='ok' role='status'>SIAK menerbitkan No. KK "
                        f"<strong>{html.escape(issued.number)}</strong>.</p>{self._card(issued)}"
                    )
                    body = f"<p><a href='/_siak/'>&larr; SIAK</a></p>{done}" + _kk_form(
                        {}, 1, "", None
                    )
                    return web.Response(text=_page(body), content_type="text/html")
        body = "<p><a href='/_siak/'>&larr; SIAK</a></p>" + _kk_form(typed, count, message, bad)
        return web.Response(text=_page(body), content_type="text/html")

    # --- control -----------------------------------------------------------------------------

    async def control(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body: Any = None
        raw = await request.read() if request.method == "POST" else b""
        if raw.strip():
            try:
                body = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
                return web.json_response({"error": "JSON body expected"}, status=400)
        handler = getattr(self, f"_control_{name}", None)
        if handler is None:
            raise web.HTTPNotFound()
        try:
            return web.json_response(handler(request.method, body))
        except (TypeError, ValueError, KeyError) as error:
            return web.json_response({"error": str(error)}, status=400)

    def _control_health(self, method: str, body: Any) -> dict[str, Any]:
        return {"ok": True}

    def _control_reset(self, method: str, body: Any) -> dict[str, Any]:
        self.state.reset()
        return {"ok": True}

    def _control_faults(self, method: str, body: Any) -> dict[str, Any]:
        with self.state.lock:
            if method == "DELETE":
                self.state.faults = type(self.state.faults)()
            elif method == "POST":
                for key, value in dict(body).items():
                    if not hasattr(self.state.faults, key):
                        raise KeyError(f"unknown fault {key!r}")
                    setattr(self.state.faults, key, float(value) if key == "slow" else bool(value))
            return self.state.faults.public()

    def _control_users(self, method: str, body: Any) -> dict[str, Any]:
        with self.state.lock:
            if method == "POST":
                data = dict(body)
                user = User(
                    user_id=str(data["user_id"]),
                    password=str(data["password"]),
                    allowed_ips=tuple(data.get("allowed_ips") or User.allowed_ips),
                    active=bool(data.get("active", True)),
                    quota=int(data.get("quota", DEFAULT_QUOTA)),
                )
                self.state.users[user.user_id] = user
            return {"data": [u.public() for u in self.state.users.values()]}

    def _control_residents(self, method: str, body: Any) -> dict[str, Any]:
        with self.state.lock:
            if method == "POST":
                rows = body.get("residents", []) if isinstance(body, dict) else body
                for row in rows:
                    self.state.residents[str(row["nik"])] = dict(row)
            return {"count": len(self.state.residents)}

    def _control_requests(self, method: str, body: Any) -> dict[str, Any]:
        with self.state.lock:
            return {"data": list(self.state.requests)}


def _options(choices: Any, chosen: str, blank: str = "") -> str:
    """<option>s of (value, text) pairs, `chosen` selected; `blank`: a first empty choice."""
    pairs = ([("", blank)] if blank else []) + list(choices)
    return "".join(
        f"<option value='{html.escape(v)}'{' selected' if v == chosen else ''}>"
        f"{html.escape(t)}</option>"
        for v, t in pairs
    )


ROW_FIELDS = ("name", "nik", "sex", "birth_place", "birth_date", "relation")
# What makes a member row on the KK page filled in (the sex always has a value).
ROW_TYPED = ("name", "nik", "birth_place", "birth_date", "relation")


def _member_rows(typed: dict[str, str]) -> int:
    try:
        count = int(typed.get("rows") or 1)
    except ValueError:
        count = 1
    return min(max(count, 1), MAX_MEMBERS)


def _without_blank_rows(typed: dict[str, str], count: int) -> tuple[dict[str, str], int]:
    """The form without the member rows left empty (the head's row always stays), renumbered:
    a refusal's "Anggota ke-N" is then the N-th row shown."""
    kept = [0] + [
        i for i in range(1, count) if any(typed.get(f"m{i}_{k}", "").strip() for k in ROW_TYPED)
    ]
    rows = {k: v for k, v in typed.items() if not k.startswith("m")}
    for new, old in enumerate(kept):
        rows |= {f"m{new}_{k}": typed.get(f"m{old}_{k}", "") for k in ROW_FIELDS}
    return rows, len(kept)


def _kk_from_form(typed: dict[str, str], count: int) -> dict[str, Any]:
    """The KK page's fields as the JSON API's request; on the page each further member's
    hubungan dalam keluarga must be chosen."""
    members = [{k: typed.get(f"m{i}_{k}", "") for k in ROW_FIELDS} for i in range(count)]
    members[0]["relation"] = HEAD
    for index, member in enumerate(members[1:], 1):
        if not member["relation"]:
            raise BadInput(
                f"{_who(index, member['name'])}: hubungan dalam keluarga wajib dipilih.", index
            )
    return {
        "kecamatan": typed.get("kecamatan"),
        "address": typed.get("address"),
        "members": members,
    }


def _kk_form(typed: dict[str, str], count: int, error: str, bad: int | None) -> str:
    """The KK entry form with `count` member rows and what was typed; the refused row marked."""

    def value(key: str) -> str:
        return f' value="{html.escape(typed.get(key, ""))}"'

    alert = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    rows = []
    for i in range(count):
        legend = "Kepala keluarga" if i == 0 else f"Anggota ke-{i + 1}"
        relation = (
            "<p>Hubungan dalam keluarga: <strong>Kepala Keluarga</strong></p>"
            if i == 0
            else f"<label>Hubungan dalam keluarga <select name='m{i}_relation'>"
            + _options(
                [(r, r) for r in RELATIONS[1:]], typed.get(f"m{i}_relation", ""), "— pilih —"
            )
            + "</select></label>"
        )
        here = f"<p class='error'>{html.escape(error)}</p>" if bad == i and error else ""
        rows.append(
            f"""<fieldset class='member{" bad" if bad == i else ""}'><legend>{legend}</legend>{here}
<label>Nama lengkap <input name="m{i}_name" autocomplete="off"{value(f"m{i}_name")}></label>
<label>NIK <span class='note'>(kosongkan bila belum punya: SIAK menerbitkan)</span>
 <input name="m{i}_nik" inputmode="numeric" maxlength="16" autocomplete="off"{value(f"m{i}_nik")}>
</label>
<label>Jenis kelamin <select name="m{i}_sex">
{_options(SEX_NAMES.items(), typed.get(f"m{i}_sex", ""))}</select></label>
<label>Tempat lahir <input name="m{i}_birth_place"{value(f"m{i}_birth_place")}></label>
<label>Tanggal lahir <input name="m{i}_birth_date" type="date"{value(f"m{i}_birth_date")}></label>
{relation}</fieldset>"""
        )
    return f"""<h1>Entri Kartu Keluarga</h1>
<p class='hint'>Kepala keluarga lebih dulu, lalu anggota lain dengan "Tambah anggota". Baris
anggota yang dibiarkan kosong tidak disimpan.</p>{alert}
<form method="post" action="/_siak/kk" class="entry">
<input type="hidden" name="rows" value="{count}">
<label>Kode wilayah kecamatan (mis. 18.08.01)
 <input name="kecamatan" inputmode="decimal"{value("kecamatan")}></label>
<label>Alamat <input name="address"{value("address")}></label>
{"".join(rows)}
<button name="do" value="tambah" class="secondary">Tambah anggota</button>
<button name="do" value="simpan">Simpan KK di SIAK</button></form>"""


TITLES_ID = {
    "akta_kelahiran": "Kutipan akta kelahiran",
    "akta_kematian": "Kutipan akta kematian",
    "kk": "Kartu Keluarga",
    "nik": "Biodata penduduk (NIK)",
}
STYLE = (
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,sans-serif;line-height:1.45;max-width:40rem;margin:0 auto;"
    "padding:1rem;overflow-wrap:anywhere;color:#1a1a1a}"
    "h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1rem 0 .4rem}"
    "label{display:block;margin:.7rem 0;font-weight:600}"
    "input,select,button,.button{display:block;width:100%;max-width:100%;font:inherit;"
    "min-height:44px;padding:.5rem .6rem;margin-top:.25rem;border:1px solid #888;"
    "border-radius:6px}"
    "button,.button{background:#0a5c36;color:#fff;border:0;font-weight:700;text-align:center;"
    "text-decoration:none;margin-top:1rem;cursor:pointer}"
    ".card{border:1px solid #ccc;border-radius:8px;padding:.8rem;margin:1rem 0;background:#fafafa}"
    ".card p{margin:.3rem 0}.kind{font-size:.9rem;color:#555}.number strong{font-size:1.05rem}"
    ".ok{color:#064}.error{color:#a00;font-weight:600}"
    ".wait{background:#fff4d6;border-left:4px solid #c80;padding:.4rem .6rem;font-weight:700}"
    ".hint{color:#555;font-size:.95rem}.list li{margin:.4rem 0}"
    ".tag{font-size:.8rem;background:#eee;border-radius:4px;padding:0 .3rem}"
    ".secondary,.button.secondary{background:#fff;color:#0a5c36;border:2px solid #0a5c36}"
    "fieldset{border:1px solid #bbb;border-radius:8px;padding:.2rem .8rem .6rem;"
    "margin:1rem 0;min-width:0}legend{font-weight:700;padding:0 .3rem}"
    "fieldset.bad{border:2px solid #a00}.note{font-weight:400;color:#555;font-size:.9rem}"
    ".members{padding-left:1.3rem;margin:.4rem 0}.members li{margin:.3rem 0}"
)


def _page(body: str) -> str:
    return (
        "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>SIAK lokal</title><style>{STYLE}</style></head><body>" + body + "</body></html>"
    )


async def _to_siak(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/_siak/")


def make_app(server: SiakServer) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(VERIFY_PATH, server.verify)
    app.router.add_get("/", _to_siak)  # Alur's "Buka SIAK" links to the root (SIAK_URL)
    app.router.add_route("*", "/_siak/", server.home)
    app.router.add_route("*", "/_siak/kk", server.kk_page)
    app.router.add_post("/_siak/api/{kind}", server.api_issue)
    app.router.add_get("/_siak/api/dokumen", server.api_list)
    app.router.add_post("/_siak/api/dokumen/{id}/tte", server.api_tte)
    app.router.add_post("/_siak/api/documents/{id}/tte", server.api_tte)
    app.router.add_get("/_siak/dokumen/{id}.pdf", server.pdf)
    app.router.add_get(r"/_siak/dokumen/{id:[0-9a-f]+}", server.document)
    app.router.add_post(r"/_siak/dokumen/{id:[0-9a-f]+}/tte", server.document_tte)
    app.router.add_get("/_siak/verifikasi/{id}", server.verification)
    app.router.add_route("*", "/_peer/{name}", server.control)
    return app


@dataclass
class RunningServer(serving.RunningServer):
    """A server running in a background thread with its own event loop."""

    state: SiakState
    _loop: asyncio.AbstractEventLoop = field(repr=False)
    _runner: web.AppRunner = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def verify_url(self) -> str:
        """What DUKCAPIL_WS_URL takes (the demo's instansi segment)."""
        return f"{self.root_url}/dukcapil/get_json/ALUR_DEMO/CALL_VERIFY_BY_ELEMEN"

    def stop(self) -> None:
        future = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
        future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def start_server(
    port: int = 0,
    *,
    residents: list[dict[str, Any]] | None = None,
    host: str = "127.0.0.1",
    bsre: tte.BsreAccess | None = None,
) -> RunningServer:
    """Start the server in a daemon thread (port 0: any free port) and return once it listens.
    With `bsre`, documents wait for the Kadis's TTE through that BSrE service."""
    serving.require_loopback(host, "the local SIAK server")
    state = SiakState(residents)
    server = SiakServer(state, bsre)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(server), access_log=log)
    ready = threading.Event()
    bound: list[int] = []
    failure: list[BaseException] = []

    async def setup() -> None:
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[attr-defined]
        bound.append(sockets[0].getsockname()[1])

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(setup())
        except BaseException as error:
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name="siak-server", daemon=True)
    thread.start()
    ready.wait(timeout=10)
    if failure:
        raise failure[0]
    root = f"http://127.0.0.1:{bound[0]}"
    server.root_url = root
    return RunningServer(root_url=root, state=state, _loop=loop, _runner=runner, _thread=thread)
