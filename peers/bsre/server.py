"""A local BSrE esign client service for development and tests (see PROTOCOL.md).

API endpoints (HTTP Basic auth):

    GET  /api/user/status/{nik}        {"status_code", "status", "message"}
    POST /api/sign/pdf                 multipart: file, nik, passphrase, tampilan, image,
                                       imageTTD, linkQR, page, xAxis, yAxis, width, height,
                                       tag_koordinat, reason, location → the signed PDF
                                       (application/pdf, header id_dokumen) or a JSON error
    GET  /api/sign/download/{id}       the signed PDF, once
    POST /api/sign/verify              multipart: signed_file → JSON summary and details
    POST /api/v2/user/check/status     {"nik"} or {"email"} → as v1
    POST /api/v2/sign/pdf              {"nik", "passphrase", "signatureProperties": [...],
                                       "file": [base64...]} → {"file": [base64...], "time"}
    POST /api/v2/verify/pdf            {"file": base64} → {"conclusion", "description",
                                       "signatureInformations": [...]}

Control endpoints (no auth; the server binds to loopback only):

    GET  /_peer/health                 {"ok": true}
    GET  /_peer/ca.pem                 the development CA (PEM), the trust root of signatures
    POST /_peer/reset                  users back to the start (users file re-read), no faults
    GET  /_peer/users  POST …          list (without passphrases) / add or replace one user
    POST /_peer/users/state            {"nik", "state"}: ISSUE, EXPIRED, REVOKE, SUSPEND, …
    GET  /_peer/faults  POST …  DELETE …  {"mode": down|disconnect|slow|error500|html|empty|
                                       not_pdf|wrong_passphrase_always, "seconds", "count",
                                       "endpoint": status|sign|verify|download}; also the short
                                       forms {"slow": 2}, {"down": true}, {"revoked": nik}
    GET  /_peer/requests               the API requests seen (never a passphrase)
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from peers import serving
from peers.bsre import signer
from peers.bsre.pki import Authority
from peers.bsre.state import BsreState, Fault, InvalidUser, User
from peers.serving import ControlError

log = logging.getLogger("peers.bsre")

DEV_USERNAME = "esign"
DEV_PASSWORD = "dev-esign-password"  # noqa: S105 - the development default in settings
MAX_BODY = 60 * 1024 * 1024
DEFAULT_STATE_DIR = Path("var/bsre")

# Status answers: 1111 a NIK with a certificate (in any state), 1110 an unknown NIK.
REGISTERED = 1111
UNREGISTERED = 1110
# Signing errors: 2011 and 2031 are BSrE's; the certificate-state codes are our guess.
NOT_REGISTERED_ERROR = (2011, "User tidak terdaftar")
WRONG_PASSPHRASE = (2031, "Passphrase anda salah")
STATE_ERRORS = {
    "EXPIRED": (2051, "Sertifikat user sudah kedaluwarsa (EXPIRED)"),
    "REVOKE": (2052, "Sertifikat user telah dicabut (REVOKE)"),
    "SUSPEND": (2053, "Sertifikat user sedang ditangguhkan (SUSPEND)"),
}
# Fields of a signing request that may be logged (never the passphrase or the files).
LOGGED_FIELDS = ("tampilan", "image", "page", "xAxis", "yAxis", "width", "height", "tag_koordinat")


class ApiError(Exception):
    """An answer {"error": message, "status_code": code} with HTTP `status`."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Answered(Exception):
    """The request was answered already (a 401)."""


def _bad_request(message: str) -> ApiError:
    return ApiError(400, 400, message)


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str
    data: bytes


