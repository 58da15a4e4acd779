"""The import graph of `alur/` against the layers of DESIGN.md: upward imports and app cycles.

    python ops/import_graph.py          # counts, then every upward import and every cycle
    python ops/import_graph.py DIR/alur # the same for another checkout's package

Layers point down: channels → domain apps → workflow/sop → org and core. Every module under
`alur/` is read with `ast` (nothing is imported); each `import`/`from … import` of an `alur`
module is an edge from the importing module's app to the imported module's app. Imports at
module level and imports inside a function (e.g. an AppConfig's `ready()`) are listed apart:
both count, since both are a dependency of one app on another.

An import is upward when the imported app sits in a higher layer than the importing one; two
apps in one layer may use each other, but the app graph must have no cycle. Test modules
(`tests/`) are left out: they exercise the assembled project. The project's assembly
(`settings`, `urls`, `wsgi`) sits above every layer.

The exit status is 0; `alur/core/tests/test_layers.py` holds the figures that must not grow.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "alur"

CHANNELS, DOMAIN, ENGINE, BASE, PROJECT = 3, 2, 1, 0, 4
LAYER_NAMES = {
    PROJECT: "project",
    CHANNELS: "channels",
    DOMAIN: "domain",
    ENGINE: "workflow/sop",
    BASE: "org and core",
}

# Each app's layer (DESIGN.md "Layers", README "Layout"). `whatsapp` is the webhook and the
# citizens' dialog, a channel; `outbox` and `audit` are the core's plumbing DESIGN.md names;
# `worktime` is the working calendar of `org`; `registry` (residents, a port to SIAK) and
# `intake`/`documents` (DESIGN.md's "services") are domain apps.
LAYERS: dict[str, int] = {
    # the assembly of the project: settings, root URLs, WSGI entry point
    "project": PROJECT,
    # channels
    "front": CHANNELS,
    "whatsapp": CHANNELS,
    "chat": CHANNELS,  # the staff inbox of citizens' WhatsApp conversations (a person)
    # domain apps
    "intake": DOMAIN,
    "documents": DOMAIN,
    "complaints": DOMAIN,
    "outreach": DOMAIN,
    "logistics": DOMAIN,
    "reports": DOMAIN,
    "letters": DOMAIN,
    "registry": DOMAIN,
    "survey": DOMAIN,  # the satisfaction survey (SKM) and its index (IKM)
    # the workflow engine and the SOP definitions it runs on
    "workflow": ENGINE,
    "sop": ENGINE,
    # issued documents and TTE: PDF, signing, certificates, QR, archive, public verification; on
    # ENGINE because the archive's need-to-know reads the workflow's case handling
    "tte": ENGINE,
    # org and core
    "org": BASE,
    "worktime": BASE,
    "audit": BASE,
    "outbox": BASE,
    "whatsapp_cloud": BASE,  # the WhatsApp Cloud API provider: transport, business numbers
    "core": BASE,
    "env": BASE,  # alur/env.py: the strict environment readers settings and core use
}
PROJECT_MODULES = {"settings", "urls", "wsgi"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    line: int
    target: str  # the imported alur module, dotted
    in_function: bool

    @property
    def source_app(self) -> str:
        return app_of(self.module)

    @property
    def target_app(self) -> str:
        return app_of(self.target)

    @property
    def upward(self) -> bool:
        return LAYERS[self.target_app] > LAYERS[self.source_app]

    def __str__(self) -> str:
        where = "function" if self.in_function else "module"
        return (
            f"{self.module}:{self.line} → {self.target}  "
            f"({self.source_app} [{LAYER_NAMES[LAYERS[self.source_app]]}] → "
            f"{self.target_app} [{LAYER_NAMES[LAYERS[self.target_app]]}], {where} level)"
        )


def app_of(module: str) -> str:
    """`alur.letters.services` → `letters`; `alur.settings` → `project`."""
    parts = module.split(".")
    if len(parts) < 2:
        return "project"
    if parts[1] in PROJECT_MODULES:
        return "project"
    if parts[1] not in LAYERS:
        raise KeyError(f"{module}: the app {parts[1]!r} has no layer in LAYERS")
    return parts[1]


def modules(root: Path = ROOT) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        if "tests" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if not is_package:
        package = package[:-1]
    if node.level > 1:
        package = package[: -(node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _is_module(root: Path, dotted: str) -> bool:
    path = root.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(module: str, path: Path, root: Path = ROOT) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, is_package, child)
                # `from alur.front import nav` imports the module alur.front.nav
                targets = list(
                    dict.fromkeys(
                        f"{base}.{alias.name}" if _is_module(root, f"{base}.{alias.name}") else base
                        for alias in child.names
                    )
                )
            for target in targets:
                if target.startswith("alur.") and app_of(target) != app_of(module):
                    found.append(Import(module, child.lineno, target, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def all_imports(root: Path = ROOT) -> list[Import]:
    return [imp for module, path in modules(root) for imp in imports_of(module, path, root)]


def upward(imports: list[Import]) -> list[Import]:
    return [imp for imp in imports if imp.upward]


def cycles(imports: list[Import]) -> list[list[str]]:
    """The app graph's strongly connected components of more than one app (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.source_app, set()).add(imp.target_app)
        graph.setdefault(imp.target_app, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(graph[app]):
            if other not in index:
                connect(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(graph):
        if app not in index:
            connect(app)
    return sorted(found)


def report(imports: list[Import]) -> str:
    up = upward(imports)
    at_module = [imp for imp in imports if not imp.in_function]
    up_module = [imp for imp in up if not imp.in_function]
    lines = [
        f"imports between apps: {len(imports)} "
        f"({len(at_module)} at module level, {len(imports) - len(at_module)} in functions)",
        f"upward imports: {len(up)} "
        f"({len(up_module)} at module level, {len(up) - len(up_module)} in functions), "
        f"between {len({(i.source_app, i.target_app) for i in up})} pairs of apps",
    ]
    module_cycles = cycles(at_module)
    all_cycles = cycles(imports)
    lines.append(f"app cycles, module-level imports: {len(module_cycles)}")
    lines.append(f"app cycles, all imports: {len(all_cycles)}")
    for title, in_function in (("at module level", False), ("in functions", True)):
        lines.append(f"\nupward imports {title}:")
        lines += [f"  {imp}" for imp in up if imp.in_function == in_function] or ["  none"]
    for title, found in (("module-level imports", module_cycles), ("all imports", all_cycles)):
        lines.append(f"\napp cycles, {title}:")
        lines += ["  {" + ", ".join(c) + "}" for c in found] or ["  none"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    print(report(all_imports(root)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
