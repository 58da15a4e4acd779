"""The rate limits of the citizen pages and the login hold for every process and behind a proxy.

Each test runs twice: on the database (the embedded default) and on Redis (REDIS_URL), where a
Redis that does not answer skips it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from alur.core import ratelimit
from alur.core.models import RateCount
from alur.org.demo import DEMO_PASSWORD

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
PROXY = "10.20.0.7"
TRACKING_LIMIT = 10  # alur.core.web.TRACKING_LIMIT


@pytest.fixture(params=["database", "redis"])
def store(
    request: pytest.FixtureRequest, db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "database":
        with override_settings(REDIS_URL=None):
            yield "database"
        return
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis di 127.0.0.1:6379 tidak menjawab")
    prefix = f"alur:uji:{uuid.uuid4().hex}:"
    monkeypatch.setattr(ratelimit, "KEY_PREFIX", prefix)
    with override_settings(REDIS_URL=REDIS_TEST_URL):
        yield "redis"
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def _forget_process_memory() -> None:
    """What a second web process starts with: an empty local cache and new store clients."""
    cache.clear()
    ratelimit._redis_store.cache_clear()


def lookup(client: Client, **meta: str):
    return client.post("/lacak/", {"reference": "S2E-1808-260105-XXXXXX", "last4": "1234"}, **meta)


def login(client: Client, username: str, password: str, **meta: str):
    return client.post("/masuk/", {"username": username, "password": password}, **meta)


def test_the_count_is_shared_by_every_process(store: str) -> None:
    client = Client()
    for _ in range(TRACKING_LIMIT):
        assert lookup(client, REMOTE_ADDR="203.0.113.5").status_code == 200
        _forget_process_memory()  # each request served by another worker
    refused = lookup(Client(), REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan" in refused.content.decode()
    if store == "database":
        row = RateCount.objects.get(name__endswith="intake:tracking:203.0.113.5")
        assert row.hits == TRACKING_LIMIT + 1


def test_two_store_clients_count_together(store: str) -> None:
    first = (
        ratelimit.DatabaseStore() if store == "database" else ratelimit.RedisStore(REDIS_TEST_URL)
    )
    second = (
        ratelimit.DatabaseStore() if store == "database" else ratelimit.RedisStore(REDIS_TEST_URL)
    )
    key = f"{ratelimit.KEY_PREFIX}uji:198.51.100.1"
    assert [first.hit(key, 60), second.hit(key, 60), first.hit(key, 60)] == [1, 2, 3]


@override_settings(ALUR_TRUSTED_PROXIES=["10.20.0.0/24"])
def test_clients_behind_a_trusted_proxy_have_their_own_budget(store: str) -> None:
    client = Client()
    for _ in range(TRACKING_LIMIT):
        answer = lookup(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert answer.status_code == 200
    assert lookup(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Another citizen behind the same proxy still has the whole budget, whatever the first one
    # writes at the left of X-Forwarded-For.
    neighbour = lookup(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert neighbour.status_code == 200
    spoofed = lookup(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert spoofed.status_code == 429


@override_settings(ALUR_TRUSTED_PROXIES=["10.20.0.0/24"])
def test_x_forwarded_for_from_an_untrusted_address_is_ignored(store: str) -> None:
    client = Client()
    for number in range(TRACKING_LIMIT):
        forged = f"198.51.100.{number + 1}"
        assert (
            lookup(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forged).status_code
            == 200
        )
    refused = lookup(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        ([], "10.20.0.7", "198.51.100.7", "10.20.0.7"),  # no proxy trusted: header ignored
        (["10.20.0.0/24"], "203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not from a proxy
        (["10.20.0.0/24"], "10.20.0.7", "198.51.100.7", "198.51.100.7"),
        (["10.20.0.0/24"], "10.20.0.7", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (["10.20.0.0/24", "10.30.0.1"], "10.20.0.7", "198.51.100.7, 10.30.0.1", "198.51.100.7"),
        (["10.20.0.0/24"], "10.20.0.7", "bukan-alamat", "10.20.0.7"),
        (["10.20.0.0/24"], "10.20.0.7", "", "10.20.0.7"),
        (["2001:db8::/32"], "2001:db8::1", "2001:DB8:FFFF::0:5", "2001:db8:ffff::5"),
        ([], "", "", ""),  # no address: axes stores none (an inet column refuses "unknown")
        (["10.20.0.0/24"], "bukan-alamat", "198.51.100.7", ""),
    ],
)
def test_the_client_address(proxies: list[str], remote: str, forwarded: str, client: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(ALUR_TRUSTED_PROXIES=proxies):
        assert ratelimit.client_address(request) == client


def test_ended_windows_start_again_and_are_swept(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    database = ratelimit.DatabaseStore()
    assert [database.hit("a", 60), database.hit("a", 60)] == [1, 2]
    now[0] += 61
    assert database.hit("b", 60) == 1  # a new window sweeps the ended ones
    assert list(RateCount.objects.values_list("name", flat=True)) == ["b"]
    assert database.hit("a", 60) == 1


@override_settings(ALUR_TRUSTED_PROXIES=[PROXY], AXES_FAILURE_LIMIT=5)
def test_bad_passwords_behind_the_proxy_lock_that_user_for_that_client_only(store: str) -> None:
    attacker = Client()
    for _ in range(5):
        login(
            attacker,
            "waykanan.kadis",
            "tebak-tebak-123",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = login(
        attacker,
        "waykanan.kadis",
        DEMO_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # The Kadis at her own desk, through the same proxy, logs in; so does a colleague.
    for username in ("waykanan.kadis", "waykanan.operator"):
        desk = Client()
        answer = login(
            desk, username, DEMO_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20"
        )
        assert answer.status_code == 302, username
        assert "_auth_user_id" in desk.session


def test_one_address_trying_many_accounts_is_limited(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("alur.front.login.LOGIN_LIMIT", 3)
    client = Client()
    for number in range(3):
        login(client, f"tebakan{number}", "Rahasia-2026!", REMOTE_ADDR="203.0.113.40")
    refused = login(client, "waykanan.operator", DEMO_PASSWORD, REMOTE_ADDR="203.0.113.40")
    body = refused.content.decode()
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan masuk dari perangkat ini" in body
    assert 'value="waykanan.operator"' in body  # what was typed stays
    assert "_auth_user_id" not in client.session
    assert (
        login(Client(), "waykanan.operator", DEMO_PASSWORD, REMOTE_ADDR="203.0.113.41").status_code
        == 302
    )