def parse_multipart(content_type: str, body: bytes) -> dict[str, Part]:
    """The parts of a multipart/form-data body, by field name (the last one of a name wins)."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise _bad_request("Request harus multipart/form-data")
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise _bad_request("Format multipart tidak valid")
    parts: dict[str, Part] = {}
    for chunk in chunks[1:-1]:
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise _bad_request("Format multipart tidak valid")
        headers = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip():
                headers[key.strip()] = value.strip()
        name = headers.get_param("name", header="content-disposition")
        filename = headers.get_param("filename", header="content-disposition")
        if not isinstance(name, str):
            raise _bad_request("Setiap bagian multipart harus bernama")
        parts[name] = Part(
            name=name,
            filename=filename if isinstance(filename, str) else None,
            content_type=headers.get_content_type(),
            data=data,
        )
    return parts


def _number(value: Any, name: str) -> float:
    try:
        number = float(str(value).strip())
    except ValueError as exc:
        raise _bad_request(f"Parameter {name} harus berupa angka") from exc
    if number != number or abs(number) > 100_000:  # NaN or absurd
        raise _bad_request(f"Parameter {name} tidak valid")
    return number


def _page(value: Any, pages: int) -> int:
    """BSrE's page number (1 = first) as a 0-based index; 0 or empty: the first page."""
    if value in (None, ""):
        return 0
    number = int(_number(value, "page"))
    if not 1 <= number <= pages:
        raise _bad_request(f"Halaman {number} tidak ada pada dokumen ({pages} halaman)")
    return number - 1


def _page_top(pdf: bytes, index: int) -> float:
    """The upper edge (y of the MediaBox's top) of the index-th page."""
    node = signer.reader(pdf).root["/Pages"]
    inherited = node.get("/MediaBox")
    while node.get("/Type") == "/Pages":
        inherited = node.get("/MediaBox", inherited)
        for kid in node["/Kids"]:
            child = kid.get_object()
            count = int(child.get("/Count", 1)) if child.get("/Type") == "/Pages" else 1
            if index < count:
                node = child
                break
            index -= count
        else:
            raise _bad_request("Halaman tidak ditemukan")
    box = node.get("/MediaBox", inherited) or [0, 0, 595, 842]
    return float(box[3])


def _tag(pdf: bytes, tag: str, page: int | None) -> tuple[int, float, float]:
    """The page and lower left corner of a signature placed at `tag_koordinat`."""
    if len(tag) > 50:
        raise _bad_request("Parameter tag_koordinat terlalu panjang")
    found = signer.find_tag(pdf, tag, page)
    if found is None:
        raise _bad_request(f"tag_koordinat {tag!r} tidak ditemukan pada dokumen")
    return found


class BsreServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: BsreState, authority: Authority) -> None:
        self.state = state
        self.authority = authority
        super().__init__(address, BsreHandler)


