"""At startup (Django's system checks: runserver, migrate, check): the SOP files name only step
keys that are declared, described and handled, as `load_sops` and `validate_sops` require."""

from __future__ import annotations

from typing import Any

from django.core import checks

from alur.sop.loader import SOP_DIR, check_paths
from alur.sop.registry import KeyKind


def step_keys_handled(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    report = check_paths([SOP_DIR])
    keys = {str(kind) for kind in KeyKind}
    return [
        checks.Error(str(error), id="sop.E001") for error in report.errors if error.field in keys
    ]
