"""The X-Hub-Signature-256 header of WhatsApp Cloud API webhooks."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str, app_secret: str) -> bool:
    """Constant-time check of the header against the HMAC-SHA256 of the raw body. A header
    with bytes outside ASCII (sent by no one but a forger) is simply not valid."""
    if not app_secret or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(
        sign(body, app_secret).encode(), header.strip().encode("utf-8", "surrogateescape")
    )
