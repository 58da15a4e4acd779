"""The local SIAK/Dukcapil server over real HTTP: the verification service's protocol, its
partner users, per-element matches and threshold, its faults; SIAK's print."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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


def test_pdfsig_finds_the_signature_valid(
    siak: RunningServer, tmp_path: Any, poppler: Callable[[str], str]
) -> None:
    issued = issue(
        siak,
        "nik",
        {"kecamatan": "18.08.01", "name": "Dewi", "birth_date": "2000-02-03", "sex": "P"},
    )
    path = tmp_path / "nik.pdf"
    path.write_bytes(http.get(issued["pdf_url"]).content)
    out = subprocess.run(
        [poppler("pdfsig"), str(path)], capture_output=True, text=True, check=False
    )
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


FAMILY = {
    "kecamatan": "18.08.01",
    "address": "Jl. Merdeka 1, RT 002 RW 001",
    "members": [
        {
            "name": "Andi Saputra",
            "birth_date": "1985-04-07",
            "sex": "L",
            "birth_place": "Blambangan Umpu",
        },
        {
            "name": "Nur Hidayah",
            "birth_date": "1988-09-21",
            "sex": "P",
            "birth_place": "Baradatu",
            "relation": "Istri",
        },
        {
            "name": "Bima Saputra",
            "birth_date": "2015-02-03",
            "sex": "L",
            "birth_place": "Way Kanan",
            "relation": "anak",
            "nik": "1808010302150007",
        },
    ],
}


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_kk_of_head_wife_and_child_prints_every_member_in_a_table(siak: RunningServer) -> None:
    kk = issue(siak, "kk", FAMILY)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    assert kk["number"] == f"180801{today:%d%m%y}0001"
    assert kk["data"]["issued_on"] == today.isoformat()
    head, wife, child = kk["data"]["members"]
    assert (head["nik"], head["relation"], head["nik_issued"]) == (
        "1808010704850001",
        "Kepala Keluarga",
        True,
    )
    assert (wife["nik"], wife["relation"], wife["nik_issued"]) == (
        "1808016109880001",
        "Istri",
        True,
    )
    assert (child["nik"], child["relation"], child["nik_issued"]) == (
        "1808010302150007",
        "Anak",
        False,
    )
    pdf = http.get(kk["pdf_url"]).content
    text = pdf_text(pdf)
    assert "KARTU KELUARGA" in text and kk["number"] in text
    births = ("07-04-1985", "21-09-1988", "03-02-2015")
    for person, born in zip((head, wife, child), births, strict=True):
        assert person["name"] in text and person["nik"] in text and born in text
    for word in ("Kepala Keluarga", "Istri", "Anak", "Laki-laki", "Perempuan", "Baradatu"):
        assert word in text
    assert f"{today:%d-%m-%Y}" in text  # Tanggal dikeluarkan
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert "Kepala Dinas" in signature.signer_cert.subject.native["common_name"]
    answer = content(ask(siak, NIK=child["nik"], NAMA_LGKP="Bima Saputra", NO_KK=kk["number"]))
    assert answer == {"NIK": "Sesuai", "NAMA_LGKP": "Sesuai (100)", "NO_KK": "Sesuai"}


def test_a_long_family_goes_on_to_a_second_page(siak: RunningServer) -> None:
    children = [
        {
            "name": f"Anak {i} Muhammad Abdurrahman Wahid Alfarisi Saputra Bin Andi",
            "birth_date": "2016-02-03",
            "sex": "P",
            "relation": "Anak",
        }
        for i in range(1, 18)
    ]
    kk = issue(siak, "kk", FAMILY | {"members": FAMILY["members"] + children})
    pages = PdfReader(io.BytesIO(http.get(kk["pdf_url"]).content)).pages
    assert len(pages) == 2
    assert "(lanjutan)" in pages[1].extract_text()
    last = kk["data"]["members"][-1]
    assert len(kk["data"]["members"]) == 20 and last["nik"] in pages[1].extract_text()


def test_a_single_head_still_makes_a_kk(siak: RunningServer) -> None:
    head = {"name": "Andi Saputra", "birth_date": "1985-04-07", "sex": "L"}
    listed = issue(siak, "kk", {"kecamatan": "180801", "address": "Jl. A", "members": [head]})
    flat = issue(siak, "kk", {"kecamatan": "180801", "address": "Jl. B"} | head)
    for kk in (listed, flat):
        (member,) = kk["data"]["members"]
        assert member["name"] == "Andi Saputra" and member["relation"] == "Kepala Keluarga"
        assert "Andi Saputra" in pdf_text(http.get(kk["pdf_url"]).content)
    assert listed["number"].endswith("0001") and flat["number"].endswith("0002")


def test_a_nik_given_in_the_family_is_not_issued_again(siak: RunningServer) -> None:
    twin = {"birth_date": "2015-02-03", "sex": "L", "relation": "Anak"}
    members = [
        FAMILY["members"][0],
        twin | {"name": "Bayu Saputra"},  # no NIK: SIAK issues one
        twin | {"name": "Bima Saputra", "nik": "1808010302150001"},  # what it would issue
    ]
    kk = issue(siak, "kk", FAMILY | {"members": members})
    _head, bayu, bima = kk["data"]["members"]
    assert bima["nik"] == "1808010302150001" and bayu["nik"] == "1808010302150002"
    answer = content(ask(siak, NIK=bayu["nik"], NAMA_LGKP="Bayu Saputra"))
    assert answer["NAMA_LGKP"] == "Sesuai (100)"


def test_a_refused_member_leaves_no_trace(siak: RunningServer) -> None:
    bad = [dict(m) for m in FAMILY["members"]]
    bad[2]["birth_date"] = "31-02-2015"
    response = http.post(f"{siak.root_url}/_siak/api/kk", json=FAMILY | {"members": bad})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "Anggota ke-3 (Bima Saputra): Tanggal lahir harus tanggal (YYYY-MM-DD)."
    )
    assert http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"] == []
    assert content(ask(siak, NIK="1808016109880001"))["RESPONSE_CODE"] == "13"  # not entered
    kk = issue(siak, "kk", FAMILY)  # no number was used up
    assert kk["number"].endswith("0001")
    assert kk["data"]["members"][1]["nik"] == "1808016109880001"


def member(**changes: Any) -> dict[str, Any]:
    return {"name": "Nur Hidayah", "birth_date": "1988-09-21", "sex": "P"} | changes


@pytest.mark.parametrize(
    ("members", "error"),
    [
        ([member(relation="Anak")], "Kepala keluarga (Nur Hidayah): hubungan anggota pertama"),
        ([member(), member(relation="Kepala keluarga")], "Kepala Keluarga hanya satu"),
        ([member(), member(relation="Sepupu")], "harus salah satu dari: Kepala Keluarga, Suami"),
        ([member(), member(birth_date="2999-01-01")], "Anggota ke-2 (Nur Hidayah): Tanggal lahir"),
        ([member(), member(nik="18080161098800")], "Anggota ke-2 (Nur Hidayah): NIK harus 16"),
        ([member(), member(name="")], "Anggota ke-2: Nama wajib diisi."),
        ([member(), member(sex="")], "Anggota ke-2 (Nur Hidayah): Jenis kelamin"),
        (
            [member(nik=DECEASED["nik"])],
            f"Kepala keluarga (Nur Hidayah): NIK {DECEASED['nik']} tercatat meninggal dunia.",
        ),
        (
            [member(nik=SITI["nik"]), member(nik=SITI["nik"], relation="Anak")],
            "Anggota ke-2 (Nur Hidayah): NIK 1808015501900003 sama dengan Kepala keluarga",
        ),
        ([member()] * 21, "1 sampai 20 orang"),
        ([], "1 sampai 20 orang"),
        (["Nur"], "harus objek JSON"),
    ],
)
def test_bad_kk_members_are_refused_in_bahasa(
    siak: RunningServer, members: list[Any], error: str
) -> None:
    response = http.post(
        f"{siak.root_url}/_siak/api/kk",
        json={"kecamatan": "18.08.01", "address": "Jl. A", "members": members},
    )
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"] == []


def kk_form(*rows: dict[str, str], **more: str) -> dict[str, str]:
    """The KK page's fields: kecamatan, address and one row per member."""
    form = {"kecamatan": "18.08.01", "address": FAMILY["address"], "rows": str(len(rows))}
    for i, row in enumerate(rows):
        form |= {f"m{i}_{key}": value for key, value in row.items()}
    return form | more


