"""ops/trace_paths.py counts what it should: files by app, and crossings between apps."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

OPS = str(Path(__file__).resolve().parents[3] / "ops")
PACKAGE = Path("/srv/checkout/alur")
DJANGO = "/venv/lib/python3.11/site-packages/django/core/handlers/base.py"
TEMPLATE = "/venv/lib/python3.11/site-packages/django/template/base.py"


@pytest.fixture(scope="module")
def tracing() -> ModuleType:
    sys.path.insert(0, OPS)
    try:
        return importlib.import_module("trace_paths")
    finally:
        sys.path.remove(OPS)


def app(name: str) -> str:
    return str(PACKAGE / name)


def test_project_files_belong_to_their_app_and_the_rest_to_none(tracing: ModuleType) -> None:
    assert tracing.app_of_path(app("letters/views_letters.py"), PACKAGE) == "letters"
    assert tracing.app_of_path(app("core/sqlite/base.py"), PACKAGE) == "core"
    assert tracing.app_of_path(app("urls.py"), PACKAGE) == "project"
    assert tracing.app_of_path(app("letters/tests/test_words.py"), PACKAGE) is None
    assert tracing.app_of_path(app("letters/migrations/0001_initial.py"), PACKAGE) is None
    assert tracing.app_of_path(app("letters/templates/letters/base.html"), PACKAGE) is None
    assert tracing.app_of_path(DJANGO, PACKAGE) is None


def test_crossings_skip_library_frames_and_count_calls_and_returns(
    tracing: ModuleType,
) -> None:
    trace = tracing.Trace(package=PACKAGE)
    view, access, tag = app("letters/views_letters.py"), app("org/access.py"), app("core/tags.py")
    issuing = app("letters/issuing.py")
    stack = [DJANGO]  # Django calls the view: an entry from outside the project

    def call(filename: str) -> None:
        trace.record("call", filename, reversed(stack))
        stack.append(filename)

    def back() -> None:
        filename = stack.pop()
        trace.record("return", filename, reversed(stack))

    call(view)
    call(issuing)  # letters → letters: no crossing
    call(access)  # letters → org
    back()  # back into letters
    call(access)
    back()
    back()
    call(TEMPLATE)  # a library between two apps is skipped over
    call(tag)  # letters → core
    back()
    back()
    call(app("letters/tests/helpers.py"))  # tests are not counted
    back()
    back()

    assert trace.files == {view, issuing, access, tag}
    assert trace.into("org") == (2, 0, 0)
    assert trace.into("core") == (1, 0, 0)
    assert trace.into("letters") == (0, 3, 1)
    report = trace.report("synthetic")
    assert "project files entered: 4 in 3 apps" in report
    assert "letters: called from (outside) 1; returned into from org 2, core 1" in report


def test_long_modules_leave_out_tests_and_migrations(tracing: ModuleType, tmp_path: Path) -> None:
    package = tmp_path / "alur"
    for name, lines in (
        ("letters/services.py", 601),
        ("letters/views.py", 600),
        ("letters/tests/test_long.py", 900),
        ("letters/migrations/0001_initial.py", 900),
    ):
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * lines)
    assert tracing.long_modules(package) == [(601, "alur/letters/services.py")]
