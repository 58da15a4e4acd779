"""The reports.* keys of S0 and S4, each declared once: what it means, what runs inside its
step's transition, and its panel on the case page."""

from __future__ import annotations

from django.db import transaction

from alur.core.errors import DomainError
from alur.reports.choices import ReportKind, Source, SubmissionStatus
from alur.reports.models import ReportPeriod, Submission
from alur.reports.selectors import SEND_KEY, coverage_ready
from alur.reports.services.coverage import lakip_deliver
from alur.reports.services.periods import period_aggregate, period_ensure
from alur.reports.services.weekly import (
    period_distribute,
    report_send,
    sent_tasks_settle,
    submission_save,
)
from alur.sop.registry import KeyKind, declare
from alur.workflow.choices import Outcome
from alur.workflow.services import StepContext


def _period(context: StepContext) -> ReportPeriod:
    return period_ensure(case=context.case, actor=context.actor)


def on_define(context: StepContext) -> None:
    """Step 1 of S0: the Kasi confirms the format; the case gets its period."""
    if context.outcome == Outcome.DONE:
        _period(context)


def on_distribute(context: StepContext) -> None:
    """Step 2 of S0: the form to every kab/kota (nothing new when the schedule sent it). Those
    that already sent their report have their step completed once it opens, after commit."""
    period = _period(context)
    period_distribute(period=period, actor=context.actor)
    transaction.on_commit(lambda: sent_tasks_settle(period=period), robust=True)


def on_submit(context: StepContext) -> None:
    if context.outcome != Outcome.DONE:
        return
    period = _period(context)
    if period.definition.kind == ReportKind.COVERAGE:
        coverage_ready(period)  # S4 step 4: the data of every kab/kota are in
        return
    office = context.task.office
    values = context.data.get("values")
    source = context.data.get("source") or Source.WEB
    reason = context.data.get("reason", "")
    if values is None:
        draft = Submission.objects.filter(period=period, office=office).first()
        if draft is None:
            raise DomainError(
                "Isi angka laporan dahulu (formulir, unggah Excel, atau WhatsApp).",
                code="no_values",
            )
        if draft.status == SubmissionStatus.SUBMITTED:
            return
        values, source, reason = draft.values, draft.source, draft.edit_reason
    submission_save(
        period=period,
        office=office,
        actor=context.actor,
        values=values,
        source=source,
        reason=reason,
        send=True,
    )


def on_collect(context: StepContext) -> None:
    period = _period(context)
    if period.definition.kind == ReportKind.COVERAGE:
        coverage_ready(period)  # S4 step 3: the PIAK file was received and read


def on_aggregate(context: StepContext) -> None:
    period = _period(context)
    if period.definition.kind == ReportKind.COVERAGE:
        coverage_ready(period)
    period_aggregate(period=period, actor=context.actor)


def on_deliver(context: StepContext) -> None:
    lakip_deliver(period=_period(context), actor=context.actor)


def on_send(context: StepContext) -> None:
    """S0 steps 12 and 13: the signed report to the recipients configured for the step."""
    if context.actor is None:
        raise DomainError("Langkah pengiriman dikerjakan oleh pelaksananya.")
    report_send(case=context.case, step=context.step.number, actor=context.actor)


def register_all() -> None:
    from alur.reports.panels import step_panel

    for key, kind, handler, description in (
        (
            "reports.define",
            KeyKind.FORM,
            on_define,
            "Define a periodic report: its fields, period, deadline and recipients.",
        ),
        (
            "reports.submit",
            KeyKind.FORM,
            on_submit,
            "Enter one office's figures for a period: web form, Excel upload, or prefilled "
            "from the system's own counts.",
        ),
        (
            "reports.distribute",
            KeyKind.ACTION,
            on_distribute,
            "Send the report form to every reporting office, with reminders before the deadline.",
        ),
        (
            "reports.collect",
            KeyKind.ACTION,
            on_collect,
            "Track the reporting offices' submissions (on time, late, missing) and close the "
            "period at the deadline.",
        ),
        (
            "reports.aggregate",
            KeyKind.ACTION,
            on_aggregate,
            "Recapitulate the submissions: totals and coverage per office and for the province.",
        ),
        (
            "reports.deliver",
            KeyKind.ACTION,
            on_deliver,
            "Send the finished report to its recipients and log the delivery.",
        ),
        (
            SEND_KEY,
            KeyKind.ACTION,
            on_send,
            "Send the signed report to the recipients the office configured for this delivery "
            "step (WhatsApp numbers, e-mail) through the outbox; a step with no recipient "
            "refuses to complete.",
        ),
    ):
        declare(key, kind, handler, description=description, panel=step_panel)
