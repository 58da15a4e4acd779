"""The local SIAK/Dukcapil server on a free port, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from peers.siak import RunningServer, start_server

SITI = {
    "nik": "1808015501900003",
    "name": "Siti Rahmawati",
    "birth_place": "Blambangan Umpu",
    "birth_date": "1990-01-15",
    "sex": "P",
    "no_kk": "1808010101200001",
    "address": "Jl. Lintas Sumatera No. 12",
    "rt": "002",
    "rw": "001",
    "mother_name": "Aminah",
    "status": "alive",
}
DECEASED = SITI | {"nik": "1808011203550001", "name": "Karta", "sex": "L", "status": "dead"}
INACTIVE = SITI | {"nik": "1808015203880002", "name": "Rina", "status": "inactive"}
RESIDENTS = [SITI, DECEASED, INACTIVE]

http = httpx.Client(timeout=10)


@pytest.fixture(scope="session")
def siak_server() -> Iterator[RunningServer]:
    server = start_server(port=0, residents=RESIDENTS)
    yield server
    server.stop()


@pytest.fixture
def siak(siak_server: RunningServer) -> RunningServer:
    control(siak_server, "reset")
    return siak_server


def control(server: RunningServer, name: str, payload: Any = None, method: str = "POST") -> Any:
    """Call a control endpoint; fails the test on an error status."""
    response = http.request(method, server.control(name), json=payload)
    assert response.status_code == 200, response.text
    return response.json()
