"""The transport against the local Graph API server, over real HTTP."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import socket
import time
from typing import Any

import pytest

from alur.whatsapp_cloud import transport
from alur.whatsapp_cloud.tests.conftest import ACCESS_TOKEN, control, control_get, http
from alur.whatsapp_cloud.transport import WhatsAppError
from peers.graph_api import RunningServer

OFFICE = "108117961700"  # Way Kanan, akta kelahiran
SITI = "6281234567890"
BUDI = "6281298765432"
PDF = b"%PDF-1.7\n" + os.urandom(300_000) + b"\n%%EOF\n"


def write_first(server: RunningServer, wa_id: str = SITI) -> None:
    """The citizen has written to the office, so the 24-hour window is open."""
    control(server, "inbound", {"from": wa_id, "phone_number_id": OFFICE})


def fault(server: RunningServer, **spec: Any) -> None:
    control(server, "faults", spec)


def recorded(server: RunningServer, to: str) -> list[dict[str, Any]]:
    return control_get(server, "messages", to=to)


def test_text_template_and_documents_are_sent_and_the_server_recorded_them(graph) -> None:
    write_first(graph)
    text = transport.send_text(OFFICE, "+62 812-3456-7890", "Berkas Anda sudah kami terima.")
    assert text.message_id.startswith("wamid.") and text.wa_id == SITI

    template = transport.send_template(
        OFFICE,
        BUDI,
        "akta_selesai",
        components=[{"type": "body", "parameters": [{"type": "text", "text": "AK-2026-0001"}]}],
    )
    linked = transport.send_document(
        OFFICE,
        SITI,
        link="https://alur.example.id/berkas/akta.pdf",
        filename="akta.pdf",
        caption="Akta kelahiran",
    )
    media_id = transport.upload_media(OFFICE, PDF, "application/pdf", "kk.pdf")
    uploaded = transport.send_document(OFFICE, SITI, media_id=media_id, filename="kk.pdf")
    ids = {text.message_id, template.message_id, linked.message_id, uploaded.message_id}
    assert len(ids) == 4

    to_siti = recorded(graph, SITI)
    assert [m["type"] for m in to_siti] == ["text", "document", "document"]
    assert to_siti[0]["message"]["text"]["body"] == "Berkas Anda sudah kami terima."
    assert to_siti[1]["message"]["document"]["link"].endswith("akta.pdf")
    assert to_siti[2]["message"]["document"] == {"id": media_id, "filename": "kk.pdf"}
    (to_budi,) = recorded(graph, BUDI)
    assert to_budi["id"] == template.message_id
    assert to_budi["message"]["template"]["language"] == {"code": "id"}


def test_send_document_needs_exactly_one_of_link_and_media_id(graph) -> None:
    with pytest.raises(ValueError):
        transport.send_document(OFFICE, SITI, filename="a.pdf")
    with pytest.raises(ValueError):
        transport.send_document(OFFICE, SITI, link="https://x.id/a.pdf", media_id="1", filename="a")


def test_a_wrong_token_is_code_190_and_not_retryable(graph, settings) -> None:
    settings.WHATSAPP_ACCESS_TOKEN = "token-yang-salah"  # the cached client follows settings
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    error = caught.value
    assert (error.code, error.http_status, error.retryable) == (190, 401, False)
    assert "Token akses" in error.reason
    assert recorded(graph, SITI) == []


def test_an_unregistered_number_is_131026_with_a_reason_for_staff(graph) -> None:
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, "6281200000000", "akta_selesai")
    error = caught.value
    assert (error.code, error.http_status, error.retryable) == (131026, 400, False)
    assert error.reason.startswith("Nomor tidak terdaftar di WhatsApp")
    assert "kode 131026" in str(error)


def test_outside_the_24_hour_window_only_a_template_passes(graph) -> None:
    with pytest.raises(WhatsAppError) as caught:
        transport.send_text(OFFICE, SITI, "Halo")
    error = caught.value
    assert (error.code, error.retryable) == (131047, False)
    assert error.reason == "Di luar jendela 24 jam: gunakan pesan templat"
    with pytest.raises(WhatsAppError):
        transport.send_document(OFFICE, SITI, link="https://x.id/a.pdf", filename="a.pdf")
    assert transport.send_template(OFFICE, SITI, "pengingat_berkas").message_id

    control(graph, "inbound", {"from": SITI, "phone_number_id": OFFICE, "hours_ago": 25})
    with pytest.raises(WhatsAppError, match="jendela 24 jam"):
        transport.send_text(OFFICE, SITI, "Halo")
    control(graph, "inbound", {"from": SITI, "phone_number_id": OFFICE, "hours_ago": 23})
    assert transport.send_text(OFFICE, SITI, "Halo").message_id


def test_an_invalid_parameter_is_code_100_and_an_unknown_template_132001(graph) -> None:
    write_first(graph)
    with pytest.raises(WhatsAppError) as caught:
        transport.send_text(OFFICE, SITI, "")
    assert (caught.value.code, caught.value.http_status, caught.value.retryable) == (
        100,
        400,
        False,
    )

    control(graph, "templates", {"names": ["akta_selesai"]})
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "templat_lama")
    assert (caught.value.code, caught.value.retryable) == (132001, False)
    assert "Templat tidak ada" in caught.value.reason
    assert transport.send_template(OFFICE, SITI, "akta_selesai").message_id


@pytest.mark.parametrize(
    ("spec", "code", "status"),
    [
        ({"mode": "http_status", "status": 429, "retry_after": 7}, 4, 429),
        ({"mode": "http_status", "status": 503}, 2, 503),
        ({"mode": "http_status", "status": 500, "code": 131000}, 131000, 500),
        ({"mode": "down"}, None, 503),
        ({"mode": "error_code", "code": 130429}, 130429, 400),
        ({"mode": "error_code", "code": 131056}, 131056, 400),
        ({"mode": "error_code", "code": 80007, "retry_after": 30}, 80007, 400),
    ],
)
def test_throttling_and_outages_are_retryable(graph, spec, code, status) -> None:
    fault(graph, count=1, **spec)
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    error = caught.value
    assert error.retryable is True
    assert (error.code, error.http_status) == (code, status)
    assert error.retry_after == spec.get("retry_after")
    assert "dicoba lagi" in error.reason
    assert transport.send_template(OFFICE, SITI, "akta_selesai").message_id  # the fault is used up


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (131051, "Jenis pesan tidak didukung"),
        (132015, "Templat dijeda"),
        (132999, "Kesalahan templat"),
        (368, "diblokir"),
        (131047, "jendela 24 jam"),
    ],
)
def test_refusals_that_a_retry_cannot_fix(graph, code, words) -> None:
    fault(graph, mode="error_code", code=code, count=1)
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    assert (caught.value.code, caught.value.retryable) == (code, False)
    assert words in caught.value.reason


def test_codes_outside_the_table_are_classified_by_range_and_http_status() -> None:
    assert transport.classify(132068) == (False, "Kesalahan templat WhatsApp (kode 132068)")
    assert transport.classify(250)[0] is False
    assert transport.classify(999_999, http_status=502)[0] is True
    assert transport.classify(999_999) == (
        False,
        "WhatsApp tidak dapat mengantarkan pesan ini (kode 999999)",
    )


def test_the_error_survives_a_task_queue(graph) -> None:
    fault(graph, mode="http_status", status=429, retry_after=3, count=1)
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own bytes
    assert vars(copy) == vars(caught.value) and str(copy) == str(caught.value)


def test_a_timeout_is_retryable(graph, settings) -> None:
    settings.WHATSAPP_TIMEOUT_SECONDS = 0.2
    fault(graph, mode="delay", seconds=2, count=1)  # answered after 2 s: only a timeout raises
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    error = caught.value
    assert (error.retryable, error.code, error.http_status) == (True, None, None)
    assert error.reason.startswith("Waktu tunggu habis")


def test_a_dropped_connection_and_a_closed_port_are_retryable(graph, settings) -> None:
    fault(graph, mode="disconnect", count=1)
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    assert caught.value.retryable and "Tidak dapat terhubung" in caught.value.reason

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.WHATSAPP_API_BASE = f"http://127.0.0.1:{free_port}/v21.0"
    with pytest.raises(WhatsAppError) as caught:
        transport.send_template(OFFICE, SITI, "akta_selesai")
    assert caught.value.retryable and caught.value.http_status is None


def test_media_upload_info_and_download_round_trip(graph) -> None:
    media_id = transport.upload_media(OFFICE, PDF, "application/pdf", "surat-lahir.pdf")
    info = transport.media_info(media_id)
    assert info.mime_type == "application/pdf"
    assert info.file_size == len(PDF)
    assert info.sha256 == hashlib.sha256(PDF).hexdigest()
    assert transport.download_media(info, max_bytes=1024 * 1024) == PDF


def test_a_corrupted_download_fails_the_sha256_check(graph) -> None:
    info = transport.media_info(transport.upload_media(OFFICE, PDF, "application/pdf", "a.pdf"))
    fault(graph, mode="corrupt_media", count=1)
    with pytest.raises(WhatsAppError) as caught:
        transport.download_media(info, max_bytes=1024 * 1024)
    assert caught.value.retryable and "SHA-256" in caught.value.reason
    assert transport.download_media(info, max_bytes=1024 * 1024) == PDF


def downloads(server: RunningServer, expected: int | None = None) -> int:
    """The downloads the server logged. It logs a request once it has written its answer, which
    may be after our client stopped reading: with `expected`, wait up to 5 s for that count."""
    deadline = time.monotonic() + 5
    while True:
        requests = control_get(server, "requests")
        count = sum(1 for r in requests if r["endpoint"] == "download")
        if expected is None or count >= expected or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def test_a_download_over_max_bytes_raises_without_reading_it_all(graph) -> None:
    info = transport.media_info(transport.upload_media(OFFICE, PDF, "application/pdf", "a.pdf"))
    with pytest.raises(WhatsAppError) as caught:
        transport.download_media(info, max_bytes=100_000)
    assert not caught.value.retryable
    assert caught.value.reason == "Berkas media terlalu besar (lebih dari 97.7 KB)"
    assert downloads(graph) == 0  # the size the API reported was enough

    understated = dataclasses.replace(info, file_size=10)
    with pytest.raises(WhatsAppError, match="terlalu besar"):
        transport.download_media(understated, max_bytes=100_000)  # stopped at Content-Length
    assert downloads(graph, expected=1) == 1

    # No Content-Length, and the stream never ends: only a read that stops at the limit returns.
    fault(graph, mode="oversize_media", count=1)
    with pytest.raises(WhatsAppError, match="terlalu besar"):
        transport.download_media(understated, max_bytes=400_000)


def test_a_media_id_the_api_no_longer_serves_is_not_retryable(graph) -> None:
    media_id = transport.upload_media(OFFICE, PDF, "application/pdf", "a.pdf")
    info = transport.media_info(media_id)
    deleted = http.delete(
        f"{graph.base_url}/{media_id}", headers={"Authorization": f"Bearer {ACCESS_TOKEN}"}
    )
    assert deleted.json() == {"success": True}

    with pytest.raises(WhatsAppError) as caught:
        transport.media_info(media_id)
    error = caught.value
    assert (error.code, error.error_subcode, error.http_status) == (100, 33, 400)
    assert not error.retryable
    assert error.reason == "Media tidak tersedia lagi di WhatsApp (kedaluwarsa atau sudah dihapus)"

    with pytest.raises(WhatsAppError) as caught:
        transport.download_media(info, max_bytes=1024 * 1024)  # its old URL
    assert caught.value.http_status == 404 and not caught.value.retryable
    assert caught.value.reason.startswith("Media tidak tersedia lagi")


def test_a_bad_id_never_reaches_the_url(graph) -> None:
    with pytest.raises(WhatsAppError, match="ID WhatsApp tidak sah"):
        transport.media_info("../../v21.0/123/messages")
    assert downloads(graph) == 0


def test_the_token_is_never_logged_nor_in_errors(graph, settings, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    write_first(graph)
    transport.send_text(OFFICE, SITI, "Halo")
    errors = []
    for spec in ({"mode": "down"}, {"mode": "error_code", "code": 131026}):
        fault(graph, count=1, **spec)
        with pytest.raises(WhatsAppError) as caught:
            transport.send_text(OFFICE, SITI, "Halo")
        errors.append(caught.value)
    settings.WHATSAPP_ACCESS_TOKEN = "rahasia-salah-1234"
    with pytest.raises(WhatsAppError) as caught:
        transport.send_text(OFFICE, SITI, "Halo")
    errors.append(caught.value)
    assert caplog.records  # the transport and httpx did log
    for secret in (ACCESS_TOKEN, "rahasia-salah-1234"):
        assert secret not in caplog.text
        assert all(secret not in f"{e!s} {e!r} {e.details}" for e in errors)
