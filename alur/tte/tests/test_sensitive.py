"""The passphrase typed on a signing form is hidden from Django's error reports (the e-mail to
the admins and the debug page list a request's POST data)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

SECRET = "Rahasia-TTE-2026"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("letters:sign", {"pk": 999999}),
        ("letters:cosign", {"pk": 999999}),
        ("documents:sign", {"reference": "TIDAK-ADA"}),
        ("certificates:mine", {}),
    ],
)
def test_the_passphrase_is_hidden_from_error_reports(
    client: Client, persona: Any, name: str, kwargs: dict[str, Any]
) -> None:
    client.force_login(persona("waykanan.kadis"))
    response = client.post(reverse(name, kwargs=kwargs), {"passphrase": SECRET, "note": "x"})
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert shown["passphrase"] != SECRET
    assert shown["note"] == "x"
