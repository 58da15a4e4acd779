"""The complaint's forms on the case page: register, answer or escalate, the team's consultation,
the official's decision, and the complaint itself."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.complaints.forms import RegisterForm
from alur.complaints.models import Complaint
from alur.complaints.services import active_task, decision_step, is_team_member
from alur.workflow import engine
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel, register_step_panel
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
        {"complaint": complaint, "task": task, "form": RegisterForm()},
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
        {"complaint": complaint, "task": task, "decision_step": bool(step.question)},
    )


def resolve_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    complaint = _complaint(case)
    if complaint is None:
        return None
    user = request.user
    opinions = list(complaint.opinions.select_related("member"))
    member = user.is_authenticated and is_team_member(user, complaint.office)  # type: ignore[arg-type]
    return _render(
        request,
        "panel_resolve.html",
        {
            "complaint": complaint,
            "task": task,
            "opinions": opinions,
            "may_give_opinion": member and all(o.member_id != user.pk for o in opinions),
            "may_resolve": engine.holds(user, task.office_id, task.position_kind),
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
            "may_decide": engine.holds(request.user, task.office_id, task.position_kind),
        },
    )


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    complaint = _complaint(case)
    if complaint is None:
        return None
    number = decision_step(complaint)
    deciding = active_task(complaint, [number]) if number is not None else None
    return _render(
        request,
        "panel_case.html",
        {
            "complaint": complaint,
            "opinions": list(complaint.opinions.select_related("member")),
            "deciding": deciding,
        },
    )


def register() -> None:
    register_step_panel("complaints.register", register_panel, replaces_outcome=True)
    register_step_panel("complaints.respond", respond_panel, replaces_outcome=True)
    register_step_panel("complaints.resolve", resolve_panel, replaces_outcome=True)
    register_step_panel("complaints.decide", decide_panel, replaces_outcome=True)
    register_case_panel(case_panel)
