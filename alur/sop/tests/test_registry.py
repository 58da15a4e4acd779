"""The registry of step keys: one declaration per key, and a load-time error for a key an SOP
uses that is unknown, undescribed or unhandled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alur.sop.loader import check_file
from alur.sop.registry import Completion, KeyKind, RegistryError, StepRegistry, registry
from alur.sop.tests.factories import minimal_sop, shown, write_sop


def handler(*args: Any) -> None:
    return None


def other_handler(*args: Any) -> None:
    return None


def panel(*args: Any) -> None:
    return None


def _declared(fresh: StepRegistry) -> StepRegistry:
    """The keys the minimal SOP uses, declared as the apps declare them."""
    fresh.declare("intake.application", KeyKind.FORM, description="Apply.", generic=True)
    fresh.declare("review.decide", KeyKind.FORM, description="Decide.", generic=True)
    fresh.declare("intake.requirements", KeyKind.FORM, handler, description="Check the files.")
    return fresh


def test_every_seed_key_is_declared_described_and_handled_in_the_process() -> None:
    entries = registry.entries()
    assert {e.key for e in entries} >= {"review.decide", "intake.application", "letters.number"}
    for entry in entries:
        assert entry.description, entry.key
        assert entry.handled, entry.key
    assert registry.undeclared() == []
    # The engine's decision and the applicant's submission are the engine's own.
    assert registry.get("form", "review.decide").generic
    assert registry.get("form", "intake.application").generic
    assert registry.get("form", "registry.check").handler is not None


def test_one_declaration_gives_description_handler_panel_and_completion() -> None:
    fresh = StepRegistry()
    completion = Completion(read=lambda request, task: {})
    entry = fresh.declare(
        "stock.count",
        KeyKind.FORM,
        handler,
        description="Count the stock.",
        panel=panel,
        replaces_outcome=True,
        completion=completion,
    )
    assert (entry.kind, entry.handler, entry.description) == (
        KeyKind.FORM,
        handler,
        "Count the stock.",
    )
    assert [(p.render, p.replaces_outcome) for p in entry.panels] == [(panel, True)]
    assert entry.completes_with_data and entry.completion_for(object()) is completion
    # Declaring it again (an app's ready() run twice) changes nothing.
    assert fresh.declare("stock.count", KeyKind.FORM, handler, panel=panel) == entry
    assert fresh.keys("form") == ["stock.count"]


def test_a_handler_is_attached_once() -> None:
    fresh = StepRegistry()
    fresh.declare("letters.number", KeyKind.ACTION, handler, description="Number it.")
    with pytest.raises(RegistryError, match="already has the handler"):
        fresh.declare("letters.number", KeyKind.ACTION, other_handler)
    with pytest.raises(RegistryError, match="has the handler"):
        fresh.declare("letters.number", generic=True)
    with pytest.raises(RegistryError, match="already described"):
        fresh.declare("letters.number", description="Something else.")


def test_another_app_adds_a_panel_whatever_the_order() -> None:
    fresh = StepRegistry()
    fresh.declare("letters.draft", panel=panel)  # before the owner declares it
    assert not fresh.is_registered("form", "letters.draft")
    assert fresh.undeclared() == ["letters.draft"]
    fresh.declare("letters.draft", KeyKind.FORM, handler, description="Draft.", panel=other_handler)
    entry = fresh.get("form", "letters.draft")
    assert [p.render for p in entry.panels] == [panel, other_handler]
    assert fresh.undeclared() == []


def test_a_key_is_a_form_or_an_action_not_both() -> None:
    fresh = StepRegistry()
    fresh.declare("letters.paraf", KeyKind.FORM, handler, description="Initial.")
    with pytest.raises(RegistryError, match="registered as a form, not an action"):
        fresh.declare("letters.paraf", KeyKind.ACTION)
    with pytest.raises(RegistryError, match="is not registered"):
        fresh.get("action", "letters.paraf")


@pytest.mark.parametrize("key", ["letters", "Letters.sign", "letters.sign.now", "letters.", ""])
def test_malformed_keys_are_refused(key: str) -> None:
    with pytest.raises(RegistryError, match="is not a key"):
        StepRegistry().declare(key, KeyKind.FORM, description="x")


def test_a_key_an_sop_uses_must_be_declared_described_and_handled(tmp_path: Path) -> None:
    fresh = _declared(StepRegistry())
    data = minimal_sop()
    data["steps"][0]["action"] = "stock.count"
    path = write_sop(tmp_path, data)

    def errors() -> list[str]:
        sop, found = check_file(path, registry=fresh)
        assert (sop is None) == bool(found)
        return [str(e) for e in found]

    where = f"{shown(path)}:step 1:action"
    assert errors() == [f"{where}: unknown action key 'stock.count' (not in alur.sop.registry)"]
    fresh.declare("stock.count", KeyKind.ACTION)
    assert errors() == [
        f"{where}: action key 'stock.count' has no description: declare it in its app's steps.py"
    ]
    fresh.declare("stock.count", description="Count the stock.")
    assert errors() == [
        f"{where}: action key 'stock.count' has no handler: declare it in its app's steps.py "
        "with its handler, or as generic when the engine's outcome form completes it"
    ]
    fresh.declare("stock.count", handler=handler)
    assert errors() == []


def test_load_sops_refuses_an_unhandled_key(tmp_path: Path) -> None:
    """The process-wide registry, as `load_sops` and `validate_sops` read it."""
    data = minimal_sop()
    data["steps"][0]["action"] = "stock.unhandled"
    path = write_sop(tmp_path, data)
    registry.declare("stock.unhandled", KeyKind.ACTION, description="Not handled anywhere.")
    try:
        sop, found = check_file(path)
    finally:
        registry._entries.pop("stock.unhandled")
    assert sop is None
    assert [e.message for e in found] == [
        "action key 'stock.unhandled' has no handler: declare it in its app's steps.py with its "
        "handler, or as generic when the engine's outcome form completes it"
    ]


def test_the_startup_check_names_an_unhandled_key(tmp_path: Path, monkeypatch: Any) -> None:
    from alur.sop import checks

    assert checks.step_keys_handled() == []  # the seed SOPs, as the apps declare their keys
    data = minimal_sop()
    data["steps"][0]["action"] = "stock.unhandled"
    write_sop(tmp_path, data)
    monkeypatch.setattr(checks, "SOP_DIR", tmp_path)
    registry.declare("stock.unhandled", KeyKind.ACTION, description="Not handled anywhere.")
    try:
        found = checks.step_keys_handled()
    finally:
        registry._entries.pop("stock.unhandled")
    assert [(e.id, "has no handler" in e.msg) for e in found] == [("sop.E001", True)]
