"""The Kadis signs SIAK's prints with their BSrE TTE: the local SIAK (started with a BSrE
service) prints KK and akta unsigned, then sends them to the local BSrE server over HTTP with
the NIK and passphrase typed; BSrE's refusals and faults are shown in Bahasa and sign nothing."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

import peers.bsre
from peers.siak import BsreAccess, RunningServer, start_server
from peers.siak.tests.conftest import control, http

KADIS = "1808014507700001"
PASSPHRASE = "TTE-Demo-2026"
OTHER = "1808010101700002"  # a signer whose certificate state a test changes
UNKNOWN = "1808010101700009"
SIGNERS = [
    {
        "nik": KADIS,
        "name": "Dra. Ratna Sari, M.Si",
        "nip": "197007051995032001",
        "email": "kadis@disdukcapil.waykanan.example.go.id",
        "passphrase": PASSPHRASE,
        "state": "ISSUE",
    },
    {"nik": OTHER, "name": "Hendra Wijaya", "passphrase": PASSPHRASE, "state": "ISSUE"},
]
BSRE_AUTH = ("esign", "dev-esign-password")
KK = {
    "kecamatan": "18.08.01",
    "address": "Jl. Merdeka 1",
    "members": [
        {"name": "Andi Saputra", "birth_date": "1985-04-07", "sex": "L"},
        {"name": "Nur Hidayah", "birth_date": "1988-09-21", "sex": "P", "relation": "Istri"},
        {"name": "Bima Saputra", "birth_date": "2015-02-03", "sex": "L", "relation": "Anak"},
    ],
}
AKTA = {
    "region": "18.08",
    "name": "Bayu Pratama",
    "birth_date": "2026-11-30",
    "sex": "L",
    "birth_place": "Way Kanan",
}
SCREENSHOT = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "siak_tte_390.png"


@pytest.fixture(scope="module")
def bsre_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[peers.bsre.RunningServer]:
    server = peers.bsre.start_server(
        port=0, users=SIGNERS, state_dir=tmp_path_factory.mktemp("bsre")
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def siak_tte_server(bsre_server: peers.bsre.RunningServer) -> Iterator[RunningServer]:
    server = start_server(port=0, bsre=BsreAccess(bsre_server.base_url, *BSRE_AUTH, timeout=10))
    yield server
    server.stop()


@pytest.fixture
def bsre(bsre_server: peers.bsre.RunningServer) -> peers.bsre.RunningServer:
    assert http.post(bsre_server.control("reset")).status_code == 200
    return bsre_server


@pytest.fixture
def siak(siak_tte_server: RunningServer, bsre: peers.bsre.RunningServer) -> RunningServer:
    control(siak_tte_server, "reset")
    return siak_tte_server


def issue(server: RunningServer, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = http.post(f"{server.root_url}/_siak/api/{kind}", json=payload)
    assert response.status_code == 201, response.text
    return response.json()


def tte(
    server: RunningServer, document: dict[str, Any], nik: str = KADIS, passphrase: str = PASSPHRASE
) -> httpx.Response:
    return http.post(
        f"{server.root_url}/_siak/api/documents/{document['id']}/tte",
        json={"nik": nik, "passphrase": passphrase},
    )


def signatures(pdf: bytes) -> list[Any]:
    return list(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)


def pdf_of(document: dict[str, Any]) -> bytes:
    response = http.get(document["pdf_url"])
    assert response.status_code == 200
    return response.content


def still_unsigned(server: RunningServer, document: dict[str, Any]) -> None:
    listed = http.get(f"{server.root_url}/_siak/api/dokumen").json()["data"]
    now = next(d for d in listed if d["id"] == document["id"])
    assert (now["status"], now["signed"], now["signer"]) == ("menunggu_tte", False, None)
    assert signatures(pdf_of(document)) == []


def bsre_ca(bsre: peers.bsre.RunningServer) -> asn1_x509.Certificate:
    response = http.get(bsre.control("ca.pem"))
    assert response.status_code == 200
    _type, _headers, der = asn1_pem.unarmor(response.content)
    return asn1_x509.Certificate.load(der)


@pytest.mark.parametrize(("kind", "payload"), [("kk", KK), ("akta-kelahiran", AKTA)])
def test_kk_and_akta_are_printed_unsigned_then_signed_by_the_kadis_through_bsre(
    siak: RunningServer,
    bsre: peers.bsre.RunningServer,
    poppler: Callable[[str], str],
    tmp_path: Path,
    kind: str,
    payload: dict[str, Any],
) -> None:
    document = issue(siak, kind, payload)
    assert document["status"] == "menunggu_tte" and document["signed"] is False
    assert document["tte_url"].endswith(f"/_siak/api/dokumen/{document['id']}/tte")
    unsigned = pdf_of(document)
    assert signatures(unsigned) == []
    text = PdfReader(io.BytesIO(unsigned)).pages[0].extract_text()
    assert document["number"] in text
    if kind == "kk":  # the whole family, head, wife and child, each with their NIK
        members = document["data"]["members"]
        assert [m["name"] for m in members] == ["Andi Saputra", "Nur Hidayah", "Bima Saputra"]
        for member in members:
            assert member["name"] in text and member["nik"] in text and member["relation"] in text

    response = tte(siak, document)
    assert response.status_code == 200, response.text
    signed_doc = response.json()
    assert signed_doc["status"] == "ditandatangani" and signed_doc["tte_url"] is None
    assert signed_doc["signer"]["nik"] == KADIS
    assert signed_doc["signer"]["name"] == "Dra. Ratna Sari, M.Si"

    pdf = pdf_of(document)
    assert pdf.startswith(unsigned)  # the print itself, with BSrE's signature appended
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text() == text
    (signature,) = signatures(pdf)
    assert signature.signer_cert.subject.native["serial_number"] == KADIS
    context = ValidationContext(
        trust_roots=[bsre_ca(bsre)], allow_fetching=False, revocation_mode="soft-fail"
    )
    # pyHanko's sync validator runs its own event loop: in a thread of its own, so that a
    # Playwright session in this thread (browser tests in the same run) does not get in the way.
    with ThreadPoolExecutor(1) as pool:
        status = pool.submit(validate_pdf_signature, signature, context).result()
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.bottom_line

    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    report = subprocess.run(
        [poppler("pdfsig"), str(path)], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    assert "Signature is Valid" in report
    assert KADIS in report  # the certificate's subject carries the NIK

    (request,) = [
        r for r in http.get(bsre.control("requests")).json()["data"] if r["endpoint"] == "sign"
    ]
    assert request["nik"] == KADIS and request["tampilan"] == "visible"
    assert request["image"] == "false" and "linkQR" in request["fields"]
    verification = http.get(document["verification_url"]).text
    assert "ditandatangani secara elektronik oleh Dra. Ratna Sari" in verification


def test_a_wrong_passphrase_signs_nothing_and_a_retry_works(siak: RunningServer) -> None:
    document = issue(siak, "kk", KK)
    refused = tte(siak, document, passphrase="salah-ketik")
    assert refused.status_code == 400
    assert refused.json()["code"] == "wrong_passphrase"
    assert refused.json()["error"].startswith("Passphrase salah.")
    still_unsigned(siak, document)
    assert tte(siak, document).status_code == 200
    assert len(signatures(pdf_of(document))) == 1


@pytest.mark.parametrize(
    "fault", [{"down": True}, {"mode": "error500"}, {"mode": "disconnect"}, {"mode": "html"}]
)
def test_bsre_down_signs_nothing_and_a_retry_works(
    siak: RunningServer, bsre: peers.bsre.RunningServer, fault: dict[str, Any]
) -> None:
    document = issue(siak, "akta-kelahiran", AKTA)
    assert http.post(bsre.control("faults"), json=fault).status_code == 200
    refused = tte(siak, document)
    assert refused.status_code in (502, 503)
    answer = refused.json()
    assert answer["signed"] is False
    if refused.status_code == 503:
        assert answer["code"] == "unavailable"
        assert "Layanan BSrE tidak dapat dihubungi" in answer["error"]
    else:
        assert answer["code"] == "bad_answer" and "bukan PDF bertanda tangan" in answer["error"]
    still_unsigned(siak, document)
    assert http.delete(bsre.control("faults")).status_code == 200
    assert tte(siak, document).json()["status"] == "ditandatangani"


def test_a_bsre_slower_than_the_timeout_is_unavailable(bsre: peers.bsre.RunningServer) -> None:
    fault = {"mode": "slow", "seconds": 3, "count": 1, "endpoint": "sign"}
    assert http.post(bsre.control("faults"), json=fault).status_code == 200
    with start_server(port=0, bsre=BsreAccess(bsre.base_url, *BSRE_AUTH, timeout=0.5)) as siak:
        document = issue(siak, "kk", KK)
        refused = tte(siak, document)
        assert refused.status_code == 503 and refused.json()["code"] == "unavailable"
        still_unsigned(siak, document)
        assert tte(siak, document).json()["status"] == "ditandatangani"


def test_bsre_not_listening_is_unavailable(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with start_server(port=0, bsre=BsreAccess(f"http://127.0.0.1:{port}", *BSRE_AUTH)) as siak:
        document = issue(siak, "kk", KK)
        refused = tte(siak, document)
        assert refused.status_code == 503
        assert refused.json()["code"] == "unavailable"
        still_unsigned(siak, document)


@pytest.mark.parametrize(
    ("nik", "state", "code", "words"),
    [
        (UNKNOWN, None, "not_registered", "tidak terdaftar di BSrE"),
        (OTHER, "EXPIRED", "expired", "sudah kedaluwarsa"),
        (OTHER, "REVOKE", "revoked", "telah dicabut"),
        (OTHER, "SUSPEND", "suspended", "sedang ditangguhkan"),
    ],
)
def test_each_certificate_problem_has_its_message(
    siak: RunningServer,
    bsre: peers.bsre.RunningServer,
    nik: str,
    state: str | None,
    code: str,
    words: str,
) -> None:
    if state:
        changed = http.post(bsre.control("users/state"), json={"nik": nik, "state": state})
        assert changed.status_code == 200, changed.text
    document = issue(siak, "kk", KK)
    refused = tte(siak, document, nik=nik)
    assert refused.status_code == 400
    assert refused.json()["code"] == code
    assert words in refused.json()["error"] and nik in refused.json()["error"]
    still_unsigned(siak, document)


def test_a_wrong_service_account_is_said_so(bsre: peers.bsre.RunningServer) -> None:
    access = BsreAccess(bsre.base_url, "esign", "bukan-password-ini")
    with start_server(port=0, bsre=access) as siak:
        document = issue(siak, "kk", KK)
        refused = tte(siak, document)
        assert refused.status_code == 502 and refused.json()["code"] == "account"
        still_unsigned(siak, document)


def test_requests_siak_refuses_before_calling_bsre(
    siak: RunningServer, bsre: peers.bsre.RunningServer
) -> None:
    document = issue(siak, "kk", KK)
    short = tte(siak, document, nik="12345")
    empty = tte(siak, document, passphrase="")
    assert (short.status_code, empty.status_code) == (400, 400)
    assert short.json()["error"] == "NIK Kepala Dinas harus 16 angka."
    assert empty.json()["error"] == "Passphrase TTE wajib diisi."
    assert http.post(f"{siak.root_url}/_siak/api/dokumen/{document['id']}/tte").status_code == 400
    missing = http.post(
        f"{siak.root_url}/_siak/api/dokumen/0123abcd/tte", json={"nik": KADIS, "passphrase": "x"}
    )
    assert missing.status_code == 404
    assert http.get(bsre.control("requests")).json()["data"] == []
    assert tte(siak, document).status_code == 200
    again = tte(siak, document)
    assert again.status_code == 409 and again.json()["error"] == "Dokumen ini sudah ditandatangani."


def test_without_bsre_siak_signs_itself_and_refuses_a_tte() -> None:
    with start_server(port=0) as siak:
        document = issue(siak, "kk", KK)
        assert document["signed"] is True and document["tte_url"] is None
        assert len(signatures(pdf_of(document))) == 1
        assert tte(siak, document).status_code == 409


def test_the_passphrase_is_in_no_log_and_on_no_page(
    siak: RunningServer, bsre: peers.bsre.RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    document = issue(siak, "kk", KK)
    wrong = "Salah#Ketik-778"
    tte(siak, document, passphrase=wrong)
    page = http.post(
        f"{siak.root_url}/_siak/dokumen/{document['id']}/tte",
        data={"nik": KADIS, "passphrase": wrong},
    )
    assert "Passphrase salah" in page.text
    assert tte(siak, document).status_code == 200
    assert "signed by NIK" in caplog.text and "refused NIK" in caplog.text
    bsre_log = http.get(bsre.control("requests")).text
    for secret in (wrong, PASSPHRASE):
        assert secret not in caplog.text
        assert secret not in page.text
        assert secret not in bsre_log


def test_the_page_walks_entry_number_tte_and_download(siak: RunningServer) -> None:
    page = http.post(f"{siak.root_url}/_siak/", data={"kind": "akta-kelahiran"} | AKTA)
    assert page.status_code == 200
    assert "1808-LT-" in page.text and "Menunggu TTE Kepala Dinas" in page.text
    document = http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"][0]
    action = f"/_siak/dokumen/{document['id']}/tte"
    assert f'action="{action}"' in page.text

    wrong = http.post(siak.root_url + action, data={"nik": KADIS, "passphrase": "keliru"})
    assert wrong.status_code == 200
    assert "Passphrase salah." in wrong.text and "Dokumen belum ditandatangani." in wrong.text
    assert f'value="{KADIS}"' in wrong.text  # the NIK stays typed, the passphrase does not

    done = http.post(siak.root_url + action, data={"nik": KADIS, "passphrase": PASSPHRASE})
    assert done.status_code == 303
    signed = http.get(siak.root_url + done.headers["location"])
    assert "Unduh PDF bertanda tangan" in signed.text and "Dra. Ratna Sari" in signed.text
    assert "Menunggu TTE" not in signed.text
    assert len(signatures(pdf_of(document))) == 1


def test_the_command_line_signs_through_bsre_and_logs_no_passphrase(
    bsre: peers.bsre.RunningServer,
) -> None:
    command = [
        sys.executable,
        "-m",
        "peers.siak",
        "--port",
        "0",
        "--bsre-url",
        bsre.base_url,
        "--bsre-user",
        BSRE_AUTH[0],
        "--bsre-password",
        BSRE_AUTH[1],
    ]
    root = Path(__file__).resolve().parents[3]
    process = subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Local SIAK at http://127.0.0.1:"), first
        url = first.split(" at ")[1].split("/_siak/")[0]
        assert (
            process.stdout.readline().strip() == f"TTE Kepala Dinas through BSrE at {bsre.base_url}"
        )
        document = http.post(f"{url}/_siak/api/akta-kelahiran", json=AKTA).json()
        assert document["status"] == "menunggu_tte"
        wrong = http.post(
            f"{url}/_siak/api/dokumen/{document['id']}/tte",
            json={"nik": KADIS, "passphrase": "Keliru#5521"},
        )
        assert wrong.json()["code"] == "wrong_passphrase"
        right = http.post(
            f"{url}/_siak/api/dokumen/{document['id']}/tte",
            json={"nik": KADIS, "passphrase": PASSPHRASE},
        )
        assert right.json()["signer"]["nik"] == KADIS
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert "signed by NIK" in err and "wrong_passphrase" in err
    for secret in ("Keliru#5521", PASSPHRASE):
        assert secret not in out and secret not in err


@pytest.mark.browser
def test_the_kadis_signs_on_a_phone(browser: Any, siak: RunningServer) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{siak.root_url}/_siak/")
        page.get_by_role("link", name="Entri Kartu Keluarga (KK)").click()
        page.get_by_label("Kode wilayah kecamatan").fill("18.08.01")
        page.get_by_label("Alamat").fill("Jl. Merdeka 1")
        family = [
            ("Andi Saputra", "", "1985-04-07", ""),
            ("Nur Hidayah", "P", "1988-09-21", "Istri"),
            ("Bima Saputra", "", "2015-02-03", ""),  # the relation forgotten at first
        ]
        for i, (name, sex, born, relation) in enumerate(family):
            if i:
                page.get_by_role("button", name="Tambah anggota").click()
            row = page.locator("fieldset").nth(i)
            row.get_by_label("Nama lengkap").fill(name)
            row.get_by_label("Tanggal lahir").fill(born)
            row.get_by_label("Tempat lahir").fill("Way Kanan")
            if sex:
                row.get_by_label("Jenis kelamin").select_option(sex)
            if relation:
                row.get_by_label("Hubungan dalam keluarga").select_option(relation)
        page.get_by_role("button", name="Simpan KK di SIAK").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "Anggota ke-3 (Bima Saputra): hubungan dalam keluarga" in alert.inner_text()
        rows = page.locator("fieldset")
        assert rows.count() == 3
        assert rows.nth(1).get_by_label("Nama lengkap").input_value() == "Nur Hidayah"
        assert rows.nth(1).get_by_label("Jenis kelamin").input_value() == "P"
        assert rows.nth(2).get_by_label("Tanggal lahir").input_value() == "2015-02-03"
        assert page.get_by_label("Alamat").input_value() == "Jl. Merdeka 1"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT.with_name("siak_kk_refused_390.png")), full_page=True)
        rows.nth(2).get_by_label("Hubungan dalam keluarga").select_option("Anak")
        page.get_by_role("button", name="Simpan KK di SIAK").click()
        page.get_by_text("Menunggu TTE Kepala Dinas").wait_for()
        card = page.locator(".card").inner_text()
        assert "SIAK menerbitkan No. KK 180801" in page.inner_text("body")
        for name, *_ in family:
            assert name in card
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SCREENSHOT.with_name("siak_kk_390.png")), full_page=True)

        nik, passphrase = page.get_by_label("NIK Kepala Dinas"), page.get_by_label("Passphrase TTE")
        nik.fill(KADIS)
        passphrase.fill("salah")
        page.get_by_role("button", name="Tandatangani dengan TTE BSrE").click()
        page.get_by_role("alert").wait_for()
        assert "Passphrase salah." in page.get_by_role("alert").inner_text()
        assert nik.input_value() == KADIS
        assert passphrase.input_value() == ""

        passphrase.fill(PASSPHRASE)
        page.get_by_role("button", name="Tandatangani dengan TTE BSrE").click()
        link = page.get_by_role("link", name="Unduh PDF bertanda tangan")
        link.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        with page.expect_download() as download:
            link.click()
        pdf = Path(download.value.path()).read_bytes()
        (signature,) = signatures(pdf)
        assert signature.signer_cert.subject.native["serial_number"] == KADIS
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        (kk,) = http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"]
        for member in kk["data"]["members"]:
            assert member["name"] in text and member["nik"] in text
    finally:
        context.close()
