"""The local BSrE over real HTTP: auth, status per certificate state, v1 and v2 signing that
pyHanko and poppler's pdfsig accept, verification, download, faults and the control side."""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from peers.bsre import RunningServer, start_server
from peers.bsre.tests.conftest import (
    ACTIVE,
    AUTH,
    EXPIRED,
    PASSPHRASE,
    REVOKED,
    SUSPENDED,
    UNKNOWN,
    ca_pem,
    control,
    http,
    make_pdf,
    pdfsig,
    png,
    signature_boxes,
    validate,
)


def sign_v1(server: RunningServer, pdf: bytes, **fields: Any) -> httpx.Response:
    data = {"nik": ACTIVE, "passphrase": PASSPHRASE, "tampilan": "invisible", **fields}
    files: dict[str, Any] = {"file": ("surat.pdf", pdf, "application/pdf")}
    image = data.pop("imageTTD", None)
    if image is not None:
        files["imageTTD"] = ("ttd.png", image, "image/png")
    data = {key: str(value) for key, value in data.items() if value is not None}
    return http.post(f"{server.base_url}/api/sign/pdf", data=data, files=files, auth=AUTH)


def sign_v2(server: RunningServer, pdfs: list[bytes], props: list[dict[str, Any]], **body: Any):
    payload = {
        "nik": ACTIVE,
        "passphrase": PASSPHRASE,
        "signatureProperties": props,
        "file": [base64.b64encode(pdf).decode() for pdf in pdfs],
        **body,
    }
    return http.post(f"{server.base_url}/api/v2/sign/pdf", json=payload, auth=AUTH)


def assert_valid(pdf: bytes, server: RunningServer, tmp_path: Path, signatures: int = 1) -> None:
    statuses = validate(pdf, ca_pem(server))
    assert len(statuses) == signatures
    assert all(s.intact and s.valid and s.bottom_line for s in statuses), statuses
    code, report = pdfsig(pdf, tmp_path)
    assert code == 0, report
    assert report.count("Signature Validation: Signature is Valid.") == signatures, report


