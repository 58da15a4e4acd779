"""The registry of step form and action keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alur.sop.loader import check_file
from alur.sop.registry import (
    BUILTIN_ACTIONS,
    BUILTIN_FORMS,
    KeyKind,
    RegistryError,
    StepRegistry,
    register_action,
    registry,
)
from alur.sop.tests.factories import minimal_sop, shown, write_sop


def handler(**kwargs: Any) -> None:
    return None


def other_handler(**kwargs: Any) -> None:
    return None


def test_builtins_are_registered_in_the_process_wide_registry() -> None:
    for key in BUILTIN_FORMS:
        assert registry.is_registered(KeyKind.FORM, key)
    for key in BUILTIN_ACTIONS:
        assert registry.is_registered(KeyKind.ACTION, key)
    assert not set(BUILTIN_FORMS) & set(BUILTIN_ACTIONS)
    assert registry.get("action", "letters.number").description


def test_a_new_key_needs_a_description() -> None:
    fresh = StepRegistry()
    with pytest.raises(RegistryError, match="needs a description"):
        fresh.register_action("stock.count")
    entry = fresh.register_action("stock.count", handler, description="Count the stock.")
    assert (entry.kind, entry.handler) == (KeyKind.ACTION, handler)
    assert fresh.keys("action") == ["stock.count"]


def test_attach_a_handler_to_a_builtin_key_once() -> None:
    fresh = StepRegistry.with_builtins()
    assert fresh.get("action", "letters.number").handler is None
    fresh.register_action("letters.number", handler)
    assert fresh.get("action", "letters.number").handler is handler
    # Registering the same handler again (an app's ready() run twice) changes nothing.
    fresh.register_action("letters.number", handler)
    with pytest.raises(RegistryError, match="already has the handler"):
        fresh.register_action("letters.number", other_handler)
    assert (
        registry.get("action", "letters.number").handler is not handler
    )  # the global one is untouched


def test_a_key_is_a_form_or_an_action_not_both() -> None:
    fresh = StepRegistry.with_builtins()
    with pytest.raises(RegistryError, match="registered as a form, not an action"):
        fresh.register_action("letters.paraf", handler)
    with pytest.raises(RegistryError, match="is not registered"):
        fresh.get("form", "letters.number")


@pytest.mark.parametrize("key", ["letters", "Letters.sign", "letters.sign.now", "letters.", ""])
def test_malformed_keys_are_refused(key: str) -> None:
    with pytest.raises(RegistryError, match="is not a key"):
        StepRegistry().register_form(key, description="x")


def test_a_key_registered_by_an_app_validates(tmp_path: Path) -> None:
    fresh = StepRegistry.with_builtins()
    data = minimal_sop()
    data["steps"][0]["action"] = "stock.count"
    path = write_sop(tmp_path, data)
    sop, errors = check_file(path, registry=fresh)
    assert sop is None
    assert [str(e) for e in errors] == [
        f"{shown(path)}:step 1:action: unknown action key 'stock.count' (not in alur.sop.registry)"
    ]
    fresh.register_action("stock.count", description="Count the stock.")
    sop, errors = check_file(path, registry=fresh)
    assert errors == []
    assert sop is not None and sop.step(1).action == "stock.count"


def test_module_level_register_action_uses_the_process_wide_registry() -> None:
    entry = register_action("letters.deliver")
    assert entry is registry.get("action", "letters.deliver")