HEAD_ROW = {
    "name": "Andi Saputra",
    "sex": "L",
    "birth_place": "Blambangan Umpu",
    "birth_date": "1985-04-07",
}
WIFE_ROW = {
    "name": "Nur Hidayah",
    "sex": "P",
    "birth_place": "Baradatu",
    "birth_date": "1988-09-21",
    "relation": "Istri",
}
CHILD_ROW = {
    "name": "Bima Saputra",
    "nik": "1808010302150007",
    "sex": "L",
    "birth_place": "Way Kanan",
    "birth_date": "2015-02-03",
    "relation": "Anak",
}


def test_the_kk_page_adds_member_rows_keeping_what_was_typed(siak: RunningServer) -> None:
    page = http.get(f"{siak.root_url}/_siak/kk").text
    assert "<legend>Kepala keluarga</legend>" in page and "m1_name" not in page
    assert "Tambah anggota" in page
    added = http.post(f"{siak.root_url}/_siak/kk", data=kk_form(HEAD_ROW, do="tambah")).text
    assert 'name="rows" value="2"' in added and "<legend>Anggota ke-2</legend>" in added
    assert 'name="m0_name" autocomplete="off" value="Andi Saputra"' in added
    assert 'value="1985-04-07"' in added and 'value="18.08.01"' in added
    assert "m2_name" not in added and "role='alert'" not in added
    assert http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"] == []


