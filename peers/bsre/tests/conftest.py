"""The local BSrE started once per test session on a free port, with signers in every
certificate state; `bsre` gives each test a clean server (users back, no faults, no log).
Alur's client tests import these fixtures too."""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pypdf
import pytest

from peers.bsre import DEV_PASSWORD, DEV_USERNAME, RunningServer, start_server

ACTIVE = "3201010101800001"
EXPIRED = "3201010101800002"
REVOKED = "3201010101800003"
SUSPENDED = "3201010101800004"
UNKNOWN = "3201010101800009"
PASSPHRASE = "Rahasia#2026"
USERS = [
    {
        "nik": ACTIVE,
        "name": "Dra. Sri Wahyuni, M.Si",
        "nip": "197001011990032001",
        "email": "kadis@disdukcapil.example.go.id",
        "passphrase": PASSPHRASE,
        "state": "ISSUE",
    },
    {"nik": EXPIRED, "name": "Ahmad Expired", "passphrase": PASSPHRASE, "state": "EXPIRED"},
    {"nik": REVOKED, "name": "Budi Revoked", "passphrase": PASSPHRASE, "state": "REVOKE"},
    {"nik": SUSPENDED, "name": "Citra Suspend", "passphrase": PASSPHRASE, "state": "SUSPEND"},
]
AUTH = (DEV_USERNAME, DEV_PASSWORD)

# One client for the tests' own calls.
http = httpx.Client(timeout=30)


@pytest.fixture(scope="session")
def bsre_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(port=0, users=USERS, state_dir=tmp_path_factory.mktemp("bsre"))
    yield server
    server.stop()


def control(server: RunningServer, name: str, payload: Any = None, method: str = "POST") -> Any:
    """Call a control endpoint and return its JSON; fails the test on an error status."""
    response = http.request(method, server.control(name), json=payload)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def bsre(bsre_server: RunningServer) -> RunningServer:
    control(bsre_server, "reset")
    return bsre_server


def make_pdf(pages: int = 1, *, width: float = 595, height: float = 842) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width, height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(width: int = 60, height: int = 30) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 160)).save(out, format="PNG")
    return out.getvalue()


def ca_pem(server: RunningServer) -> bytes:
    response = http.get(server.control("ca.pem"))
    assert response.status_code == 200
    return response.content


def validate(pdf: bytes, trusted_pem: bytes) -> list[Any]:
    """pyHanko's status of every signature in `pdf`, trusting only `trusted_pem`."""
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _type, _headers, der = asn1_pem.unarmor(trusted_pem)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)

    def run() -> list[Any]:
        return [validate_pdf_signature(sig, context) for sig in reader.embedded_signatures]

    # pyHanko's synchronous validator starts an event loop of its own: in a thread of its own, so
    # that a browser test earlier in the same run (whose loop is still running) does not clash.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def pdfsig(pdf: bytes, tmp_path: Any) -> tuple[int, str]:
    """poppler's `pdfsig` exit code and report on `pdf`."""
    import subprocess

    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["/usr/bin/pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode, done.stdout


def signature_boxes(pdf: bytes) -> list[tuple[int, tuple[float, ...]]]:
    """(page index, /Rect) of every signature widget, in page order."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            field = annot if "/FT" in annot else annot.get("/Parent", {})
            if field.get("/FT") == "/Sig":
                found.append((index, tuple(round(float(v), 1) for v in annot["/Rect"])))
    return found
