"""The layers of DESIGN.md hold in the import graph (ops/import_graph.py reads it with `ast`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "ops" / "import_graph.py"


@pytest.fixture(scope="module")
def graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


def test_no_app_imports_the_staff_shell(graph: ModuleType) -> None:
    """Menu entries are declared on each AppConfig and collected by `front`: no app below the
    shell imports it, not even inside `ready()`."""
    into_front = [
        str(imp)
        for imp in graph.all_imports()
        if imp.target_app == "front" and imp.source_app != "project"
    ]
    assert into_front == []


def test_no_app_imports_upward(graph: ModuleType) -> None:
    """Every import points down DESIGN.md's layers (module level and in functions): the domain
    apps reach WhatsApp through the provider below them (`whatsapp_cloud`), never the channel."""
    up = graph.upward(graph.all_imports())
    assert up == [], "\n".join(str(imp) for imp in up)


def test_no_apps_form_a_cycle(graph: ModuleType) -> None:
    """No two apps import each other, directly or round a loop, counting imports inside
    functions too: `sop` does not import `workflow` (the SOP → spec adapter is workflow's), and
    the WhatsApp channel, intake, outbox and complaints point one way."""
    assert graph.cycles(graph.all_imports()) == []


def test_the_base_apps_form_no_cycle(graph: ModuleType) -> None:
    """org and core point one way: worktime → org → audit → core, every import counted (module
    level and in functions); `org` shows audit's page and worktime's calendar without importing
    worktime (AppConfig.office_section), and audit names offices only by label ("org.Office")."""
    base = {app for app, layer in graph.LAYERS.items() if layer == graph.BASE}
    among = [i for i in graph.all_imports() if i.source_app in base and i.target_app in base]
    assert graph.cycles(among) == []


def test_the_graph_tells_upward_imports_and_cycles_apart(graph: ModuleType, tmp_path: Path) -> None:
    """On a small tree: a relative import, one inside a function, one cycle in a layer."""
    root = tmp_path / "alur"
    for path, text in {
        "__init__.py": "",
        "org/__init__.py": "",
        "org/models.py": "from alur.worktime import hours\n",
        "worktime/__init__.py": "",
        "worktime/hours.py": "from ..org import models\n",
        "letters/__init__.py": "",
        "letters/apps.py": "def ready():\n    from alur.front import nav\n",
        "letters/tests/__init__.py": "",
        "letters/tests/test_menu.py": "from alur.front.nav import items_for\n",
        "front/__init__.py": "",
        "front/nav.py": "import alur.letters\n",
    }.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    imports = graph.all_imports(root)
    up = graph.upward(imports)
    assert [(i.module, i.target, i.in_function) for i in up] == [
        ("alur.letters.apps", "alur.front.nav", True)
    ]
    assert graph.cycles([i for i in imports if not i.in_function]) == [["org", "worktime"]]
    assert graph.cycles(imports) == [["front", "letters"], ["org", "worktime"]]
