"""What the content security policy forbids in a page: inline scripts and inline styles. A
script loaded from our own static files (`<script src=...>`) is allowed."""

from __future__ import annotations

import re

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def inline_script(body: str) -> bool:
    return INLINE_SCRIPT.search(body) is not None


def inline_style(body: str) -> bool:
    return " style=" in body
