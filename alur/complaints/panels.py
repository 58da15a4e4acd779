"""The complaint's forms on the case page: register, answer or escalate, the team's consultation,
the official's decision, and the complaint itself."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.complaints.forms import RegisterForm
from alur.complaints.models import Complaint
from alur.complaints.permissions import allowed
from alur.complaints.services import active_task, decision_step, step_numbers
from alur.complaints.views import typed
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel
from alur.workflow.spec import StepSpec


def _complaint(case: Case) -> Complaint | None:
    return (
        Complaint.objects.select_related("office", "application__case", "decided_by")
        .filter(case=case)
        .first()
    )


def _render(request: HttpRequest, template: str, context: dict) -> SafeString:
    return SafeString(render_to_string(f"complaints/{template}", context, request=request))


def register_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    complaint = _complaint(case)
    if complaint is None:
        return None
    return _render(
        request,
        "panel_register.html",
        {
            "complaint": complaint,
            "task": task,
            "form": RegisterForm(initial=typed(request, complaint.pk, "category", "analysis")),
            "typed": typed(request, complaint.pk, "reason"),
        },
    )


def respond_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    complaint = _complaint(case)
    if complaint is None:
        return None
    return _render(
        request,
        "panel_respond.html",
        {
            "complaint": complaint,
            "task": task,
            "decision_step": bool(step.question),
            "typed": typed(request, complaint.pk, "answer", "note"),
        },
    )


def resolve_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    complaint = _complaint(case)
    if complaint is None:
        return None
    return _render(
        request,
        "panel_resolve.html",
        {
            "complaint": complaint,
            "task": task,
            "may_resolve": "resolve" in allowed(complaint, request.user),
            "typed": typed(request, complaint.pk, "solution"),
        },
    )


def decide_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    complaint = _complaint(case)
    if complaint is None:
        return None
    return _render(
        request,
        "panel_decide.html",
        {
            "complaint": complaint,
            "task": task,
            "opinions": list(complaint.opinions.select_related("member")),
            "may_decide": "decide" in allowed(complaint, request.user),
            "typed": typed(request, complaint.pk, "decision"),
        },
    )


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    """The complaint; during the consultation (step 5), every member of the answering team
    gives their opinion here, whether or not they hold the step."""
    complaint = _complaint(case)
    if complaint is None:
        return None
    number = decision_step(complaint)
    deciding = active_task(complaint, [number]) if number is not None else None
    opinions = list(complaint.opinions.select_related("member"))
    consulting = active_task(complaint, step_numbers(complaint, "complaints.resolve"))
    return _render(
        request,
        "panel_case.html",
        {
            "complaint": complaint,
            "opinions": opinions,
            "deciding": deciding,
            "consulting": consulting,
            "may_give_opinion": "opinion" in allowed(complaint, request.user),
            "typed": typed(request, complaint.pk, "text"),
        },
    )


def register() -> None:
    register_case_panel(case_panel)  # the step panels are declared with their keys (steps.py)