# auth
@pytest.mark.parametrize("auth", [None, ("esign", "wrong"), ("other", AUTH[1])])
def test_every_api_endpoint_wants_basic_auth(bsre: RunningServer, auth: Any) -> None:
    base = bsre.base_url
    answers = [
        http.get(f"{base}/api/user/status/{ACTIVE}", auth=auth),
        http.post(f"{base}/api/sign/pdf", files={"file": ("a.pdf", make_pdf())}, auth=auth),
        http.post(f"{base}/api/sign/verify", files={"signed_file": ("a.pdf", b"x")}, auth=auth),
        http.post(f"{base}/api/v2/user/check/status", json={"nik": ACTIVE}, auth=auth),
        http.post(f"{base}/api/v2/sign/pdf", json={}, auth=auth),
        http.post(f"{base}/api/v2/verify/pdf", json={}, auth=auth),
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Basic")
        assert answer.json()["status_code"] == 401


# status
@pytest.mark.parametrize(
    ("nik", "status", "code"),
    [
        (ACTIVE, "ISSUE", 1111),
        (EXPIRED, "EXPIRED", 1111),
        (REVOKED, "REVOKE", 1111),
        (SUSPENDED, "SUSPEND", 1111),
        (UNKNOWN, "NOT_REGISTERED", 1110),
    ],
)
def test_user_status_v1_and_v2(bsre: RunningServer, nik: str, status: str, code: int) -> None:
    v1 = http.get(f"{bsre.base_url}/api/user/status/{nik}", auth=AUTH)
    v2 = http.post(f"{bsre.base_url}/api/v2/user/check/status", json={"nik": nik}, auth=AUTH)
    for answer in (v1, v2):
        assert answer.status_code == 200
        body = answer.json()
        assert (body["status"], body["status_code"]) == (status, code)
        assert body["message"]
    assert v1.json()["message"].endswith(status) or status == "NOT_REGISTERED"


def test_user_status_v2_by_email(bsre: RunningServer) -> None:
    answer = http.post(
        f"{bsre.base_url}/api/v2/user/check/status",
        json={"email": "kadis@disdukcapil.example.go.id"},
        auth=AUTH,
    )
    assert answer.json()["status"] == "ISSUE"


# signing, v1
def test_v1_invisible_signature_is_valid_for_pyhanko_and_pdfsig(
    bsre: RunningServer, tmp_path: Path
) -> None:
    pdf = make_pdf()
    answer = sign_v1(bsre, pdf, reason="Pengesahan", location="Kab. Bandung")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["id_dokumen"]
    signed = answer.content
    assert signed.startswith(pdf[:8]) and len(signed) > len(pdf)
    assert_valid(signed, bsre, tmp_path)
    assert [rect for _page, rect in signature_boxes(signed)] == [(0.0, 0.0, 0.0, 0.0)]
    status = validate(signed, ca_pem(bsre))[0]
    subject = status.signing_cert.subject.native
    assert subject["common_name"] == "Dra. Sri Wahyuni, M.Si"
    assert subject["serial_number"] == ACTIVE


def test_v1_visible_signature_with_image_sits_in_its_box(
    bsre: RunningServer, tmp_path: Path
) -> None:
    pdf = make_pdf(pages=2)
    answer = sign_v1(
        bsre,
        pdf,
        tampilan="visible",
        image="true",
        imageTTD=png(),
        page=2,
        xAxis=330,
        yAxis=40,
        width=230,
        height=90,
    )
    assert answer.status_code == 200, answer.text
    assert signature_boxes(answer.content) == [(1, (330.0, 40.0, 560.0, 130.0))]
    assert_valid(answer.content, bsre, tmp_path)


def test_v1_visible_qr_then_second_signer_keeps_both_valid(
    bsre: RunningServer, tmp_path: Path
) -> None:
    first = sign_v1(
        bsre,
        make_pdf(),
        tampilan="visible",
        image="false",
        linkQR="https://alur.example.id/v/abc",
        page=1,
        xAxis=40,
        yAxis=40,
        width=80,
        height=80,
    )
    assert first.status_code == 200, first.text
    second = sign_v1(bsre, first.content)
    assert second.status_code == 200, second.text
    assert_valid(second.content, bsre, tmp_path, signatures=2)


@pytest.mark.parametrize(
    ("nik", "passphrase", "code", "error"),
    [
        (ACTIVE, "salah", 2031, "Passphrase anda salah"),
        (UNKNOWN, PASSPHRASE, 2011, "User tidak terdaftar"),
        (EXPIRED, PASSPHRASE, 2051, "EXPIRED"),
        (REVOKED, PASSPHRASE, 2052, "REVOKE"),
        (SUSPENDED, PASSPHRASE, 2053, "SUSPEND"),
    ],
)
def test_v1_refusals(bsre: RunningServer, nik: str, passphrase: str, code: int, error: str) -> None:
    answer = sign_v1(bsre, make_pdf(), nik=nik, passphrase=passphrase)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["status_code"] == code
    assert error in body["error"]
    assert "id_dokumen" not in answer.headers


@pytest.mark.parametrize(
    ("fields", "pdf", "error"),
    [
        ({"tampilan": "sideways"}, make_pdf(), "tampilan"),
        ({"passphrase": ""}, make_pdf(), "passphrase"),
        ({}, b"GIF89a not a pdf", "PDF"),
        ({"tampilan": "visible", "image": "false", "xAxis": 1}, make_pdf(), "yAxis"),
        (
            {"tampilan": "visible", "page": 3, "xAxis": 1, "yAxis": 1, "width": 5, "height": 5},
            make_pdf(),
            "Halaman",
        ),
        ({"tampilan": "visible", "image": "true", "page": 1}, make_pdf(), "imageTTD"),
    ],
)
def test_v1_bad_requests(bsre: RunningServer, fields: dict[str, Any], pdf: bytes, error: str):
    answer = sign_v1(bsre, pdf, **fields)
    assert answer.status_code == 400
    assert error in answer.json()["error"]


def test_download_gives_the_signed_pdf_once(bsre: RunningServer) -> None:
    signed = sign_v1(bsre, make_pdf())
    url = f"{bsre.base_url}/api/sign/download/{signed.headers['id_dokumen']}"
    first = http.get(url, auth=AUTH)
    assert first.status_code == 200
    assert first.content == signed.content
    again = http.get(url, auth=AUTH)
    assert again.status_code == 404
    assert again.json()["error"] == "Dokumen telah didownload sebelumnya"


# signing, v2
def test_v2_signs_each_file_and_counts_origin_y_from_the_top(
    bsre: RunningServer, tmp_path: Path
) -> None:
    props = [
        {
            "tampilan": "VISIBLE",
            "imageBase64": base64.b64encode(png()).decode(),
            "page": 1,
            "originX": 330,
            "originY": 712,  # 842 - 130: the box's top edge 130 pt above the bottom
            "width": 230,
            "height": 90,
            "reason": "Pengesahan",
            "location": "Bandung",
        },
        {"tampilan": "INVISIBLE", "reason": "Arsip"},
    ]
    answer = sign_v2(bsre, [make_pdf(), make_pdf()], props)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert isinstance(body["time"], int)
    visible, invisible = (base64.b64decode(item) for item in body["file"])
    assert signature_boxes(visible) == [(0, (330.0, 40.0, 560.0, 130.0))]
    assert [rect for _page, rect in signature_boxes(invisible)] == [(0.0, 0.0, 0.0, 0.0)]
    assert_valid(visible, bsre, tmp_path)
    assert_valid(invisible, bsre, tmp_path)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"passphrase": "salah"}, 2031),
        ({"nik": UNKNOWN}, 2011),
        ({"nik": REVOKED}, 2052),
        ({"file": ["not base64!"]}, 400),
        ({"signatureProperties": []}, 400),
    ],
)
def test_v2_refusals(bsre: RunningServer, body: dict[str, Any], code: int) -> None:
    payload = {
        "nik": ACTIVE,
        "passphrase": PASSPHRASE,
        "signatureProperties": [{"tampilan": "INVISIBLE"}],
        "file": [base64.b64encode(make_pdf()).decode()],
        **body,
    }
    answer = http.post(f"{bsre.base_url}/api/v2/sign/pdf", json=payload, auth=AUTH)
    assert answer.status_code == 400
    assert answer.json()["status_code"] == code


