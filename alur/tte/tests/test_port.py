"""The signing port: the signer's status and a signature through each backend, the local one with
the signer's PKCS#12 and `bsre` against the local BSrE server over HTTP."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from weasyprint import HTML

from alur.audit.models import AuditEvent
from alur.org.models import Office, User
from alur.tte import port
from alur.tte.models import SignerCertificate
from alur.tte.signing import SigningError, verify_pdf
from alur.tte.tests.bsre_peer import PASSPHRASE, Peer
from alur.tte.tests.drivers import PASSPHRASE as LOCAL_PASSPHRASE
from alur.tte.tests.drivers import certificate_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return HTML(string="<h1>Surat uji</h1><p>Isi surat.</p>").write_pdf()


@pytest.fixture
def kadis(persona: Callable[[str], Any]) -> User:
    return persona("babel.kadis")


@pytest.fixture
def office(kadis: User) -> Office:
    home = port.home_office(kadis)
    assert home is not None
    return home


def _sign(signer: port.Signer, pdf: bytes, cause: Any = None) -> port.Signed:
    return port.sign_pdf(signer, pdf=pdf, reason="Uji", location="Pangkalpinang", cause=cause)


# --- local -------------------------------------------------------------------------------------


def test_local_status_says_what_is_missing_then_signs_with_the_certificate(
    kadis: User, office: Office, pdf: bytes
) -> None:
    status = port.signer_status(kadis, office)
    assert (status.backend, status.state, status.ok) == ("local", "no_certificate", False)
    assert status.headline == "Sertifikat lokal: belum ada"
    assert "Unggah" in status.action

    certificate = certificate_for(kadis)
    status = port.signer_status(kadis, office)
    assert status.ok and status.headline == "Sertifikat lokal: aktif"

    with pytest.raises(SigningError) as refused:
        port.signer_ready(kadis, office, "salah")
    assert refused.value.code == "wrong_passphrase"

    signed = _sign(port.signer_ready(kadis, office, LOCAL_PASSPHRASE), pdf)
    assert signed.backend == "local"
    assert signed.certificate == certificate.fingerprint_sha256
    assert [check.trusted for check in verify_pdf(signed.pdf)] == [True]


# --- bsre --------------------------------------------------------------------------------------


def test_bsre_status_of_each_certificate_state(kadis: User, office: Office, bsre: Peer) -> None:
    kadis.nik = ""
    status = port.signer_status(kadis, office)
    assert (status.backend, status.state, status.ok) == ("bsre", "no_nik", False)
    assert "NIK" in status.action

    bsre.signer(kadis)
    status = port.signer_status(kadis, office)
    assert status.ok and status.headline == "Sertifikat BSrE: aktif"
    assert status.label == "BSrE (BSSN)"

    for state, expected in [
        ("EXPIRED", "kedaluwarsa"),
        ("REVOKE", "dicabut"),
        ("SUSPEND", "ditangguhkan"),
    ]:
        bsre.state(kadis, state)
        status = port.signer_status(kadis, office, fresh=True)
        assert not status.ok and status.headline.endswith(expected)
        assert "admin TTE" in status.action

    stranger = User(username="tamu", nik="1808010101800009")
    status = port.signer_status(stranger, office)
    assert status.state == "not_registered" and status.headline.endswith("belum terdaftar")


def test_bsre_status_is_kept_briefly_and_a_service_down_never_hangs_the_page(
    kadis: User, office: Office, bsre: Peer
) -> None:
    bsre.signer(kadis)
    assert port.signer_status(kadis, office).ok
    bsre.state(kadis, "REVOKE")
    assert port.signer_status(kadis, office).ok  # the answer kept for a minute
    assert port.signer_status(kadis, office, fresh=True).state == "revoked"

    bsre.fault(mode="slow", seconds=5, endpoint="status")
    status = port.signer_status(kadis, office, fresh=True, timeout=0.5)
    assert status.state == "unavailable" and not status.ok
    assert status.headline == "Sertifikat BSrE: layanan tidak dapat dihubungi"


def test_bsre_signs_and_pyhanko_and_pdfsig_find_it_valid(
    kadis: User, office: Office, bsre: Peer, pdf: bytes, poppler: Any, tmp_path: Any
) -> None:
    bsre.signer(kadis)
    signer = port.signer_ready(kadis, office, PASSPHRASE)
    assert PASSPHRASE not in repr(signer)

    signed = _sign(signer, pdf)

    assert signed.backend == "bsre" and len(signed.certificate) == 64
    statuses = bsre.validate(signed.pdf)
    assert len(statuses) == 1
    assert statuses[0].intact and statuses[0].valid and statuses[0].trusted
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed.pdf)
    out = subprocess.run([poppler("pdfsig"), str(path)], capture_output=True, text=True)
    assert "Signature is Valid" in out.stdout
    (request,) = bsre.sign_requests()
    assert request["nik"] == kadis.nik and request.get("tampilan") == "visible"
    assert PASSPHRASE not in str(bsre.control("requests", method="GET"))


@pytest.mark.parametrize(
    ("setup", "code", "words"),
    [
        ("down", "unavailable", "tidak dapat dihubungi"),
        ("slow", "unavailable", "tidak dapat dihubungi"),
        ("wrong_passphrase", "wrong_passphrase", "Passphrase TTE salah"),
        ("revoked", "revoked", "dicabut"),
        ("error500", "unavailable", "tidak dapat dihubungi"),
    ],
)
def test_bsre_faults_while_signing_are_clear_and_audited_without_the_passphrase(
    kadis: User, office: Office, bsre: Peer, pdf: bytes, setup: str, code: str, words: str
) -> None:
    bsre.signer(kadis)
    signer = port.signer_ready(kadis, office, PASSPHRASE)
    typed = PASSPHRASE
    if setup in ("down", "error500"):
        bsre.fault(mode=setup, endpoint="sign")
    elif setup == "slow":
        bsre.fault(mode="slow", seconds=4, endpoint="sign")  # past BSRE_TIMEOUT_SECONDS (2)
    elif setup == "wrong_passphrase":
        typed = "Passphrase-Keliru-99"
        signer = port.signer_ready(kadis, office, typed)
    elif setup == "revoked":
        bsre.fault(revoked=kadis.nik)

    with pytest.raises(SigningError) as failed:
        _sign(signer, pdf, cause=kadis)

    error = failed.value
    assert error.code == code and words in error.message
    assert "belum ditandatangani" in error.message
    assert typed not in error.message and typed not in str(error.detail)
    event = AuditEvent.objects.get(action="tte.sign_failed", object_id=str(kadis.pk))
    assert event.after["backend"] == "bsre" and event.after["code"] == code
    assert event.after.get("answer")  # BSrE's own words, or what happened on the way
    assert typed not in str(event.after)


def test_bsre_refuses_before_numbering_a_signer_bsre_does_not_know(
    kadis: User, office: Office, bsre: Peer
) -> None:
    kadis.nik = "1808010101800001"
    with pytest.raises(SigningError) as refused:
        port.signer_ready(kadis, office, PASSPHRASE)
    assert refused.value.code == "not_registered"
    assert "belum terdaftar" in refused.value.message and "admin TTE" in refused.value.message
    assert AuditEvent.objects.filter(
        action="tte.sign_failed", after__code="not_registered"
    ).exists()
    with pytest.raises(SigningError, match="passphrase"):
        port.signer_ready(bsre.signer(kadis), office, "")
    assert bsre.sign_requests() == []


def test_an_office_may_sign_locally_while_the_deployment_uses_bsre(
    kadis: User, office: Office, bsre: Peer, pdf: bytes
) -> None:
    office.signing_backend = "local"
    certificate_for(kadis)
    signer = port.signer_ready(kadis, office, LOCAL_PASSPHRASE)
    assert _sign(signer, pdf).backend == "local"
    assert bsre.sign_requests() == []


def test_the_certificate_page_in_bsre_mode_has_no_upload_and_shows_bsres_status(
    kadis: User, bsre: Peer, client: Any
) -> None:
    bsre.signer(kadis, state="EXPIRED")
    client.force_login(kadis)

    page = client.get("/naskah/sertifikat/").content.decode()

    assert "Sertifikat BSrE: kedaluwarsa" in page and "admin TTE (RA)" in page
    assert "tidak ada berkas sertifikat yang perlu diunggah" in page
    assert 'type="file"' not in page
    refused = client.post("/naskah/sertifikat/", {"passphrase": "x"}).content.decode()
    assert "tidak ada berkas yang diunggah" in refused
    assert not SignerCertificate.objects.filter(user=kadis).exists()


def test_the_office_page_names_the_backends_it_runs_on(
    kadis: User, office: Office, client: Any, settings: Any
) -> None:
    settings.TTE_BACKEND = "bsre"
    office.registry_backend = "siak"
    office.save(update_fields=["registry_backend"])
    client.force_login(kadis)

    page = client.get(f"/kantor/{office.code}/").content.decode()

    assert (
        'data-port="signing" data-backend="bsre">BSrE (BSSN) <span class="muted">(bawaan server)'
        in page
    )
    assert 'data-port="registry" data-backend="siak">SIAK Terpusat</dd>' in page
    assert 'data-port="identity" data-backend="standalone">Register Alur' in page
