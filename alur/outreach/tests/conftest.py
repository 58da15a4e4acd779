from __future__ import annotations

from typing import Any

import pytest

from alur.org.models import Office


@pytest.fixture
def metro(office: Any) -> Office:
    return office("18.72")
