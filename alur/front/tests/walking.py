"""Walking every URL pattern with ids filled in: the pieces the hostile walk (strangers) and the
need-to-know walk (every position kind of one office) share."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")

# What the walks requested, by walk and method, printed after the run (conftest.py), so that
# `make hostile` says how much it tried.
WALKED: Counter[str] = Counter()
WALKERS: dict[str, set[str]] = {}
PATTERNS: set[str] = set()


def tally(walk: str, walker: str, method: str, route: str) -> None:
    """Count one request of a walk: the walk, who walked, the method, the URL pattern."""
    WALKED[f"{walk}: {method.upper()}"] += 1
    WALKERS.setdefault(walk, set()).add(walker)
    PATTERNS.add(route)


def routes(patterns: Any = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(route, name) of every URL pattern, includes unfolded."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name or ""


def walked_routes() -> Iterator[tuple[str, str]]:
    """The routes a logged-in walker tries: all but the admin and logging out."""
    for route, name in routes():
        if not route.startswith("admin/") and name != "logout":
            yield route, name


def paths(route: str, values: dict[str, list[str]]) -> list[str]:
    """Every way of filling the route's parameters from `values` (by name, then by kind)."""
    filled = ["/" + route]
    for match in PARAMETER.finditer(route):
        name, kind = match.group("name"), match.group("kind") or "str"
        options = values.get(name) or values.get(kind) or ["1"]
        filled = [p.replace(match.group(0), option, 1) for p in filled for option in options]
    return filled


def readable(response: Any, poppler: Callable[[str], str]) -> bytes:
    """What a person reads in a 200 answer: the page, or a PDF's text (pdftotext); b"" for any
    other status."""
    if response.status_code != 200:
        return b""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        return subprocess.run(
            [poppler("pdftotext"), "-", "-"], input=body, capture_output=True, check=False
        ).stdout
    return body
