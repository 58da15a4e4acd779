"""What a domain app shows on the case page: the form a step's key needs (the letter to initial,
the complaint to answer, the delivery to receive) and what the case has produced.

A panel is a function of the request, the case and (for a step panel) the open task; it returns
HTML or None. A step panel is part of its key's declaration in the app's `steps.py`
(`alur.sop.registry`); a case panel is registered from the app's `AppConfig.ready()`:

    from alur.workflow.panels import register_case_panel

    register_case_panel(letter_case_panel)

A step panel is shown above the generic outcome form of each task the viewer may act on; a panel
that owns the whole step (signing needs a passphrase, not only "Sesuai") says so with
`replaces_outcome=True`, and the generic form is then left out for that step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.safestring import SafeString

from alur.sop.registry import Completion, registry

if TYPE_CHECKING:
    from alur.workflow.models import Case, Task
    from alur.workflow.spec import StepSpec

StepPanel = Callable[[HttpRequest, "Case", "Task", "StepSpec"], SafeString | None]
CasePanel = Callable[[HttpRequest, "Case"], SafeString | None]


_CASE: list[CasePanel] = []


def register_case_panel(render: CasePanel) -> None:
    if render not in _CASE:
        _CASE.append(render)


def _keys(step: StepSpec) -> list[str]:
    return [k for k in (step.form, step.action) if k]


def step_panels(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> tuple[list[SafeString], bool]:
    """The panels for one open task, and whether one of them replaces the outcome form."""
    html: list[SafeString] = []
    replaces = False
    for key in _keys(step):
        declared = registry.find(key)
        for panel in declared.panels if declared else ():
            fragment = panel.render(request, case, task, step)
            if fragment:
                html.append(fragment)
                replaces = replaces or panel.replaces_outcome
    return html, replaces


def step_completion(case: Case, step: StepSpec) -> Completion | None:
    """How a panel's post completes the task of `step` with data (the generic endpoint), or
    None: the step is completed by the outcome form."""
    for key in _keys(step):
        declared = registry.find(key)
        found = declared.completion_for(case) if declared else None
        if found is not None:
            return found
    return None


def case_panels(request: HttpRequest, case: Case) -> list[SafeString]:
    return [f for f in (render(request, case) for render in _CASE) if f]
