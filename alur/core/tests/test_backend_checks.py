"""The national-system backends: a mistyped choice and an unsafe production address are refused."""

from __future__ import annotations

from typing import Any

from alur.core.checks import national_backends


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_the_development_defaults_pass(settings: Any) -> None:
    settings.PRODUCTION = False
    assert national_backends() == []


def test_a_mistyped_backend_is_refused(settings: Any) -> None:
    settings.TTE_BACKEND = "bsr"
    messages = national_backends()
    assert ids(messages) == ["alur.E002"]
    assert "bsr" in messages[0].msg


def test_production_refuses_bsre_on_this_machine_or_without_tls_or_credentials(
    settings: Any,
) -> None:
    settings.PRODUCTION = True
    settings.TTE_BACKEND = "bsre"
    settings.BSRE_BASE_URL = "http://127.0.0.1:8766"
    settings.BSRE_PASSWORD = ""
    assert ids(national_backends()) == ["alur.E003", "alur.E003"]
    settings.BSRE_BASE_URL = "https://esign.pemda.go.id"
    settings.BSRE_PASSWORD = "s3cret"
    assert national_backends() == []


def test_production_with_the_local_signer_needs_no_bsre_address(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.TTE_BACKEND = "local"
    settings.IDENTITY_BACKEND = "standalone"
    settings.BSRE_BASE_URL = "http://127.0.0.1:8766"
    assert national_backends() == []