class BsreHandler(serving.PeerHandler):
    server_version = "LocalBSrE/1.0"
    logger = log
    server: BsreServer
    # Filled for API requests only (`_dispatch` gives each its own); this empty one is never
    # written: an answer sent before `_dispatch` (a malformed request line) is not logged.
    _entry: dict[str, Any] = {}

    # plumbing
    @property
    def state(self) -> BsreState:
        return self.server.state

    def _log_request(self) -> None:
        if not self._entry or self._logged:
            return
        self._logged = True
        self._entry["status"] = self._status
        self.state.log_request(self._entry)

    def _dispatch(self, method: str) -> None:
        self._status = 0
        self._entry = {}
        self._logged = False
        self._fault: Fault | None = None
        path = urlsplit(self.path).path
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True
                raise ApiError(413, 413, "Ukuran request terlalu besar")
            body = self.rfile.read(length) if length > 0 else b""
            if path.startswith("/_peer/"):
                self._control(method, path.removeprefix("/_peer/"), body)
            else:
                self._api(method, path, body)
        except _Answered:
            pass
        except ApiError as error:
            self._json(error.status, {"error": error.message, "status_code": error.code})
        except ControlError as error:
            self._json(error.status, {"error": error.message})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug here still answers, as the real service's 500s do
            log.exception("local BSrE failed on %s %s", method, path)
            self.close_connection = True
            self._json(500, {"error": "Internal Server Error", "status_code": 500})
        finally:
            self._log_request()

    # the API
    def _route(self, method: str, path: str) -> tuple[str, Callable[[bytes], None]] | None:
        segments = [unquote(s) for s in path.split("/") if s]
        if method == "GET" and segments[:3] == ["api", "user", "status"] and len(segments) == 4:
            return "status", lambda body: self._status_v1(segments[3])
        if method == "GET" and segments[:3] == ["api", "sign", "download"] and len(segments) == 4:
            return "download", lambda body: self._download(segments[3])
        routes: dict[str, tuple[str, Callable[[bytes], None]]] = {
            "/api/sign/pdf": ("sign", self._sign_v1),
            "/api/sign/verify": ("verify", self._verify_v1),
            "/api/v2/user/check/status": ("status", self._status_v2),
            "/api/v2/sign/pdf": ("sign", self._sign_v2),
            "/api/v2/verify/pdf": ("verify", self._verify_v2),
        }
        if method == "POST" and path.rstrip("/") in routes:
            return routes[path.rstrip("/")]
        return None

    def _api(self, method: str, path: str, body: bytes) -> None:
        route = self._route(method, path)
        self._entry = {
            "method": method,
            "path": path,
            "endpoint": route[0] if route else "unknown",
            "api": "v2" if path.startswith("/api/v2/") else "v1",
        }
        if route is None:
            raise ApiError(404, 404, "Not Found")
        self.state.refresh()
        fault = self.state.take_fault(route[0])
        if fault is not None:
            self._entry["fault"] = fault.mode
            if self._act_out(fault):
                return
        self._authorize()
        route[1](body)

    def _act_out(self, fault: Fault) -> bool:
        """Play a fault; True when it answered (or dropped) the request itself."""
        self._fault = fault
        if fault.mode == "slow":
            return self.state.stopping.wait(fault.seconds)
        if fault.mode == "down":
            self._send(
                503,
                b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                "text/html",
            )
            return True
        if fault.mode == "disconnect":
            self.close_connection = True
            return True
        if fault.mode == "error500":
            self._json(500, {"error": "Internal Server Error", "status_code": 500})
            return True
        if fault.mode == "html":
            self._send(200, b"<!DOCTYPE html><html><body>Login</body></html>", "text/html")
            return True
        if fault.mode == "empty":
            self._send(200, b"", "application/pdf")
            return True
        if fault.mode == "not_pdf":
            self._send(200, b"this is not a PDF", "application/pdf")
            return True
        return False  # wrong_passphrase_always acts in the signing itself

    def _authorize(self) -> None:
        header = self.headers.get("Authorization", "")
        user = password = ""
        if header.startswith("Basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            user, _, password = decoded.partition(":")
        ok = secrets.compare_digest(user.encode(), self.state.username.encode())
        ok = secrets.compare_digest(password.encode(), self.state.password.encode()) and ok
        if not ok:
            self._json(
                401,
                {"error": "Unauthorized", "status_code": 401},
                headers={"WWW-Authenticate": 'Basic realm="esign"'},
            )
            raise _Answered

    def _status_answer(self, user: User | None) -> dict[str, Any]:
        if user is None:
            return {
                "status_code": UNREGISTERED,
                "status": "NOT_REGISTERED",
                "message": "User belum terdaftar",
            }
        return {
            "status_code": REGISTERED,
            "status": user.state,
            "message": f"User sudah terdaftar dan memiliki sertifikat dengan status {user.state}",
        }

    def _status_v1(self, nik: str) -> None:
        self._entry["nik"] = nik
        self._json(200, self._status_answer(self.state.user(nik)))

    def _status_v2(self, body: bytes) -> None:
        data = _json_object(body)
        nik, email = str(data.get("nik") or ""), str(data.get("email") or "")
        if not nik and not email:
            raise _bad_request("Parameter nik atau email wajib diisi")
        self._entry["nik"] = nik
        user = self.state.user(nik) if nik else self.state.user_by_email(email)
        self._json(200, self._status_answer(user))

    def _signer_for(self, nik: str, passphrase: str) -> User:
        """The user who may sign now, or the error BSrE gives."""
        user = self.state.user(nik)
        if user is None:
            raise ApiError(400, *NOT_REGISTERED_ERROR)
        if self._fault is not None and self._fault.mode == "wrong_passphrase_always":
            raise ApiError(400, *WRONG_PASSPHRASE)
        if not secrets.compare_digest(passphrase.encode(), user.passphrase.encode()):
            raise ApiError(400, *WRONG_PASSPHRASE)
        if user.state in STATE_ERRORS:
            raise ApiError(400, *STATE_ERRORS[user.state])
        return user

    def _sign_one(
        self, pdf: bytes, user: User, *, reason: str, location: str, appearance: Any
    ) -> bytes:
        cert, key = self.server.authority.signer(nik=user.nik, name=user.name, email=user.email)
        try:
            return signer.sign(
                pdf,
                cert=cert,
                key=key,
                ca_cert=self.server.authority.cert,
                reason=reason,
                location=location,
                appearance=appearance,
            )
        except signer.SignFailure as exc:
            raise ApiError(400, 400, f"Proses signing gagal : {exc}") from exc

    def _sign_v1(self, body: bytes) -> None:
        parts = parse_multipart(self.headers.get("Content-Type", ""), body)
        fields = {
            name: part.data.decode("utf-8", "replace").strip()
            for name, part in parts.items()
            if part.filename is None
        }
        self._entry["nik"] = fields.get("nik", "")
        self._entry["fields"] = sorted(parts)
        self._entry.update({k: fields[k] for k in LOGGED_FIELDS if k in fields})
        upload = parts.get("file")
        if upload is None or not upload.data:
            raise _bad_request("Parameter file wajib diisi")
        nik, passphrase = fields.get("nik", ""), fields.get("passphrase", "")
        if not nik:
            raise _bad_request("Parameter nik wajib diisi")
        if not passphrase:
            raise _bad_request("Parameter passphrase wajib diisi")
        tampilan = fields.get("tampilan", "").lower()
        if tampilan not in ("visible", "invisible"):
            raise _bad_request("Parameter tampilan harus visible atau invisible")
        pdf = upload.data
        if not pdf.startswith(b"%PDF-"):
            raise _bad_request("Dokumen bukan file PDF")
        user = self._signer_for(nik, passphrase)
        appearance = None
        if tampilan == "visible":
            appearance = self._appearance_v1(pdf, fields, parts)
        signed = self._sign_one(
            pdf,
            user,
            reason=fields.get("reason", ""),
            location=fields.get("location", ""),
            appearance=appearance,
        )
        document_id = secrets.token_hex(16)
        self.state.keep_document(document_id, signed)
        filename = (upload.filename or "document.pdf").replace('"', "")
        self._send(
            200,
            signed,
            "application/pdf",
            headers={
                "id_dokumen": document_id,
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )

    def _appearance_v1(
        self, pdf: bytes, fields: dict[str, str], parts: dict[str, Part]
    ) -> signer.Appearance:
        image_flag = fields.get("image", "false").lower() == "true"
        image = None
        link = fields.get("linkQR") or None
        if image_flag:
            picture = parts.get("imageTTD")
            if picture is None or not picture.data:
                raise _bad_request("Parameter imageTTD wajib diisi jika image = true")
            image = picture.data
        pages = signer.page_count(pdf)
        given_page = fields.get("page") or fields.get("halaman")
        page = _page(given_page, pages)
        tag = fields.get("tag_koordinat", "")
        names = ("width", "height") if tag and not fields.get("xAxis") else ("xAxis", "yAxis")
        for name in (*names, "width", "height"):
            if not fields.get(name):
                raise _bad_request(f"Parameter {name} wajib diisi jika tampilan = visible")
        width, height = _number(fields["width"], "width"), _number(fields["height"], "height")
        if width <= 0 or height <= 0:
            raise _bad_request("Parameter width dan height harus lebih dari 0")
        if tag and not fields.get("xAxis"):
            page, x, y = _tag(pdf, tag, page if given_page else None)
        else:
            x, y = _number(fields["xAxis"], "xAxis"), _number(fields["yAxis"], "yAxis")
        return signer.Appearance(
            page=page, box=(x, y, x + width, y + height), image=image, link_qr=link
        )

    def _sign_v2(self, body: bytes) -> None:
        started = time.monotonic()
        data = _json_object(body)
        nik, email = str(data.get("nik") or ""), str(data.get("email") or "")
        passphrase = data.get("passphrase")
        self._entry["nik"] = nik
        self._entry["fields"] = sorted(data)
        files, properties = data.get("file"), data.get("signatureProperties")
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            raise _bad_request("Parameter file wajib berisi daftar dokumen base64")
        if not isinstance(properties, list) or not properties:
            raise _bad_request("Parameter signatureProperties wajib diisi")
        if len(properties) not in (1, len(files)):
            raise _bad_request("Jumlah signatureProperties harus sama dengan jumlah file")
        if not isinstance(passphrase, str) or not passphrase:
            raise _bad_request("Parameter passphrase wajib diisi")
        if not nik and email:
            found = self.state.user_by_email(email)
            nik = found.nik if found else ""
        if not nik:
            raise _bad_request("Parameter nik atau email wajib diisi")
        user = self._signer_for(nik, passphrase)
        signed: list[str] = []
        for index, encoded in enumerate(files):
            pdf = _base64(encoded, "file")
            if not pdf.startswith(b"%PDF-"):
                raise _bad_request("Dokumen bukan file PDF")
            prop = properties[index if len(properties) > 1 else 0]
            if not isinstance(prop, dict):
                raise _bad_request("signatureProperties berisi objek")
            self._entry.setdefault("tampilan", str(prop.get("tampilan", "")))
            appearance = self._appearance_v2(pdf, prop)
            output = self._sign_one(
                pdf,
                user,
                reason=str(prop.get("reason") or ""),
                location=str(prop.get("location") or ""),
                appearance=appearance,
            )
            signed.append(base64.b64encode(output).decode("ascii"))
        elapsed = int((time.monotonic() - started) * 1000)
        self._json(200, {"file": signed, "time": elapsed})

    def _appearance_v2(self, pdf: bytes, prop: dict[str, Any]) -> signer.Appearance | None:
        tampilan = str(prop.get("tampilan") or "").upper()
        if tampilan == "INVISIBLE":
            return None
        if tampilan != "VISIBLE":
            raise _bad_request("tampilan harus VISIBLE atau INVISIBLE")
        tag = str(prop.get("tag_koordinat") or "")
        by_tag = bool(tag) and prop.get("originX") in (None, "")
        names = ("width", "height") if by_tag else ("originX", "originY", "width", "height")
        for name in names:
            if prop.get(name) in (None, ""):
                raise _bad_request(f"Parameter {name} wajib diisi jika tampilan = VISIBLE")
        pages = signer.page_count(pdf)
        page = _page(prop.get("page"), pages)
        width, height = _number(prop["width"], "width"), _number(prop["height"], "height")
        if width <= 0 or height <= 0:
            raise _bad_request("Parameter width dan height harus lebih dari 0")
        image = None
        if prop.get("imageBase64"):
            image = _base64(str(prop["imageBase64"]), "imageBase64")
        if by_tag:
            page, x, y = _tag(pdf, tag, page if prop.get("page") not in (None, "") else None)
            return signer.Appearance(page=page, box=(x, y, x + width, y + height), image=image)
        x, top = _number(prop["originX"], "originX"), _number(prop["originY"], "originY")
        # v2 counts originY from the top of the page to the top of the box (see PROTOCOL.md).
        y2 = _page_top(pdf, page) - top
        return signer.Appearance(page=page, box=(x, y2 - height, x + width, y2), image=image)

    def _download(self, document_id: str) -> None:
        pdf = self.state.download(document_id)
        if pdf is None:
            raise ApiError(404, 404, "Dokumen telah didownload sebelumnya")
        self._send(200, pdf, "application/pdf", headers={"id_dokumen": document_id})

    def _checked(self, pdf: bytes) -> list[signer.Checked]:
        try:
            return signer.verify(pdf, [self.server.authority.cert])
        except signer.SignFailure as exc:
            raise _bad_request("Dokumen bukan file PDF") from exc

    def _verify_v1(self, body: bytes) -> None:
        parts = parse_multipart(self.headers.get("Content-Type", ""), body)
        upload = parts.get("signed_file")
        if upload is None or not upload.data:
            raise _bad_request("Parameter signed_file wajib diisi")
        rows = self._checked(upload.data)
        valid = bool(rows) and all(r.valid and r.trusted and r.whole_file for r in rows)
        if not rows:
            notes, summary = None, None
        elif valid:
            notes, summary = "Tanda tangan elektronik valid dan dokumen asli", "DOCUMENT VALID !!!"
        elif not all(r.intact and r.whole_file for r in rows):
            notes = "Konten Dokumen mengalami perubahan oleh pihak yang tidak berhak"
            summary = "DOCUMENT NOT VALID !!!"
        else:
            notes = "Sertifikat penandatangan tidak terpercaya"
            summary = "DOCUMENT NOT VALID !!!"
        self._json(
            200,
            {
                "nama_dokumen": upload.filename or "document.pdf",
                "jumlah_signature": len(rows),
                "notes": notes,
                "details": [_detail_v1(row) for row in rows],
                "summary": summary,
            },
        )

    def _verify_v2(self, body: bytes) -> None:
        data = _json_object(body)
        if not isinstance(data.get("file"), str) or not data["file"]:
            raise _bad_request("Parameter file wajib diisi")
        rows = self._checked(_base64(data["file"], "file"))
        if not rows:
            conclusion, description = "NO_SIGNATURE", "Dokumen tidak memiliki tanda tangan"
        elif all(r.valid and r.trusted and r.whole_file for r in rows):
            conclusion, description = "VALID", "Dokumen valid, sertifikat yang digunakan terpercaya"
        else:
            conclusion, description = "INVALID", "Dokumen tidak valid"
        self._json(
            200,
            {
                "conclusion": conclusion,
                "description": description,
                "signatureInformations": [_detail_v2(i, row) for i, row in enumerate(rows)],
            },
        )

    # control
    def _control(self, method: str, name: str, body: bytes) -> None:
        if (method, name) == ("GET", "ca.pem"):
            self._send(200, self.server.authority.pem, "application/x-pem-file")
            return
        self._body = body
        handlers: dict[tuple[str, str], Callable[[], Any]] = {
            ("GET", "health"): lambda: {"ok": True},
            ("POST", "reset"): self._reset,
            ("GET", "users"): lambda: {"data": [u.public() for u in self._users()]},
            ("POST", "users"): self._add_user,
            ("POST", "users/state"): self._user_state,
            ("GET", "faults"): lambda: {"data": [vars(f) for f in self._faults()]},
            ("POST", "faults"): self._add_fault,
            ("DELETE", "faults"): self._clear_faults,
            ("GET", "requests"): lambda: {"data": self.state.log_copy()},
        }
        handler = handlers.get((method, name))
        if handler is None:
            raise ControlError(404, f"no control endpoint {method} /_peer/{name}")
        self._json(200, handler())

    def _users(self) -> list[User]:
        with self.state.lock:
            return list(self.state.users.values())

    def _faults(self) -> list[Fault]:
        with self.state.lock:
            return list(self.state.faults)

    def _reset(self) -> dict[str, Any]:
        try:
            self.state.reset()
        except (InvalidUser, ValueError) as exc:
            raise ControlError(400, f"users file: {exc}") from exc
        return {"ok": True}

    def _add_user(self) -> dict[str, Any]:
        try:
            user = User.from_json(self._control_body())
        except InvalidUser as exc:
            raise ControlError(400, str(exc)) from exc
        self.state.put_user(user)
        return {"ok": True, "user": user.public()}

    def _user_state(self) -> dict[str, Any]:
        data = self._control_body()
        try:
            user = self.state.set_state(str(data.get("nik", "")), str(data.get("state", "")))
        except KeyError as exc:
            raise ControlError(404, "no user with that NIK") from exc
        except InvalidUser as exc:
            raise ControlError(400, str(exc)) from exc
        return {"ok": True, "user": user.public()}

    def _add_fault(self) -> dict[str, Any]:
        data = self._control_body()
        if "revoked" in data and len(data) == 1:
            try:
                user = self.state.set_state(str(data["revoked"]), "REVOKE")
            except KeyError as exc:
                raise ControlError(404, "no user with that NIK") from exc
            return {"ok": True, "user": user.public()}
        try:
            fault = Fault.from_json(data)
        except (TypeError, ValueError) as exc:
            raise ControlError(400, str(exc)) from exc
        self.state.add_fault(fault)
        return {"ok": True, "fault": vars(fault)}

    def _clear_faults(self) -> dict[str, Any]:
        self.state.clear_faults()
        return {"ok": True}


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"null")
    except ValueError as exc:
        raise _bad_request("Body request bukan JSON yang valid") from exc
    if not isinstance(data, dict):
        raise _bad_request("Body request harus berupa objek JSON")
    return data


def _base64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _bad_request(f"Parameter {name} bukan base64 yang valid") from exc


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if moment else None


def _validity(row: signer.Checked) -> str | None:
    if row.cert_validity is None:
        return None
    start, end = row.cert_validity
    return f"{_stamp(start)} to {_stamp(end)}"


def _detail_v1(row: signer.Checked) -> dict[str, Any]:
    return {
        "info_tsa": {"name": None, "tsa_cert_validity": None},
        "signature_field": row.field,
        "info_signer": {
            "issuer_dn": row.issuer_dn,
            "signer_name": row.signer_name,
            "signer_cert_validity": _validity(row),
            "signer_dn": row.signer_dn,
            "cert_user_certified": row.trusted,
        },
        "signature_document": {
            "signed_using_tsa": False,
            "reason": row.reason,
            "document_integrity": row.intact and row.valid and row.whole_file,
            "signature_value": None,
            "signed_in": _stamp(row.signed_at),
            "location": row.location,
            "hash_value": None,
        },
    }


def _detail_v2(index: int, row: signer.Checked) -> dict[str, Any]:
    return {
        "id": f"signature-{index + 1}",
        "signatureFormat": "PAdES-BASELINE-B",
        "signerName": row.signer_name,
        "signatureDate": row.signed_at.isoformat() if row.signed_at else None,
        "fieldName": row.field,
        "reason": row.reason,
        "location": row.location,
        "certificateTrusted": row.trusted,
        "integrityValid": row.intact and row.valid,
        "modified": not row.whole_file,
        "certLevelCode": 0,
        "timestampInfomation": None,
    }


@dataclass
class RunningServer(serving.RunningHTTPServer):
    """A server in a background thread; `base_url` is what BSRE_BASE_URL takes."""

    state: BsreState
    authority: Authority

    @property
    def base_url(self) -> str:
        return self.root_url


def start_server(
    port: int = 0,
    *,
    users: list[dict[str, Any]] | None = None,
    users_file: Path | str | None = None,
    state_dir: Path | str = DEFAULT_STATE_DIR,
    username: str = DEV_USERNAME,
    password: str = DEV_PASSWORD,
    host: str = "127.0.0.1",
) -> RunningServer:
    """Start the server in a daemon thread (port 0: any free port) and return at once."""
    serving.require_loopback(host, "the local BSrE")
    state = BsreState(
        username=username,
        password=password,
        users_file=Path(users_file) if users_file else None,
        initial_users=[User.from_json(item) for item in users or []],
    )
    try:
        state.reset()
    except (InvalidUser, ValueError) as exc:  # a broken users file: up without its signers
        log.error("users file not read: %s", exc)
    authority = Authority(Path(state_dir))
    server = BsreServer((host, port), state, authority)
    thread = serving.serve_in_thread(server, "bsre-server")
    return RunningServer(
        root_url=f"http://127.0.0.1:{server.server_address[1]}",
        state=state,
        authority=authority,
        _server=server,
        _thread=thread,
    )
