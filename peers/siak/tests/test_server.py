"""The local SIAK/Dukcapil server over real HTTP: the verification service's protocol, its
partner users, per-element matches and threshold, its faults; SIAK's print."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from peers.siak import DEV_PASSWORD, DEV_USER_ID, RunningServer
from peers.siak.tests.conftest import DECEASED, INACTIVE, SITI, control, http


def ask(server: RunningServer, **fields: Any) -> dict[str, Any]:
    body = {
        "USER_ID": DEV_USER_ID,
        "PASSWORD": DEV_PASSWORD,
        "IP_USER": "10.20.30.40",
        "TRESHOLD": "90",
        "NIK": SITI["nik"],
    } | fields
    response = http.post(server.verify_url, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def content(answer: dict[str, Any]) -> dict[str, Any]:
    return answer["content"][0]


def test_the_answer_is_a_page_with_one_content_and_the_quota_left(siak: RunningServer) -> None:
    answer = ask(siak, NAMA_LGKP="SITI RAHMAWATI")
    assert answer["numberOfElements"] == 1 and answer["totalElements"] == 1
    assert answer["lastPage"] is True and answer["firstPage"] is True
    assert answer["quotaLimiter"] == 9999
    assert content(answer) == {"NIK": "Sesuai", "NAMA_LGKP": "Sesuai (100)"}


def test_each_element_sent_is_answered_exact_ones_without_a_score(siak: RunningServer) -> None:
    answer = content(
        ask(
            siak,
            NAMA_LGKP="Siti Rahmawati",
            TMPT_LHR="Blambangan Umpu",
            TGL_LHR="15-01-1990",
            JENIS_KLMIN="Perempuan",
            NO_KK="1808010101200001",
            NAMA_LGKP_IBU="Aminah",
            ALAMAT="JL LINTAS SUMATERA NO 12",
        )
    )
    assert answer == {
        "NIK": "Sesuai",
        "NAMA_LGKP": "Sesuai (100)",
        "TMPT_LHR": "Sesuai (100)",
        "TGL_LHR": "Sesuai",
        "JENIS_KLMIN": "Sesuai",
        "NO_KK": "Sesuai",
        "NAMA_LGKP_IBU": "Sesuai (100)",
        "ALAMAT": "Sesuai (100)",
    }


def test_a_wrong_element_is_tidak_sesuai(siak: RunningServer) -> None:
    answer = content(
        ask(siak, NAMA_LGKP="Budi Santoso", TGL_LHR="16-01-1990", JENIS_KLMIN="Laki-laki")
    )
    assert answer["NAMA_LGKP"].startswith("Tidak Sesuai (")
    assert answer["TGL_LHR"] == "Tidak Sesuai"
    assert answer["JENIS_KLMIN"] == "Tidak Sesuai"


def test_the_threshold_decides_a_near_name(siak: RunningServer) -> None:
    near = "Siti Rahmawaty"
    strict = content(ask(siak, NAMA_LGKP=near, TRESHOLD="100"))["NAMA_LGKP"]
    lenient = content(ask(siak, NAMA_LGKP=near, TRESHOLD="80"))["NAMA_LGKP"]
    score = int(strict.split("(")[1].rstrip(")"))
    assert 80 <= score < 100
    assert strict == f"Tidak Sesuai ({score})"
    assert lenient == f"Sesuai ({score})"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"PASSWORD": "wrong"}, "03"),
        ({"USER_ID": "nobody"}, "03"),
        ({"PASSWORD": ""}, "09"),
        ({"IP_USER": "203.0.113.9"}, "04"),
        ({"TRESHOLD": ""}, "07"),
        ({"NIK": "12345"}, "08"),
        ({"NIK": "1808019999990001"}, "13"),
        ({"NIK": DECEASED["nik"]}, "11"),
        ({"NIK": INACTIVE["nik"]}, "14"),
    ],
)
def test_refusals_carry_a_response_code(
    siak: RunningServer, fields: dict[str, str], code: str
) -> None:
    answer = content(ask(siak, NAMA_LGKP="Siti", **fields))
    assert answer["RESPONSE_CODE"] == code
    assert answer["RESPONSE"]
    assert "NAMA_LGKP" not in answer


def test_an_inactive_user_and_an_other_users_ips(siak: RunningServer) -> None:
    control(
        siak,
        "users",
        {"user_id": "kab-a", "password": "pw-a", "allowed_ips": ["192.0.2.0/24"], "active": True},
    )
    assert content(ask(siak, USER_ID="kab-a", PASSWORD="pw-a", IP_USER="192.0.2.7"))["NIK"]
    refused = content(ask(siak, USER_ID="kab-a", PASSWORD="pw-a", IP_USER="10.0.0.1"))
    assert refused["RESPONSE_CODE"] == "04"
    control(siak, "users", {"user_id": "kab-a", "password": "pw-a", "active": False})
    assert content(ask(siak, USER_ID="kab-a", PASSWORD="pw-a"))["RESPONSE_CODE"] == "17"


def test_the_daily_quota_runs_out(siak: RunningServer) -> None:
    control(siak, "users", {"user_id": "kecil", "password": "pw", "quota": 2})
    first = ask(siak, USER_ID="kecil", PASSWORD="pw", NAMA_LGKP="Siti")
    second = ask(siak, USER_ID="kecil", PASSWORD="pw", NAMA_LGKP="Siti")
    third = ask(siak, USER_ID="kecil", PASSWORD="pw", NAMA_LGKP="Siti")
    assert (first["quotaLimiter"], second["quotaLimiter"]) == (1, 0)
    assert content(third)["RESPONSE_CODE"] == "05"


def test_faults_quota_and_ip_refused(siak: RunningServer) -> None:
    control(siak, "faults", {"quota_exhausted": True})
    assert content(ask(siak, NAMA_LGKP="Siti"))["RESPONSE_CODE"] == "05"
    control(siak, "faults", {"quota_exhausted": False, "ip_refused": True})
    assert content(ask(siak, NAMA_LGKP="Siti"))["RESPONSE_CODE"] == "10"
    control(siak, "faults", method="DELETE")
    assert content(ask(siak, NAMA_LGKP="Siti"))["NIK"] == "Sesuai"


def test_fault_down_drops_the_connection_and_error500(siak: RunningServer) -> None:
    control(siak, "faults", {"down": True})
    with pytest.raises(httpx.TransportError):
        http.post(siak.verify_url, json={"NIK": SITI["nik"]})
    control(siak, "faults", {"down": False, "error500": True})
    assert http.post(siak.verify_url, json={"NIK": SITI["nik"]}).status_code == 500


def test_fault_slow_trips_a_client_timeout(siak: RunningServer) -> None:
    control(siak, "faults", {"slow": 2})
    with pytest.raises(httpx.TimeoutException):
        httpx.post(siak.verify_url, json={"NIK": SITI["nik"]}, timeout=0.3)


def test_the_request_log_never_holds_the_password(siak: RunningServer) -> None:
    ask(siak, NAMA_LGKP="Siti", PASSWORD="rahasia-salah")
    ask(siak, NAMA_LGKP="Siti")
    log = control(siak, "requests", method="GET")["data"]
    assert [e["password_ok"] for e in log] == [False, True]
    assert log[1]["ip_user"] == "10.20.30.40" and log[1]["threshold"] == "90"
    assert log[1]["elements"] == ["NAMA_LGKP"]
    assert "rahasia-salah" not in str(log) and DEV_PASSWORD not in str(log)


def test_a_missing_residents_file_is_an_empty_register(tmp_path: Any) -> None:
    from peers.siak import load_residents

    assert load_residents(str(tmp_path / "absent.json")) == []
    seed = tmp_path / "seed.json"
    seed.write_text('{"residents": [{"nik": "1808015501900003", "name": "X"}]}')
    assert [r["nik"] for r in load_residents(str(seed))] == ["1808015501900003"]


# --- SIAK's print ---------------------------------------------------------------------------


def issue(server: RunningServer, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = http.post(f"{server.root_url}/_siak/api/{kind}", json=payload)
    assert response.status_code == 201, response.text
    return response.json()


BABY = {"region": "18.08", "name": "Bayu Pratama", "birth_date": "2026-11-30", "sex": "L"}


def test_akta_numbers_are_unique_per_region_and_in_the_format(siak: RunningServer) -> None:
    first = issue(siak, "akta-kelahiran", BABY | {"birth_place": "Way Kanan"})
    second = issue(siak, "akta-kelahiran", BABY | {"birth_place": "Way Kanan"})
    metro = issue(siak, "akta-kelahiran", BABY | {"region": "1872", "birth_place": "Metro"})
    death = issue(
        siak, "akta-kematian", {"region": "18.08", "name": "Karta", "died_on": "2026-12-01"}
    )
    assert first["number"].startswith("1808-LT-") and first["number"].endswith("-0001")
    assert second["number"].endswith("-0002") and first["number"] != second["number"]
    assert metro["number"].startswith("1872-LT-") and metro["number"].endswith("-0001")
    assert death["number"].startswith("1808-KM-") and death["number"].endswith("-0001")
    assert len(first["number"].split("-")[2]) == 8  # DDMMYYYY


def test_the_printed_pdf_is_signed_and_carries_the_number(siak: RunningServer) -> None:
    issued = issue(siak, "akta-kelahiran", BABY | {"birth_place": "Way Kanan"})
    response = http.get(issued["pdf_url"])
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert issued["number"] in text and "Bayu Pratama" in text
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    assert "Kepala Dinas" in signatures[0].signer_cert.subject.native["common_name"]
    verification = http.get(issued["verification_url"])
    assert issued["number"] in verification.text


def test_pdfsig_finds_the_signature_valid(siak: RunningServer, tmp_path: Any) -> None:
    issued = issue(
        siak,
        "nik",
        {"kecamatan": "18.08.01", "name": "Dewi", "birth_date": "2000-02-03", "sex": "P"},
    )
    path = tmp_path / "nik.pdf"
    path.write_bytes(http.get(issued["pdf_url"]).content)
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("pdfsig (poppler-utils) is not installed")
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in out.stdout


def test_kk_and_nik_are_issued_in_the_real_formats_and_become_verifiable(
    siak: RunningServer,
) -> None:
    kk = issue(
        siak,
        "kk",
        {
            "kecamatan": "18.08.01",
            "address": "Jl. Merdeka 1",
            "members": [
                {"name": "Andi Saputra", "birth_date": "1985-04-07", "sex": "L"},
                {"name": "Nur Hidayah", "birth_date": "1988-09-21", "sex": "P"},
            ],
        },
    )
    assert len(kk["number"]) == 16 and kk["number"].startswith("180801")
    head, wife = kk["data"]["members"]
    assert head["nik"] == "1808010704850001"
    assert wife["nik"] == "1808016109880001"  # women: day + 40
    again = issue(
        siak,
        "nik",
        {"kecamatan": "180801", "name": "Andi Lain", "birth_date": "1985-04-07", "sex": "L"},
    )
    assert again["number"] == "1808010704850002"
    answer = content(ask(siak, NIK=wife["nik"], NAMA_LGKP="Nur Hidayah", NO_KK=kk["number"]))
    assert answer == {"NIK": "Sesuai", "NAMA_LGKP": "Sesuai (100)", "NO_KK": "Sesuai"}
    listed = http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"]
    assert {d["number"] for d in listed} == {kk["number"], again["number"]}


def test_an_akta_entered_in_a_kecamatan_issues_the_newborns_nik(siak: RunningServer) -> None:
    girl = BABY | {"region": "18.08.01", "name": "Putri Ayu", "sex": "P", "birth_place": "X"}
    first = issue(siak, "akta-kelahiran", girl | {"mother_name": "Nur Hidayah"})
    second = issue(siak, "akta-kelahiran", BABY | {"region": "18.08.01", "birth_place": "X"})
    assert first["number"].startswith("1808-LT-") and second["number"].endswith("-0002")
    assert first["data"]["nik"] == "1808017011260001"  # day + 40: a girl
    assert second["data"]["nik"] == "1808013011260001"
    answer = content(ask(siak, NIK=first["data"]["nik"], NAMA_LGKP_IBU="Nur Hidayah"))
    assert answer == {"NIK": "Sesuai", "NAMA_LGKP_IBU": "Sesuai (100)"}
    given = issue(siak, "akta-kelahiran", girl | {"nik": "1808017011260001"})
    assert given["data"]["nik"] == "1808017011260001"
    kab = issue(siak, "akta-kelahiran", BABY | {"birth_place": "X"})
    assert kab["data"]["nik"] == ""


@pytest.mark.parametrize(
    "payload",
    [
        BABY | {"region": "18.08.0", "birth_place": "X"},
        BABY | {"birth_date": "30-11-2026", "birth_place": "X"},
        BABY | {"sex": "X", "birth_place": "X"},
        {"region": "1808"},
    ],
)
def test_bad_print_requests_are_refused_in_bahasa(
    siak: RunningServer, payload: dict[str, Any]
) -> None:
    response = http.post(f"{siak.root_url}/_siak/api/akta-kelahiran", json=payload)
    assert response.status_code == 400
    assert response.json()["error"]


def test_the_siak_page_enters_a_document_by_hand(siak: RunningServer) -> None:
    form = {
        "kind": "akta-kelahiran",
        "region": "18.08",
        "name": "Putri",
        "birth_date": "2026-10-01",
        "sex": "P",
        "birth_place": "Baradatu",
    }
    page = http.post(f"{siak.root_url}/_siak/", data=form)
    assert page.status_code == 200
    assert "1808-LT-" in page.text and "Unduh PDF" in page.text
