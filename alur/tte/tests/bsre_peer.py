"""The local BSrE server for the tests that sign through the `bsre` backend: started once per
session on a free port (its development CA in a temporary folder), reset before each test, and
Alur's settings pointed at it. Signers are added over its control endpoints, faults likewise.

A pytest plugin of the root conftest (`pytest_plugins`): any test takes the `bsre` fixture. It
loads before Django is set up, so Alur's models are imported for the type checker only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from peers.bsre import RunningServer, start_server

if TYPE_CHECKING:
    from alur.org.models import User

PASSPHRASE = "Passphrase-BSrE-Uji-2026"
_http = httpx.Client(timeout=10)


@dataclass
class Peer:
    server: RunningServer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def control(self, name: str, payload: Any = None, method: str = "POST") -> Any:
        response = _http.request(method, self.server.control(name), json=payload)
        assert response.status_code == 200, response.text
        return response.json()

    def signer(
        self, user: User, *, state: str = "ISSUE", passphrase: str = PASSPHRASE, nik: str = ""
    ) -> User:
        """`user` with a NIK in Alur and a certificate in `state` at the local BSrE."""
        if nik or not user.nik:
            user.nik = nik or f"1808015{user.pk:09d}"[:16]
            user.save(update_fields=["nik"])
        self.control(
            "users",
            {
                "nik": user.nik,
                "name": user.get_full_name() or user.username,
                "nip": user.nip,
                "email": f"{user.username}@alur.test",
                "passphrase": passphrase,
                "state": state,
            },
        )
        return user

    def state(self, user: User, state: str) -> None:
        self.control("users/state", {"nik": user.nik, "state": state})

    def fault(self, **fault: Any) -> None:
        self.control("faults", fault)

    def sign_requests(self) -> list[dict[str, Any]]:
        entries = self.control("requests", method="GET")["data"]
        return [e for e in entries if e.get("endpoint") == "sign"]

    def ca_pem(self) -> bytes:
        response = _http.get(self.server.control("ca.pem"))
        assert response.status_code == 200
        return response.content

    def validate(self, pdf: bytes) -> list[Any]:
        """pyHanko's validation of every signature in `pdf`, trusting only this server's CA."""
        _kind, _headers, der = pem.unarmor(self.ca_pem())
        context = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False
        )
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)

        def run() -> list[Any]:
            return [
                validate_pdf_signature(embedded, signer_validation_context=context)
                for embedded in reader.embedded_signatures
            ]

        # pyHanko's synchronous API cannot run inside an event loop (a browser test has one).
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(run).result()


@pytest.fixture(scope="session")
def bsre_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(port=0, state_dir=tmp_path_factory.mktemp("bsre-state"))
    yield server
    server.stop()


@pytest.fixture
def bsre(bsre_server: RunningServer, settings: Any) -> Peer:
    """A clean local BSrE, and every office signing through it (`TTE_BACKEND=bsre`)."""
    peer = Peer(bsre_server)
    peer.control("reset")
    peer.control("faults", method="DELETE")
    settings.TTE_BACKEND = "bsre"
    settings.BSRE_BASE_URL = bsre_server.base_url
    settings.BSRE_API = "v1"
    settings.BSRE_TIMEOUT_SECONDS = 2
    return peer