# verification
def test_v1_verify_valid_tampered_and_unsigned(bsre: RunningServer) -> None:
    signed = sign_v1(bsre, make_pdf(), reason="Pengesahan", location="Bandung").content
    url = f"{bsre.base_url}/api/sign/verify"

    def verify(pdf: bytes) -> dict[str, Any]:
        answer = http.post(url, files={"signed_file": ("s.pdf", pdf)}, auth=AUTH)
        assert answer.status_code == 200
        return answer.json()

    valid = verify(signed)
    assert (valid["summary"], valid["jumlah_signature"]) == ("DOCUMENT VALID !!!", 1)
    detail = valid["details"][0]
    assert detail["info_signer"]["signer_name"] == "Dra. Sri Wahyuni, M.Si"
    assert detail["info_signer"]["cert_user_certified"] is True
    assert detail["signature_document"]["document_integrity"] is True
    assert detail["signature_document"]["reason"] == "Pengesahan"

    # One byte inside the signed range changed: the signature no longer holds.
    position = signed.index(b"/MediaBox")
    tampered = signed[:position] + b"/MediaBoy" + signed[position + 9 :]
    broken = verify(tampered)
    assert broken["summary"] == "DOCUMENT NOT VALID !!!"
    assert broken["details"][0]["signature_document"]["document_integrity"] is False

    unsigned = verify(make_pdf())
    assert (unsigned["jumlah_signature"], unsigned["summary"], unsigned["details"]) == (0, None, [])


