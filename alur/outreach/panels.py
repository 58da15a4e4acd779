"""S3 on the case page: the referral, its supporting letters, the visits; the officer's letter
form on step 2, the Kasi's verification on step 3 (letters received, asked of the partner) and
the jemput bola forms on the visit step."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.org.access import Capability, can
from alur.org.choices import PositionKind
from alur.org.selectors import holders_of
from alur.outreach.choices import VisitResult
from alur.outreach.forms import LettersForm
from alur.outreach.selectors import is_own, letters_missing, partner_of, referral_of
from alur.outreach.services.letters import is_verify_step
from alur.outreach.services.referrals import SOP_CODE
from alur.outreach.views import typed
from alur.workflow import engine
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel
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
        {
            "referral": referral,
            "task": task,
            "form": LettersForm(initial={"kinds": kinds}),
            "typed": typed(request, referral.pk),
        },
    )


def verify_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    """The Kasi's step: verify once every needed letter is in, or ask the partner for it."""
    if case.sop.code != SOP_CODE or not is_verify_step(case, step.number):
        return None
    referral = referral_of(case)
    if referral is None:
        return None
    return _render(
        request,
        "verify.html",
        {
            "referral": referral,
            "task": task,
            "missing": letters_missing(referral),
            "partner": partner_of(referral),
            "typed": typed(request, referral.pk),
        },
    )


def _schedulers(request: HttpRequest, case: Case, task: Task) -> list:
    """Whom the viewer may schedule: any recording officer for a superior, else themselves
    when they hold the step's post."""
    user = request.user
    if can(user, Capability.PARAF, case.office):
        return holders_of(case.office, PositionKind.PETUGAS)
    if engine.holds(user, task.office_id, task.position_kind):
        return [user]
    return []


def visit_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    referral = referral_of(case)
    if referral is None:
        return None
    visits = list(referral.visits.select_related("officer"))
    pending = next((v for v in visits if not v.result), None)
    return _render(
        request,
        "visit.html",
        {
            "referral": referral,
            "task": task,
            "pending": pending,
            "done_visits": [v for v in visits if v.result],
            "officers": _schedulers(request, case, task),
            "results": VisitResult.choices,
            "typed": typed(request, referral.pk),
        },
    )


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    referral = referral_of(case) if case.sop.code == SOP_CODE else None
    if referral is None:
        return None
    staff = can(request.user, Capability.HANDLE_CASES, case.office)
    if not staff and not is_own(request.user, referral):
        return None  # need-to-know: another partner's referral shows nothing of the resident
    may_receive = staff and case.finished_at is None
    return _render(request, "case.html", {"referral": referral, "may_receive": may_receive})


def register() -> None:
    register_case_panel(case_panel)  # the step panels are declared with their keys (steps.py)
