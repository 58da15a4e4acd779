"""The national-system backends: a mistyped choice and an unsafe production address are refused."""

from __future__ import annotations

from typing import Any

from alur.core.checks import national_backends, whatsapp_api


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


def test_production_warns_of_a_graph_api_that_is_not_metas(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.WHATSAPP_API_BASE = "http://127.0.0.1:8765/v23.0"
    assert ids(whatsapp_api()) == ["alur.W004"]
    settings.WHATSAPP_API_BASE = ""
    assert ids(whatsapp_api()) == ["alur.W004"]
    settings.WHATSAPP_API_BASE = "https://graph.facebook.com/v23.0"
    assert whatsapp_api() == []


def test_development_may_use_the_local_graph_api_server(settings: Any) -> None:
    settings.PRODUCTION = False
    settings.WHATSAPP_API_BASE = "http://127.0.0.1:8765/v23.0"
    assert whatsapp_api() == []


def test_production_defaults_to_metas_graph_api(tmp_path: Any) -> None:
    """Loading the settings with ALUR_ENV=production and no WHATSAPP_API_BASE: Meta's address."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "ALUR_ENV": "production",
        "SECRET_KEY": "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        "ALLOWED_HOSTS": "alur.example.go.id",
        "WHATSAPP_ACCESS_TOKEN": "token",
        "WHATSAPP_APP_SECRET": "secret",
        "WHATSAPP_VERIFY_TOKEN": "verify",
        "DJANGO_SETTINGS_MODULE": "alur.settings",
    }
    env.pop("WHATSAPP_API_BASE", None)
    code = "from django.conf import settings; print(settings.WHATSAPP_API_BASE)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().startswith("https://graph.facebook.com/v")