def test_v2_verify(bsre: RunningServer) -> None:
    signed = sign_v1(bsre, make_pdf()).content
    url = f"{bsre.base_url}/api/v2/verify/pdf"
    answer = http.post(url, json={"file": base64.b64encode(signed).decode()}, auth=AUTH).json()
    assert answer["conclusion"] == "VALID"
    info = answer["signatureInformations"][0]
    assert (info["signerName"], info["certificateTrusted"], info["integrityValid"]) == (
        "Dra. Sri Wahyuni, M.Si",
        True,
        True,
    )
    empty = http.post(url, json={"file": base64.b64encode(make_pdf()).decode()}, auth=AUTH)
    assert empty.json()["conclusion"] == "NO_SIGNATURE"


# faults
def status_url(server: RunningServer) -> str:
    return f"{server.base_url}/api/user/status/{ACTIVE}"


def test_fault_down_answers_503_until_cleared(bsre: RunningServer) -> None:
    control(bsre, "faults", {"down": True})
    for _ in range(2):
        answer = http.get(status_url(bsre), auth=AUTH)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "text/html"
    control(bsre, "faults", method="DELETE")
    assert http.get(status_url(bsre), auth=AUTH).status_code == 200


def test_fault_disconnect_drops_the_connection(bsre: RunningServer) -> None:
    control(bsre, "faults", {"mode": "disconnect", "count": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(status_url(bsre), auth=AUTH)
    assert http.get(status_url(bsre), auth=AUTH).status_code == 200  # count 1: used up


def test_fault_slow_outlasts_a_short_timeout(bsre: RunningServer) -> None:
    control(bsre, "faults", {"slow": 2, "count": 1})
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(status_url(bsre), auth=AUTH, timeout=0.3)


@pytest.mark.parametrize(
    ("mode", "status", "content_type", "body"),
    [
        ("error500", 500, "application/json", b'"status_code": 500'),
        ("html", 200, "text/html", b"<html>"),
        ("empty", 200, "application/pdf", b""),
        ("not_pdf", 200, "application/pdf", b"this is not a PDF"),
    ],
)
def test_fault_odd_answers(
    bsre: RunningServer, mode: str, status: int, content_type: str, body: bytes
) -> None:
    control(bsre, "faults", {"mode": mode, "endpoint": "sign"})
    assert http.get(status_url(bsre), auth=AUTH).status_code == 200  # only signing is hit
    answer = sign_v1(bsre, make_pdf())
    assert answer.status_code == status
    assert answer.headers["content-type"] == content_type
    assert body in answer.content if body else answer.content == b""


def test_fault_wrong_passphrase_always_and_revoked(bsre: RunningServer) -> None:
    control(bsre, "faults", {"wrong_passphrase_always": True})
    assert sign_v1(bsre, make_pdf()).json()["status_code"] == 2031
    control(bsre, "faults", method="DELETE")
    control(bsre, "faults", {"revoked": ACTIVE})
    assert sign_v1(bsre, make_pdf()).json()["status_code"] == 2052
    status = http.get(status_url(bsre), auth=AUTH).json()
    assert status["status"] == "REVOKE"
    control(bsre, "reset")
    assert http.get(status_url(bsre), auth=AUTH).json()["status"] == "ISSUE"


@pytest.mark.parametrize(
    "fault",
    [{"mode": "sideways"}, {"slow": 0}, {"down": True, "count": 0}, {"down": True, "x": 1}],
)
def test_bad_faults_are_refused(bsre: RunningServer, fault: dict[str, Any]) -> None:
    answer = http.post(bsre.control("faults"), json=fault)
    assert answer.status_code == 400


# control and logs
def test_users_can_be_added_and_change_state(bsre: RunningServer) -> None:
    nik = "3201010101800077"
    user = {"nik": nik, "name": "Dedi", "passphrase": "pass-dedi", "state": "ISSUE"}
    added = control(bsre, "users", user)
    assert "passphrase" not in json.dumps(added)
    assert http.get(f"{bsre.base_url}/api/user/status/{nik}", auth=AUTH).json()["status"] == "ISSUE"
    control(bsre, "users/state", {"nik": nik, "state": "SUSPEND"})
    assert sign_v1(bsre, make_pdf(), nik=nik, passphrase="pass-dedi").json()["status_code"] == 2053
    listed = control(bsre, "users", method="GET")["data"]
    assert nik in {u["nik"] for u in listed}
    assert all("passphrase" not in u for u in listed)
    bad = http.post(bsre.control("users"), json={"nik": "12", "passphrase": "x"})
    assert bad.status_code == 400


def test_the_passphrase_is_never_logged(
    bsre: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_v1(bsre, make_pdf())
    sign_v1(bsre, make_pdf(), passphrase="Salah-Sekali-99")
    sign_v2(bsre, [make_pdf()], [{"tampilan": "INVISIBLE"}], passphrase="Salah-Sekali-99")
    seen = control(bsre, "requests", method="GET")["data"]
    assert [entry["status"] for entry in seen] == [200, 400, 400]
    assert seen[0]["nik"] == ACTIVE
    assert "passphrase" in seen[0]["fields"]  # the field was there; its value is nowhere
    text = json.dumps(seen) + caplog.text
    assert PASSPHRASE not in text
    assert "Salah-Sekali-99" not in text


def test_a_missing_users_file_is_tolerated_until_it_exists(tmp_path: Path) -> None:
    users_file = tmp_path / "bsre_users.json"
    with start_server(0, users_file=users_file, state_dir=tmp_path / "state") as server:
        url = f"{server.base_url}/api/user/status/{ACTIVE}"
        assert http.get(url, auth=AUTH).json()["status"] == "NOT_REGISTERED"
        users_file.write_text(json.dumps([{"nik": ACTIVE, "name": "A", "passphrase": "p"}]))
        assert http.get(url, auth=AUTH).json()["status"] == "ISSUE"  # read again when changed
        control(server, "users/state", {"nik": ACTIVE, "state": "SUSPEND"})
        assert http.get(url, auth=AUTH).json()["status"] == "SUSPEND"  # not re-read unchanged
        control(server, "reset")
        assert http.get(url, auth=AUTH).json()["status"] == "ISSUE"
        first_ca = ca_pem(server)
    with start_server(0, state_dir=tmp_path / "state") as again:
        assert ca_pem(again) == first_ca  # the CA is kept in the state directory


def test_a_broken_users_file_leaves_the_server_up(tmp_path: Path) -> None:
    users_file = tmp_path / "bsre_users.json"
    users_file.write_text("[{not json")
    with start_server(0, users_file=users_file, state_dir=tmp_path / "state") as server:
        url = f"{server.base_url}/api/user/status/{ACTIVE}"
        assert http.get(url, auth=AUTH).json()["status"] == "NOT_REGISTERED"
        answer = http.post(server.control("reset"))
        assert answer.status_code == 400
        assert "bsre_users.json" in answer.json()["error"]


def pdf_with_text() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(595, 842))
    page.drawString(100, 700, "Surat Keterangan")
    page.showPage()
    page.drawString(300, 150, "Kepala Dinas ^")
    page.save()
    return out.getvalue()


def test_tag_koordinat_places_the_signature_at_the_mark(bsre: RunningServer) -> None:
    size = {"width": 80, "height": 40}
    v1 = sign_v1(
        bsre, pdf_with_text(), tampilan="visible", image="false", tag_koordinat="^", **size
    )
    assert v1.status_code == 200, v1.text
    props = [{"tampilan": "VISIBLE", "tag_koordinat": "^", **size}]
    v2 = sign_v2(bsre, [pdf_with_text()], props)
    assert v2.status_code == 200, v2.text
    for signed in (v1.content, base64.b64decode(v2.json()["file"][0])):
        [(page, (x1, y1, x2, y2))] = signature_boxes(signed)
        assert page == 1
        assert 300 < x1 < 420 and y1 == 150.0  # after "Kepala Dinas ", on its baseline
        assert (round(x2 - x1), y2 - y1) == (80, 40.0)
    missing = sign_v1(bsre, pdf_with_text(), tampilan="visible", tag_koordinat="~", **size)
    assert missing.status_code == 400
    assert "tidak ditemukan" in missing.json()["error"]
