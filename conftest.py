"""Test-wide setup: fast hashing, background tasks inline, demo personas, a real browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# The local BSrE server for the tests that sign through the `bsre` backend (fixture `bsre`).
pytest_plugins = ["alur.tte.tests.bsre_peer"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Races marked `postgres` need PostgreSQL's row locks (SQLite serialises whole writes): on
    another database they are left out with one line saying so, and under CI=true, where they
    must run, the run stops instead."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("postgresql"):
        return
    races = [item for item in items if item.get_closest_marker("postgres")]
    if not races:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"{len(races)} race tests need PostgreSQL; CI runs on it (DATABASE_URL, .ci/run)"
        )
    config.hook.pytest_deselected(items=races)
    items[:] = [item for item in items if item not in races]
    print(f"\n{len(races)} race tests need PostgreSQL and are left out on {engine}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How much the hostile walks tried (docs/security.md quotes it from `make hostile`)."""
    from alur.front.tests.walking import PATTERNS, WALKED, WALKERS

    if not WALKED:
        return
    terminalreporter.section("hostile walks: requests")
    for walk, walkers in sorted(WALKERS.items()):
        counts = ", ".join(
            f"{k.split(': ')[1]} {n:,}" for k, n in WALKED.items() if k.startswith(walk)
        )
        terminalreporter.line(f"{walk}: {len(walkers)} walkers, {counts}")
    terminalreporter.line(
        f"URL patterns walked: {len(PATTERNS)}; requests: {sum(WALKED.values()):,}"
    )


@pytest.fixture(autouse=True, scope="session")
def _fast_and_inline(django_test_environment: None) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _fresh_cache_and_media(settings: Any, tmp_path: Any) -> None:
    """Each test starts with an empty cache (rate limits of the public pages) and writes its
    uploaded and issued files to its own folder."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Reference regions and the demo offices and personas, loaded once per test database."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def persona(db: None) -> Callable[[str], Any]:
    """A demo persona by username, fetched fresh: persona("waykanan.operator")."""
    from alur.org.models import User

    return lambda username: User.objects.get(username=username)


@pytest.fixture
def office(db: None) -> Callable[[str], Any]:
    from alur.org.models import Office

    return lambda code: Office.objects.get(code=code)


@pytest.fixture
def demo_transactional(transactional_db: None) -> None:
    """The demo data for tests that commit (threads, live server): reloaded after each flush."""
    call_command("load_demo", verbosity=0)


def _required(what: str, path: str | None, install: str) -> str:
    """A tool a test needs: a failure under CI=true (where it must exist), a skip elsewhere."""
    if path is None or not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing ({install}): it cannot be skipped in CI")
        pytest.skip(f"{what} is missing ({install})")
    return path


@pytest.fixture
def poppler() -> Callable[[str], str]:
    """poppler-utils by name (pdftotext, pdfinfo, pdfsig), which `make test` installs."""
    return lambda name: _required(name, shutil.which(name), "apt-get install poppler-utils")


@pytest.fixture(scope="session")
def _chromium() -> str:
    return _required(f"chromium ({CHROMIUM})", CHROMIUM, "apt-get install chromium")


@pytest.fixture(scope="session")
def browser(_chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=_chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def phone_page(browser: Any, demo_transactional: None) -> Iterator[Any]:
    """A page in a phone-size viewport (360×740, touch), with the demo data in the database."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
