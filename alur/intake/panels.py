"""The application on the case page: who applied, what they filled in, the files per
requirement, and the requirements check of the `intake.requirements` step."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.intake.catalogue import service
from alur.intake.checking import requirement_rows
from alur.intake.forms import ResubmitForm
from alur.intake.models import Application
from alur.intake.selectors import returned_for
from alur.org.access import Capability, can
from alur.workflow.choices import CaseStatus
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel
from alur.workflow.spec import APPLICANT, StepSpec


def _application(case: Case) -> Application | None:
    return Application.objects.filter(case=case).select_related("office").first()


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    application = _application(case)
    if application is None:
        return None
    svc = service(application.service_code)
    labels = {f.key: f.label for f in svc.fields} if svc else {}
    fields = [
        (labels.get(key, key), value)
        for key, value in application.fields.items()
        if key != "warnings"
    ]
    return SafeString(
        render_to_string(
            "intake/panel_application.html",
            {
                "application": application,
                "fields": fields,
                "warnings": application.fields.get("warnings", []),
                "rows": requirement_rows(application),
            },
            request=request,
        )
    )


def requirements_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    application = _application(case)
    if application is None:
        return None
    return SafeString(
        render_to_string(
            "intake/panel_requirements.html",
            {
                "application": application,
                "task": task,
                "rows": requirement_rows(application),
                "may_return": APPLICANT in step.returns,
            },
            request=request,
        )
    )


def resubmit_panel(request: HttpRequest, case: Case) -> SafeString | None:
    """While the case waits for the applicant (returned as incomplete), the counter attaches the
    files the applicant brings; their step is recorded with them."""
    if case.status != CaseStatus.WAITING or not can(
        request.user, Capability.HANDLE_CASES, case.office
    ):
        return None
    application = _application(case)
    svc = service(application.service_code) if application else None
    if application is None or svc is None:
        return None
    return SafeString(
        render_to_string(
            "intake/panel_resubmit.html",
            {
                "application": application,
                "form": ResubmitForm(service=svc),
                "asked": returned_for(application),
            },
            request=request,
        )
    )


def register() -> None:
    register_case_panel(case_panel)
    register_case_panel(resubmit_panel)  # the requirements check's panel: steps.py
