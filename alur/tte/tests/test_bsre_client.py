"""`alur.tte.bsre` against the local BSrE (peers/bsre) over real HTTP, v1 and v2: every answer
becomes the right status or SigningError, and the passphrase never leaves the request."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from alur.tte import bsre
from alur.tte.signing import SigningError
from peers.bsre import RunningServer
from peers.bsre.tests.conftest import (  # noqa: F401 - fixtures
    ACTIVE,
    EXPIRED,
    PASSPHRASE,
    REVOKED,
    SUSPENDED,
    UNKNOWN,
    bsre_server,
    ca_pem,
    control,
    make_pdf,
    png,
    signature_boxes,
    validate,
)

BOX = (330.0, 40.0, 560.0, 130.0)


@pytest.fixture
def peer(bsre_server: RunningServer) -> RunningServer:  # noqa: F811
    """The local BSrE, clean: its signers back, no faults, an empty request log."""
    control(bsre_server, "reset")
    return bsre_server


@pytest.fixture(params=["v1", "v2"])
def config(request: pytest.FixtureRequest, peer: RunningServer) -> bsre.BsreConfig:
    return bsre.BsreConfig(
        base_url=peer.base_url,
        username="esign",
        password="dev-esign-password",
        api=request.param,
        timeout=5,
    )


def sign(config: bsre.BsreConfig, **kwargs: Any) -> bytes:
    arguments: dict[str, Any] = {
        "nik": ACTIVE,
        "passphrase": PASSPHRASE,
        "reason": "Pengesahan surat",
        "location": "Kab. Bandung",
        **kwargs,
    }
    return bsre.sign_pdf(config, arguments.pop("pdf", make_pdf()), **arguments)


def refused(config: bsre.BsreConfig, **kwargs: Any) -> SigningError:
    with pytest.raises(SigningError) as caught:
        sign(config, **kwargs)
    return caught.value


def test_config_from_settings(settings: Any) -> None:
    settings.BSRE_BASE_URL = "http://bsre.example.go.id:8080/"
    settings.BSRE_USERNAME = "esign-kab"
    settings.BSRE_PASSWORD = "s3cret"
    settings.BSRE_API = "v2"
    settings.BSRE_TIMEOUT_SECONDS = 12
    assert bsre.BsreConfig.from_settings() == bsre.BsreConfig(
        "http://bsre.example.go.id:8080", "esign-kab", "s3cret", "v2", 12.0
    )


# certificate status
@pytest.mark.parametrize(
    ("nik", "state", "message"),
    [
        (ACTIVE, "active", "Sertifikat BSrE aktif."),
        (EXPIRED, "expired", "Sertifikat BSrE sudah kedaluwarsa."),
        (REVOKED, "revoked", "Sertifikat BSrE sudah dicabut."),
        (SUSPENDED, "suspended", "Sertifikat BSrE sedang ditangguhkan."),
        (UNKNOWN, "not_registered", "NIK ini belum terdaftar di BSrE"),
    ],
)
def test_user_status(config: bsre.BsreConfig, nik: str, state: str, message: str) -> None:
    status = bsre.user_status(config, nik)
    assert status.state == state
    assert status.message.startswith(message)
    assert status.ok is (state == "active")
    assert status.detail


@pytest.mark.parametrize("fault", [{"down": True}, {"error500": True}, {"html": True}])
def test_user_status_unavailable_on_faults(
    config: bsre.BsreConfig,
    peer: RunningServer,
    fault: dict[str, Any],
) -> None:
    control(peer, "faults", fault)
    status = bsre.user_status(config, ACTIVE)
    assert (status.state, status.ok) == ("unavailable", False)
    assert "tidak dapat dihubungi" in status.message


def test_user_status_unavailable_when_nothing_listens() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = bsre.BsreConfig(f"http://127.0.0.1:{port}", "esign", "x", timeout=2)
    status = bsre.user_status(config, ACTIVE)
    assert status.state == "unavailable"
    assert "ConnectError" in status.detail


# signing
def test_sign_invisible(config: bsre.BsreConfig, peer: RunningServer) -> None:
    signed = sign(config)
    statuses = validate(signed, ca_pem(peer))
    assert len(statuses) == 1
    assert statuses[0].bottom_line
    assert statuses[0].signing_cert.subject.native["serial_number"] == ACTIVE
    assert [rect for _page, rect in signature_boxes(signed)] == [(0.0, 0.0, 0.0, 0.0)]


@pytest.mark.parametrize(
    "appearance", [{"image_png": png()}, {"link_qr": "https://alur.example.id/v/x"}, {}]
)
def test_sign_visible_lands_in_the_box_on_the_last_page(
    config: bsre.BsreConfig,
    peer: RunningServer,
    appearance: dict[str, Any],
) -> None:
    signed = sign(config, pdf=make_pdf(pages=2), page=-1, box=BOX, **appearance)
    assert signature_boxes(signed) == [(1, BOX)]
    assert all(status.bottom_line for status in validate(signed, ca_pem(peer)))
    sent = control(peer, "requests", method="GET")["data"][-1]
    assert sent["endpoint"] == "sign"
    assert sent["api"] == config.api


def test_sign_visible_on_the_first_page_of_a_landscape_pdf(config: bsre.BsreConfig) -> None:
    pdf = make_pdf(pages=3, width=842, height=595)
    signed = sign(config, pdf=pdf, page=0, box=(600.0, 30.0, 800.0, 110.0))
    assert signature_boxes(signed) == [(0, (600.0, 30.0, 800.0, 110.0))]


@pytest.mark.parametrize(
    ("nik", "passphrase", "code", "retryable", "words"),
    [
        (ACTIVE, "salah-ketik", "wrong_passphrase", True, "Passphrase TTE salah"),
        (UNKNOWN, PASSPHRASE, "not_registered", False, "belum terdaftar di BSrE"),
        (EXPIRED, PASSPHRASE, "expired", False, "sudah kedaluwarsa"),
        (REVOKED, PASSPHRASE, "revoked", False, "sudah dicabut"),
        (SUSPENDED, PASSPHRASE, "suspended", False, "sedang ditangguhkan"),
    ],
)
def test_bsre_refusals_are_mapped(
    config: bsre.BsreConfig, nik: str, passphrase: str, code: str, retryable: bool, words: str
) -> None:
    error = refused(config, nik=nik, passphrase=passphrase)
    assert (error.code, error.retryable) == (code, retryable)
    assert words in error.message
    assert "belum ditandatangani" in error.message
    assert isinstance(error, bsre.BsreError)
    assert error.detail.startswith("HTTP 400")


@pytest.mark.parametrize(
    "fault", [{"down": True}, {"error500": True}, {"mode": "disconnect", "count": 1}]
)
def test_service_down_leaves_the_document_unsigned(
    config: bsre.BsreConfig,
    peer: RunningServer,
    fault: dict[str, Any],
) -> None:
    control(peer, "faults", fault)
    error = refused(config)
    assert (error.code, error.retryable) == ("unavailable", True)
    assert error.message == (
        "Layanan BSrE tidak dapat dihubungi; dokumen belum ditandatangani. "
        "Coba lagi beberapa saat lagi."
    )


def test_timeout_is_unavailable(peer: RunningServer) -> None:
    control(peer, "faults", {"slow": 3, "count": 1, "endpoint": "sign"})
    config = bsre.BsreConfig(peer.base_url, "esign", "dev-esign-password", timeout=0.3)
    with pytest.raises(SigningError) as caught:
        sign(config)
    assert (caught.value.code, caught.value.message) == ("unavailable", bsre.UNAVAILABLE)
    assert isinstance(caught.value, bsre.BsreError)
    assert "0.3 s" in caught.value.detail


@pytest.mark.parametrize("mode", ["html", "empty", "not_pdf"])
def test_odd_answers_are_bad_answers(
    config: bsre.BsreConfig,
    peer: RunningServer,
    mode: str,
) -> None:
    control(peer, "faults", {"mode": mode, "endpoint": "sign"})
    error = refused(config)
    assert (error.code, error.retryable) == ("bad_answer", False)
    assert "jawaban yang tidak dikenali" in error.message


def test_wrong_service_credentials_are_refused(peer: RunningServer) -> None:
    config = bsre.BsreConfig(peer.base_url, "esign", "not-the-password", timeout=5)
    error = refused(config)
    assert (error.code, error.retryable) == ("refused", False)
    assert "akun layanan" in error.message
    assert bsre.user_status(config, ACTIVE).state == "unavailable"


def test_wrong_passphrase_always_fault(config: bsre.BsreConfig, peer: RunningServer) -> None:
    control(peer, "faults", {"wrong_passphrase_always": True})
    assert refused(config).code == "wrong_passphrase"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"pdf": b"not a pdf"}, "bad_pdf"), ({"page": 5}, "bad_pdf"), ({"passphrase": ""}, None)],
)
def test_refused_before_any_request(
    config: bsre.BsreConfig,
    peer: RunningServer,
    kwargs: dict[str, Any],
    code: str | None,
) -> None:
    error = refused(config, **kwargs)
    assert error.code == (code or "wrong_passphrase")
    assert control(peer, "requests", method="GET")["data"] == []


def test_the_passphrase_never_leaves_the_request(
    config: bsre.BsreConfig,
    peer: RunningServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Kadis-Rahasia-7731"
    control(peer, "users", {"nik": "3201010101800050", "name": "Kadis", "passphrase": secret})
    errors: list[SigningError] = []
    sign(config, nik="3201010101800050", passphrase=secret)
    for fault in (None, {"down": True}, {"html": True}, {"mode": "disconnect"}):
        control(peer, "faults", method="DELETE")
        if fault:
            control(peer, "faults", {**fault, "endpoint": "sign"})
        passphrase = secret if fault else secret + "-typo"
        with pytest.raises(SigningError) as caught:
            sign(config, nik="3201010101800050", passphrase=passphrase)
        errors.append(caught.value)
    assert [e.code for e in errors] == [
        "wrong_passphrase",
        "unavailable",
        "bad_answer",
        "unavailable",
    ]
    for error in errors:
        words = f"{error} {error!r} {error.message} {getattr(error, 'detail', '')} {error.args}"
        assert secret not in words
        assert error.__cause__ is None or secret not in repr(error.__cause__)
    assert secret not in caplog.text
    assert "320101******0050" in caplog.text  # the NIK is logged masked


# verification
def test_verify(config: bsre.BsreConfig) -> None:
    signed = sign(config)
    verification = bsre.verify_pdf(config, signed)
    assert verification.valid
    assert [row.signer_name for row in verification.signatures] == ["Dra. Sri Wahyuni, M.Si"]
    assert verification.signatures[0].intact and verification.signatures[0].trusted
    assert verification.signatures[0].reason == "Pengesahan surat"

    position = signed.index(b"/MediaBox")
    tampered = signed[:position] + b"/MediaBoy" + signed[position + 9 :]
    assert not bsre.verify_pdf(config, tampered).valid
    unsigned = bsre.verify_pdf(config, make_pdf())
    assert (unsigned.valid, unsigned.signatures) == (False, ())


def test_verify_when_down(config: bsre.BsreConfig, peer: RunningServer) -> None:
    control(peer, "faults", {"down": True})
    with pytest.raises(SigningError) as caught:
        bsre.verify_pdf(config, make_pdf())
    assert caught.value.code == "unavailable"
