"""Identity checks through the port: the office's own register (standalone) and Dukcapil's
verification web service (webservice), the latter over real HTTP against the local SIAK/Dukcapil
server; each fault met with its message and nothing recorded; the audit; S2c's registry.check
step in webservice mode."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.urls import reverse

from alur.audit.models import AuditEvent
from alur.core.errors import DomainError
from alur.documents.choices import CARDS
from alur.documents.tests.drivers import stock_up
from alur.documents.tests.entry import BIRTH, person
from alur.registry import identity
from alur.registry.choices import ResidentStatus
from alur.registry.identity import (
    ACTION,
    MSG_UNREACHABLE,
    IdentityQuery,
    IdentityUnavailable,
    identity_check,
    last_check,
)
from alur.registry.models import Resident
from alur.workflow import services
from alur.workflow.choices import Outcome
from alur.workflow.tests.drive import active, run_until_step, start
from peers.siak import DEV_PASSWORD, RunningServer, load_residents, start_server
from peers.siak.tests.conftest import control

IP = "10.8.1.23"


@pytest.fixture(scope="module")
def siak_module() -> Iterator[RunningServer]:
    server = start_server(port=0)
    yield server
    server.stop()


@pytest.fixture
def ws(siak_module: RunningServer, settings: Any) -> RunningServer:
    """The webservice backend pointed at a clean local server."""
    control(siak_module, "reset")
    settings.IDENTITY_BACKEND = "webservice"
    settings.DUKCAPIL_WS_URL = siak_module.verify_url
    settings.DUKCAPIL_WS_USER = "disdukcapil-demo"
    settings.DUKCAPIL_WS_PASSWORD = DEV_PASSWORD
    settings.DUKCAPIL_WS_THRESHOLD = 90
    settings.DUKCAPIL_WS_TIMEOUT_SECONDS = 1
    return siak_module


def known(server: RunningServer, resident: Resident, **changes: Any) -> None:
    """The national database knows `resident` (as the export writes them)."""
    row = {
        "nik": resident.nik,
        "name": resident.name,
        "birth_place": resident.birth_place,
        "birth_date": resident.birth_date.isoformat(),
        "sex": resident.sex,
        "address": resident.address,
        "mother_name": resident.mother_name,
        "status": "alive",
    } | changes
    control(server, "residents", [row])


def query_for(resident: Resident, **changes: Any) -> IdentityQuery:
    values = {
        "nik": resident.nik,
        "name": resident.name,
        "birth_place": resident.birth_place,
        "birth_date": resident.birth_date,
        "sex": resident.sex,
    } | changes
    return IdentityQuery(**values)


@pytest.fixture
def resident(office: Any, persona: Any) -> Resident:
    return person(office("18.08"), persona("waykanan.operator"), "Rahmat Hidayat")


# --- standalone -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_standalone_compares_each_element_with_the_register(resident: Resident) -> None:
    result = identity.check(resident.office, query_for(resident), ip=IP)
    assert result.backend == "standalone" and result.ok
    assert [(m.key, m.text) for m in result.matches] == [
        ("NAMA_LGKP", "Sesuai (100)"),
        ("TMPT_LHR", "Sesuai (100)"),
        ("TGL_LHR", "Sesuai"),
        ("JENIS_KLMIN", "Sesuai"),
    ]
    wrong = identity.check(
        resident.office, query_for(resident, name="Budi Santoso", sex="P"), ip=IP
    )
    assert wrong.status == "mismatch" and not wrong.ok
    texts = {m.key: m.text for m in wrong.matches}
    assert (
        texts["NAMA_LGKP"].startswith("Tidak sesuai (") and texts["JENIS_KLMIN"] == "Tidak sesuai"
    )
    assert (
        wrong.message == "Tidak sesuai dengan database kependudukan: Nama lengkap, Jenis kelamin."
    )


@pytest.mark.django_db
def test_standalone_unknown_and_deceased(resident: Resident) -> None:
    unknown = identity.check(resident.office, query_for(resident, nik="1808019999990001"), ip=IP)
    assert unknown.status == "not_found" and "tidak ditemukan" in unknown.message
    Resident.objects.filter(pk=resident.pk).update(
        status=ResidentStatus.DEAD, died_on=BIRTH.replace(year=2025)
    )
    assert identity.check(resident.office, query_for(resident), ip=IP).status == "deceased"


@pytest.mark.django_db
def test_a_bad_nik_or_nothing_to_compare_is_refused_before_asking(resident: Resident) -> None:
    with pytest.raises(DomainError, match="16 angka"):
        identity.check(resident.office, IdentityQuery(nik="1808", name="X"), ip=IP)
    with pytest.raises(DomainError, match="minimal satu elemen"):
        identity.check(resident.office, IdentityQuery(nik=resident.nik), ip=IP)


# --- webservice -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_webservice_sends_the_protocol_and_reads_each_element(
    ws: RunningServer, resident: Resident, caplog: Any
) -> None:
    known(ws, resident, no_kk="1808010101200001", mother_name="Aminah")
    caplog.set_level(logging.DEBUG)
    result = identity.check(
        resident.office, query_for(resident, no_kk="1808010101200001", mother_name="Aminah"), ip=IP
    )
    assert result.backend == "webservice" and result.ok and result.threshold == 90
    assert {m.key: m.text for m in result.matches} == {
        "NAMA_LGKP": "Sesuai (100)",
        "TMPT_LHR": "Sesuai (100)",
        "TGL_LHR": "Sesuai",
        "JENIS_KLMIN": "Sesuai",
        "NO_KK": "Sesuai",
        "NAMA_LGKP_IBU": "Sesuai (100)",
    }
    seen = control(ws, "requests", method="GET")["data"][-1]
    assert seen["ip_user"] == IP and seen["threshold"] == "90" and seen["password_ok"]
    assert seen["nik"] == resident.nik
    assert set(seen["elements"]) == {
        "NAMA_LGKP",
        "TMPT_LHR",
        "TGL_LHR",
        "JENIS_KLMIN",
        "NO_KK",
        "NAMA_LGKP_IBU",
    }
    assert DEV_PASSWORD not in caplog.text


@pytest.mark.django_db
def test_webservice_threshold_comes_from_settings(
    ws: RunningServer, resident: Resident, settings: Any
) -> None:
    known(ws, resident)
    near = query_for(resident, name="Rahmat Hidayah")
    settings.DUKCAPIL_WS_THRESHOLD = 100
    strict = identity.check(resident.office, near, ip=IP)
    settings.DUKCAPIL_WS_THRESHOLD = 80
    lenient = identity.check(resident.office, near, ip=IP)
    assert strict.status == "mismatch" and lenient.ok
    assert strict.matches[0].score == lenient.matches[0].score
    assert 80 <= (lenient.matches[0].score or 0) < 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected", "words"),
    [
        (None, "not_found", "tidak ditemukan"),
        ("dead", "deceased", "meninggal"),
        ("inactive", "inactive", "tidak aktif"),
    ],
)
def test_webservice_not_found_deceased_inactive(
    ws: RunningServer, resident: Resident, status: str | None, expected: str, words: str
) -> None:
    if status:
        known(ws, resident, status=status)
    result = identity.check(resident.office, query_for(resident), ip=IP)
    assert result.status == expected and not result.ok
    assert words in result.message and resident.nik in result.message


def _fault_down(server: RunningServer, settings: Any) -> None:
    control(server, "faults", {"down": True})


def _fault_slow(server: RunningServer, settings: Any) -> None:
    control(server, "faults", {"slow": 3})


def _fault_500(server: RunningServer, settings: Any) -> None:
    control(server, "faults", {"error500": True})


def _fault_closed(server: RunningServer, settings: Any) -> None:
    settings.DUKCAPIL_WS_URL = "http://127.0.0.1:9/dukcapil/get_json/X/CALL_VERIFY_BY_ELEMEN"


def _fault_quota(server: RunningServer, settings: Any) -> None:
    control(server, "faults", {"quota_exhausted": True})


def _fault_ip(server: RunningServer, settings: Any) -> None:
    control(server, "faults", {"ip_refused": True})


def _fault_password(server: RunningServer, settings: Any) -> None:
    settings.DUKCAPIL_WS_PASSWORD = "bukan-password"


def _fault_user_inactive(server: RunningServer, settings: Any) -> None:
    control(
        server, "users", {"user_id": "disdukcapil-demo", "password": DEV_PASSWORD, "active": False}
    )


def _fault_ip_user(server: RunningServer, settings: Any) -> None:
    control(
        server,
        "users",
        {"user_id": "disdukcapil-demo", "password": DEV_PASSWORD, "allowed_ips": ["192.0.2.0/24"]},
    )


def _fault_unconfigured(server: RunningServer, settings: Any) -> None:
    settings.DUKCAPIL_WS_USER = ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        (_fault_down, "unavailable", MSG_UNREACHABLE),
        (_fault_slow, "unavailable", MSG_UNREACHABLE),
        (_fault_500, "unavailable", MSG_UNREACHABLE),
        (_fault_closed, "unavailable", MSG_UNREACHABLE),
        (_fault_quota, "quota", "Kuota verifikasi Dukcapil"),
        (_fault_ip, "ip_refused", "IP server Alur tidak terdaftar"),
        (_fault_password, "login", "user ID atau password salah"),
        (_fault_user_inactive, "user_inactive", "tidak aktif"),
        (_fault_ip_user, "ip_user", f"({IP}) tidak terdaftar"),
        (_fault_unconfigured, "not_configured", "belum diatur"),
    ],
)
def test_each_fault_has_its_message_and_records_nothing(
    ws: RunningServer,
    resident: Resident,
    settings: Any,
    persona: Any,
    fault: Any,
    code: str,
    words: str,
    caplog: Any,
) -> None:
    known(ws, resident)
    fault(ws, settings)
    case = start("S2c")
    before = AuditEvent.objects.filter(action=ACTION).count()
    with pytest.raises(IdentityUnavailable) as raised:
        identity_check(
            office=resident.office,
            obj=case,
            actor=persona("waykanan.operator"),
            query=query_for(resident),
            ip=IP,
        )
    assert raised.value.code == code
    assert words in raised.value.message
    assert DEV_PASSWORD not in raised.value.message and DEV_PASSWORD not in caplog.text
    assert AuditEvent.objects.filter(action=ACTION).count() == before
    assert last_check(case) is None


@pytest.mark.django_db
def test_a_check_is_audited_without_the_data_compared(
    ws: RunningServer, resident: Resident, persona: Any
) -> None:
    known(ws, resident)
    case = start("S2c")
    operator = persona("waykanan.operator")
    identity_check(
        office=resident.office,
        obj=case,
        actor=operator,
        query=query_for(resident, birth_place="Bandung"),
        ip=IP,
    )
    event = AuditEvent.objects.get(action=ACTION)
    assert event.actor == operator and event.office == resident.office
    assert event.object_id == str(case.pk)
    assert event.after["nik"] == resident.nik
    assert event.after["backend"] == "webservice" and event.after["status"] == "mismatch"
    assert event.after["elements"]["TGL_LHR"] == "Sesuai"
    assert event.after["elements"]["TMPT_LHR"].startswith("Tidak sesuai (")
    recorded = str(event.after) + str(event.before) + event.reason
    assert resident.name not in recorded and "Bandung" not in recorded and "Metro" not in recorded
    shown = last_check(case)
    assert shown is not None and shown.actor_label == operator.get_full_name()
    assert [m.label for m in shown.matches if not m.matched] == ["Tempat lahir"]


# --- S2c's registry.check step in webservice mode ---------------------------------------------


@pytest.mark.django_db
def test_registry_check_step_needs_a_matching_dukcapil_check(
    ws: RunningServer, persona: Any, client: Any
) -> None:
    case = start("S2c")
    operator = persona("waykanan.operator")
    owner = person(case.office, operator, "Dewi Lestari", sex="P", biometrics=True)
    known(ws, owner)
    stock_up(case.office, CARDS["ktp_el"])
    check = run_until_step(case, 2)
    printing = {"nik": owner.nik, "reason": "hilang", "serials": {"ktp_el": "KTP-UJI-9"}}
    with pytest.raises(DomainError, match="Cocokkan dulu data NIK"):
        services.task_complete(task=check, actor=operator, outcome=Outcome.DONE, data=printing)

    client.force_login(operator)
    url = reverse("documents:identity_check", args=[case.reference])
    typed = {"nik": owner.nik, "name": "Dewi Lestari", "birth_date": "1990-05-17", "sex": "L"}
    page = client.post(url, typed, follow=True)
    assert page.status_code == 200
    result = last_check(case)
    assert result is not None and result.status == "mismatch"
    assert "Tidak sesuai dengan database kependudukan: Jenis kelamin." in page.text
    assert '<span class="badge">Tidak sesuai</span>' in page.text
    with pytest.raises(DomainError, match="belum terverifikasi Dukcapil"):
        services.task_complete(task=check, actor=operator, outcome=Outcome.DONE, data=printing)

    control(ws, "faults", {"down": True})
    page = client.post(url, typed | {"sex": "P"}, follow=True)
    assert MSG_UNREACHABLE in page.text
    assert AuditEvent.objects.filter(action=ACTION).count() == 1
    control(ws, "faults", method="DELETE")

    page = client.post(url, typed | {"sex": "P", "birth_place": "Metro"}, follow=True)
    assert "Semua elemen data sesuai" in page.text and "Sesuai (100)" in page.text
    services.task_complete(task=check, actor=operator, outcome=Outcome.DONE, data=printing)
    assert [t.step for t in active(case)] == [3]


@pytest.mark.django_db
def test_standalone_mode_keeps_the_registers_lookup(persona: Any) -> None:
    case = start("S2c")
    operator = persona("waykanan.operator")
    owner = person(case.office, operator, "Joko Pratama", biometrics=True)
    stock_up(case.office, CARDS["ktp_el"])
    check = run_until_step(case, 2)
    printing = {"nik": owner.nik, "reason": "rusak", "serials": {"ktp_el": "KTP-UJI-10"}}
    services.task_complete(task=check, actor=operator, outcome=Outcome.DONE, data=printing)
    assert [t.step for t in active(case)] == [3]


@pytest.mark.django_db
def test_the_check_is_only_for_the_handling_staff(
    ws: RunningServer, persona: Any, client: Any
) -> None:
    case = start("S2c")
    client.force_login(persona("metro.operator"))
    url = reverse("documents:identity_check", args=[case.reference])
    response = client.post(url, {"nik": "1808015701900001", "name": "X"})
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=ACTION).exists()


@pytest.mark.django_db
def test_the_export_is_the_local_servers_seed(resident: Resident, tmp_path: Any) -> None:
    path = tmp_path / "siak_residents.json"
    call_command("siak_export_residents", output=str(path), verbosity=0)
    rows = load_residents(str(path))
    [row] = [r for r in rows if r["nik"] == resident.nik]
    assert row["birth_date"] == resident.birth_date.isoformat() and row["status"] == "alive"
    with start_server(port=0, residents=rows) as server:
        body = {
            "USER_ID": "disdukcapil-demo",
            "PASSWORD": DEV_PASSWORD,
            "IP_USER": IP,
            "TRESHOLD": "90",
            "NIK": resident.nik,
            "NAMA_LGKP": resident.name,
            "TGL_LHR": resident.birth_date.strftime("%d-%m-%Y"),
        }
        content = httpx.post(server.verify_url, json=body, timeout=5).json()["content"][0]
    assert content == {"NIK": "Sesuai", "NAMA_LGKP": "Sesuai (100)", "TGL_LHR": "Sesuai"}
