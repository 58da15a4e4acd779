"""What the reports app shows on the case page of S0 and S4: each reports step's form, the
"draft from the recap" button on the drafting step, and the period's status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from alur.org.access import Capability, can
from alur.reports import schedule, selectors
from alur.reports.choices import ReportKind
from alur.reports.forms import CloseForm, CoverageUploadForm, SubmissionForm
from alur.reports.models import Submission
from alur.reports.selectors import (
    coverage_checks,
    deadline_text,
    delivery_steps,
    period_of,
    prefill,
    reporters,
    step_recipients,
)
from alur.sop.registry import declare
from alur.workflow.panels import register_case_panel


def _html(request: HttpRequest, template: str, context: dict[str, Any]) -> SafeString:
    return mark_safe(render_to_string(template, context, request=request))  # noqa: S308


def step_panel(request: HttpRequest, case: Any, task: Any, step: Any) -> SafeString | None:
    period = period_of(case)
    keys = {step.form, step.action}
    context: dict[str, Any] = {"case": case, "task": task, "step": step, "period": period}
    if period is None:
        context["note"] = "Periode laporan dibuat ketika langkah ini selesai."
        return _html(request, "reports/panels/step.html", context)
    coverage = period.definition.kind == ReportKind.COVERAGE
    context["coverage"] = coverage
    if "reports.define" in keys:
        context["format"] = period.definition.fields
        context["schedule"] = schedule.next_opening_text(period.definition)
        context["format_sent"] = period.distributed_at
    if "reports.distribute" in keys:
        context["distributed"] = period.distributed_at
        context["reporters"] = len(reporters(period))
    if "reports.send" in keys:
        context.update(_send_context(case, step.number, period))
    if "reports.submit" in keys and not coverage:
        existing = Submission.objects.filter(period=period, office=task.office).first()
        values = existing.values if existing else prefill(period, task.office)
        context["form"] = SubmissionForm(
            definition=period.definition, initial={f"v_{k}": v for k, v in values.items()}
        )
        context["submission"] = existing
        context["deadline"] = deadline_text(period, task.office)
        context["office"] = task.office
    if coverage and keys & {"reports.collect", "reports.submit", "reports.aggregate"}:
        context["job"] = selectors.latest_import(period)
        if context["job"] is not None and context["job"].status == "done":
            context["checks"] = coverage_checks(period)
        if keys & {"reports.collect", "reports.submit"} and period.status == "open":
            context["upload_form"] = CoverageUploadForm()
            context["sample"] = True
    if "reports.aggregate" in keys and not coverage:
        context["recap_button"] = True
    return _html(request, "reports/panels/step.html", context)


def _send_context(case: Any, step: int, period: Any) -> dict[str, Any]:
    """A delivery step: who gets the signed report at this step, and the PDF itself (for the
    Kadis at step 13, ready to forward to the national WhatsApp group)."""
    from alur.letters.selectors import case_letter

    letter = case_letter(case)
    configured = step_recipients(period.definition, step)
    own = (
        [r for r in letter.recipients.all() if r.step in (step, None)] if letter is not None else []
    )
    return {
        "send": True,
        "letter": letter,
        "send_to": configured,
        "letter_to": [r for r in own if [r.channel, r.address] not in [c[1:3] for c in configured]],
        "last_step": step == max(delivery_steps(case.sop.code) or [step]),
    }


def draft_panel(request: HttpRequest, case: Any, task: Any, step: Any) -> SafeString | None:
    """On a report case's drafting step without a letter: make it from the recap."""
    from alur.letters.selectors import case_letter

    period = period_of(case)
    if period is None or not period.recap or case_letter(case) is not None:
        return None
    return _html(request, "reports/panels/draft.html", {"case": case, "period": period})


def case_panel(request: HttpRequest, case: Any) -> SafeString | None:
    period = period_of(case)
    if period is None:
        return None
    if period.definition.kind == ReportKind.COVERAGE:
        job = selectors.latest_import(period)
        return _html(
            request,
            "reports/panels/case.html",
            {
                "case": case,
                "period": period,
                "coverage": True,
                "job": job,
                "checks": coverage_checks(period) if job else None,
            },
        )
    rows = selectors.reporter_rows(request.user, period)
    collecting = case.tasks.filter(
        status__in=["open", "claimed"], office__parent=period.definition.office
    ).exists()
    return _html(
        request,
        "reports/panels/case.html",
        {
            "case": case,
            "period": period,
            "rows": rows,
            "rates": selectors.period_rates(rows),
            "close_form": CloseForm()
            if collecting and can(request.user, Capability.HANDLE_CASES, period.definition.office)
            else None,
        },
    )


def register_all() -> None:
    """The case panel, and the drafting button on S0's `letters.draft` step; the reports keys'
    own panel is declared with them (steps.py)."""
    declare("letters.draft", panel=draft_panel)
    register_case_panel(case_panel)
