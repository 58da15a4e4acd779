"""Test-wide setup: fast hashing, background tasks run inline, the demo personas in the database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY


@pytest.fixture(autouse=True, scope="session")
def _fast_and_inline(django_test_environment: None) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    HUEY.immediate = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Reference regions and the demo offices and personas, loaded once per test database."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        call_command("load_demo", verbosity=0)
