"""S3 on the case page: the referral, its supporting letters, the visits; the officer's letter
form on step 2 and the jemput bola forms on the visit step."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.org.access import Capability, can
from alur.org.choices import PositionKind
from alur.org.selectors import holders_of
from alur.outreach.forms import LettersForm, VisitForm, VisitResultForm
from alur.outreach.services import SOP_CODE, referral_of
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel, register_step_panel
from alur.workflow.spec import StepSpec


def _render(request: HttpRequest, template: str, context: dict) -> SafeString:
    return SafeString(render_to_string(f"outreach/panels/{template}", context, request=request))


def letters_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    referral = referral_of(case) if case.sop.code == SOP_CODE else None
    if referral is None:
        return None
    kinds = [letter.kind for letter in referral.letters.all()]
    return _render(
        request,
        "letters.html",
        {"referral": referral, "task": task, "form": LettersForm(initial={"kinds": kinds})},
    )


def visit_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    referral = referral_of(case)
    if referral is None:
        return None
    pending = referral.visits.filter(result="").select_related("officer").first()
    return _render(
        request,
        "visit.html",
        {
            "referral": referral,
            "task": task,
            "pending": pending,
            "may_schedule": can(request.user, Capability.PARAF, case.office),
            "officers": holders_of(case.office, PositionKind.PETUGAS),
            "form": VisitForm(initial={"address": referral.address}),
            "result_form": VisitResultForm(),
        },
    )


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    referral = referral_of(case) if case.sop.code == SOP_CODE else None
    if referral is None:
        return None
    return _render(request, "case.html", {"referral": referral})


def register() -> None:
    register_step_panel("intake.requirements", letters_panel, replaces_outcome=True)
    register_step_panel("outreach.visit", visit_panel, replaces_outcome=True)
    register_case_panel(case_panel)
