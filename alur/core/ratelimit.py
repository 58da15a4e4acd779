"""Rate limits of the public pages and the login, on a store every process shares.

`over_limit(request, name, limit, window)` counts one request of `name` from the client and
answers True once more than `limit` came within the window (a fixed window that starts with the
client's first request). The count lives in Redis when `REDIS_URL` is set, otherwise in the
database (`core_ratecount`), never in a process's memory: four gunicorn workers share one budget.

The client is `client_address(request)`: REMOTE_ADDR, unless that is one of the proxies named
in `ALUR_TRUSTED_PROXIES` (addresses or networks); then the right-most X-Forwarded-For entry that
is not a trusted proxy. Entries left of it were written by the client and are ignored, and so is
X-Forwarded-For from anyone but a trusted proxy.
"""

from __future__ import annotations

import ipaddress
import time
from functools import lru_cache
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

KEY_PREFIX = "alur:batas:"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address as the trusted proxies report it (also django-axes' address), or
    "" when the connection has none."""
    networks = _networks(tuple(getattr(settings, "ALUR_TRUSTED_PROXIES", ())))
    current = _address(request.META.get("REMOTE_ADDR") or "")
    if current is None:
        return ""
    if not networks:
        return str(current)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    while _trusted(current, networks) and hops:
        previous = _address(hops.pop())
        if previous is None:  # not an address: written by the client, not by a proxy
            break
        current = previous
    return str(current)


class Store(Protocol):
    def hit(self, key: str, window: int) -> int:
        """Count one request under `key`; the number counted in the current window."""
        ...


class DatabaseStore:
    """Counts in `core_ratecount`: one upsert per request, expired rows pruned."""

    def hit(self, key: str, window: int) -> int:
        now = int(time.time())
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_ratecount (name, hits, window_end) VALUES (%s, 1, %s) "
                "ON CONFLICT (name) DO UPDATE SET "
                "hits = CASE WHEN core_ratecount.window_end <= %s THEN 1 "
                "ELSE core_ratecount.hits + 1 END, "
                "window_end = CASE WHEN core_ratecount.window_end <= %s "
                "THEN excluded.window_end ELSE core_ratecount.window_end END "
                "RETURNING hits",
                [key, now + window, now, now],
            )
            hits = int(cursor.fetchone()[0])
            if hits == 1:  # a new window: sweep the windows that have ended
                cursor.execute("DELETE FROM core_ratecount WHERE window_end <= %s", [now])
        return hits


class RedisStore:
    """Counts in Redis: INCR of a key that expires with its window, in one MULTI."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)

    def hit(self, key: str, window: int) -> int:
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        _, hits = pipe.execute()
        return int(hits)


@lru_cache(maxsize=4)
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


def store() -> Store:
    url = getattr(settings, "REDIS_URL", None)
    return _redis_store(url) if url else DatabaseStore()


def over_limit(request: HttpRequest, name: str, limit: int, window: int) -> bool:
    """Count one request of `name` from this client; True once it exceeds `limit` in `window`
    seconds."""
    key = f"{KEY_PREFIX}{name}:{client_address(request) or 'unknown'}"
    return store().hit(key, window) > limit