def test_the_kk_page_refuses_a_bad_date_in_bahasa_and_keeps_everything(
    siak: RunningServer,
) -> None:
    child = CHILD_ROW | {"birth_date": "2015-02-31"}
    blank = {"name": "", "sex": "L", "birth_date": "", "relation": ""}
    form = kk_form(HEAD_ROW, WIFE_ROW, blank, child, do="simpan")
    page = http.post(f"{siak.root_url}/_siak/kk", data=form)
    assert page.status_code == 200
    alert = "Anggota ke-3 (Bima Saputra): Tanggal lahir harus tanggal (YYYY-MM-DD)."
    assert f"<p class='error' role='alert'>{alert}</p>" in page.text
    assert "<fieldset class='member bad'><legend>Anggota ke-3</legend>" in page.text
    # The empty row was dropped; everything typed is there, the child now in the third row.
    assert 'name="rows" value="3"' in page.text
    for i, row in enumerate((HEAD_ROW, WIFE_ROW, child)):
        for key in ("name", "nik", "birth_place", "birth_date"):
            if key in row:
                assert f'name="m{i}_{key}"' in page.text
                assert f'value="{row[key]}"' in page.text.split(f'name="m{i}_{key}"')[1][:80]
    assert "<option value='Istri' selected>" in page.text
    assert "<option value='Anak' selected>" in page.text
    assert "<option value='P' selected>Perempuan" in page.text
    assert 'value="18.08.01"' in page.text and f'value="{FAMILY["address"]}"' in page.text
    assert http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"] == []

    no_relation = kk_form(HEAD_ROW, WIFE_ROW | {"relation": ""}, CHILD_ROW, do="simpan")
    page = http.post(f"{siak.root_url}/_siak/kk", data=no_relation)
    assert "Anggota ke-2 (Nur Hidayah): hubungan dalam keluarga wajib dipilih." in page.text

    done = http.post(f"{siak.root_url}/_siak/kk", data=kk_form(HEAD_ROW, WIFE_ROW, CHILD_ROW))
    assert "SIAK menerbitkan No. KK" in done.text
    (kk,) = http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"]
    assert [m["relation"] for m in kk["data"]["members"]] == ["Kepala Keluarga", "Istri", "Anak"]
    for m in kk["data"]["members"]:
        assert m["nik"] in done.text and m["name"] in done.text
    assert 'name="rows" value="1"' in done.text and 'value="Andi Saputra"' not in done.text


def test_the_siak_page_keeps_what_was_typed_when_refused(siak: RunningServer) -> None:
    form = {
        "kind": "akta-kelahiran",
        "region": "18.08.0",
        "name": "Putri",
        "birth_date": "2026-10-01",
        "sex": "P",
        "birth_place": "Baradatu",
    }
    page = http.post(f"{siak.root_url}/_siak/", data=form)
    assert "role='alert'>Kode wilayah" in page.text
    for value in ("18.08.0", "Putri", "2026-10-01", "Baradatu"):
        assert f'value="{value}"' in page.text
    assert "<option value='P' selected>" in page.text
    assert "<option value='akta-kelahiran' selected>" in page.text


def test_the_old_one_member_kk_form_still_works(siak: RunningServer) -> None:
    form = {"kind": "kk", "region": "18.08.01", "address": "Jl. A"} | HEAD_ROW
    page = http.post(f"{siak.root_url}/_siak/", data=form)
    assert "SIAK menerbitkan nomor <strong>180801" in page.text
    (kk,) = http.get(f"{siak.root_url}/_siak/api/dokumen").json()["data"]
    assert [m["name"] for m in kk["data"]["members"]] == ["Andi Saputra"]


def test_the_kk_page_stops_at_twenty_members_and_takes_odd_forms(siak: RunningServer) -> None:
    full = kk_form(*[HEAD_ROW] * 20, do="tambah")
    page = http.post(f"{siak.root_url}/_siak/kk", data=full)
    assert "role='alert'>Satu KK paling banyak 20 anggota.</p>" in page.text
    assert 'name="rows" value="20"' in page.text and "m19_name" in page.text
    for odd in ({"rows": "banyak", "do": "tambah"}, {"rows": "-3"}, {}):
        page = http.post(f"{siak.root_url}/_siak/kk", data=odd)
        assert page.status_code == 200
    assert "role='alert'>Kode kecamatan harus 6 angka" in page.text


def test_the_root_leads_to_siak_s_page(siak: RunningServer) -> None:
    page = http.get(siak.root_url + "/", follow_redirects=True)
    assert page.status_code == 200 and str(page.url).endswith("/_siak/")
    assert "Entri Kartu Keluarga (KK)" in page.text
