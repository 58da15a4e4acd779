"""The documents' forms on the case page: data entry, signing, print, hand-over, and the list
of the case's documents with their drafts, signed files and verification pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.documents import kept
from alur.documents.choices import CARDS, OutputKind
from alur.documents.definitions import DocumentService, service_for
from alur.documents.forms import HandoverForm
from alur.documents.issuing import sign_task
from alur.documents.services import MSG_NOT_ENTRY_STEP, case_documents, entry_task, fixed
from alur.documents.siak import entry_form_class
from alur.org.access import Capability, can
from alur.registry.port import is_siak
from alur.registry.selectors import family_search
from alur.workflow.models import Case, Task
from alur.workflow.panels import register_case_panel
from alur.workflow.spec import StepSpec

# The names of the entry form's family search (posted with the entry, so nothing typed is lost).
SEARCH = "_keluarga"
SEARCH_BUTTON = "_cari"
CHOOSE = "_pilih"
CORRECTION_PREFIX = "koreksi"
CORRECTION_ANCHOR = "koreksi-isian"


def _render(request: HttpRequest, template: str, context: dict) -> SafeString:
    return SafeString(render_to_string(template, context, request=request))


def _siak(case: Case) -> dict[str, Any]:
    """Whether the case's office is on SIAK, and the link to SIAK its people follow: on SIAK the
    paper documents are printed by SIAK, so Alur offers no draft of its own (`_documents.html`)."""
    return {"siak": is_siak(case.office), "siak_url": settings.SIAK_URL}


def _base(case: Case, task: Task, step: StepSpec) -> dict:
    return {"case": case, "task": task, "step": step, "documents": case_documents(case)} | _siak(
        case
    )


def entry_form(
    service: DocumentService,
    form_class: type[forms.Form],
    case: Case,
    state: kept.Kept | None,
    prefix: str | None = None,
) -> forms.Form:
    """The entry (or correction) form: as the person left it (the values typed, each error
    beside its field) when a post came back; else from the case's application or last entry."""
    if state is not None and state.errors:
        form = form_class(state.data, prefix=prefix)
        kept.restore(form, state)
        return form
    initial = service.enter_initial(case) if service.enter_initial else {}
    if state is not None:
        initial = initial | kept.unprefixed(form_class, state.data, prefix)
    return form_class(initial=initial, prefix=prefix)


def _entry_context(
    request: HttpRequest, service: DocumentService, case: Case, form: forms.Form, search: str
) -> dict[str, Any]:
    searchable = service.family_fill is not None or service.person_fill is not None
    found = family_search(request.user, search, office=case.office) if search else None
    return {
        "form": form,
        "service": service,
        "errors": kept.summary(form, kept.form_errors(form)) if form.is_bound else [],
        "searchable": searchable,
        "search": search,
        "found": found,
        "can_choose_family": service.family_fill is not None,
        "can_choose_person": service.person_fill is not None,
        "SEARCH": SEARCH,
        "SEARCH_BUTTON": SEARCH_BUTTON,
        "CHOOSE": CHOOSE,
    }


def enter_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    service = service_for(case.sop.code)
    form_class = entry_form_class(service, case.office) if service is not None else None
    if service is None or form_class is None:
        return None
    state = kept.take(request, f"enter:{task.pk}")
    form = entry_form(service, form_class, case, state)
    context = _base(case, task, step) | _entry_context(
        request, service, case, form, state.search if state else ""
    )
    return _render(request, service.enter_template, context)


def sign_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    if service_for(case.sop.code) is None:
        return None
    mine = request.user.is_authenticated and sign_task(case, request.user) is not None
    context = _base(case, task, step) | {"mine": mine}
    if is_siak(case.office):
        return siak_sign_panel(request, case, context)
    return _render(request, "documents/panels/sign.html", context)


def siak_sign_panel(request: HttpRequest, case: Case, context: dict) -> SafeString:
    """The signing step of an office on SIAK: the Kadis signs in SIAK and attaches the PDF
    SIAK printed for each paper document, showing the number it must carry."""
    from alur.documents.siak_output import MAX_BYTES, attach_kinds, expected_number

    pending = [(d, expected_number(d)) for d in attach_kinds(case)]
    context = context | {"pending": pending, "max_mb": MAX_BYTES // (1024 * 1024)}
    return _render(request, "documents/panels/siak_sign.html", context)


def print_panel(request: HttpRequest, case: Case, task: Task, step: StepSpec) -> SafeString | None:
    service = service_for(case.sop.code)
    if service is None or step.form == "documents.enter":
        return None  # a data-entry step's panel completes its print too
    documents = case_documents(case)
    have = {d.kind for d in documents}
    cards = [(kind, OutputKind(kind).label) for kind in service.outputs if kind in CARDS]
    initial = service.enter_initial(case) if service.enter_initial else {}
    context = _base(case, task, step) | {
        "cards": cards,
        "needs_nik": any(kind not in have for kind, _label in cards),
        "nik": initial.get("nik", ""),
        "form": service.print_form(initial=initial) if service.print_form else None,
    }
    return _render(request, "documents/panels/print.html", context)


def registry_check_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    """The applicant as the registry knows them: data and whether their biometric record is on
    the server (S2c step 2)."""
    from alur.documents.checks import RECORD_NOW, applicant_resident
    from alur.documents.views_identity import identity_context

    if service_for(case.sop.code) is None:
        return None
    context = (
        _base(case, task, step)
        | {"resident": applicant_resident(case), "record_now": RECORD_NOW}
        | identity_context(request, case)
    )
    return _render(request, "documents/panels/registry_check.html", context)


def handover_panel(
    request: HttpRequest, case: Case, task: Task, step: StepSpec
) -> SafeString | None:
    if service_for(case.sop.code) is None:
        return None
    context = _base(case, task, step) | {"form": HandoverForm()}
    return _render(request, "documents/panels/handover.html", context)


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    if service_for(case.sop.code) is None:
        return None
    documents = case_documents(case)
    if not documents:
        return None
    service = service_for(case.sop.code)
    correctable = (
        service is not None
        and service.enter_form is not None
        and case.finished_at is None
        and not any(fixed(d) for d in documents)
        and can(request.user, Capability.HANDLE_CASES, case.office)
        and entry_task(case, request.user) is not None
    )
    form = None
    state = kept.take(request, f"correct:{case.reference}")
    form_class = entry_form_class(service, case.office) if service is not None else None
    if correctable and service is not None and form_class is not None:
        form = entry_form(service, form_class, case, state, prefix=CORRECTION_PREFIX)
    reviewing = (
        not correctable
        and case.finished_at is None
        and not any(fixed(d) for d in documents)
        and can(request.user, Capability.HANDLE_CASES, case.office)
    )
    context = {
        "case": case,
        "documents": documents,
        "correction": form,
        "frozen_note": MSG_NOT_ENTRY_STEP if reviewing else "",
        "errors": kept.summary(form, kept.form_errors(form))
        if form is not None and form.is_bound
        else [],
        "open": state is not None,
        "anchor": CORRECTION_ANCHOR,
    } | _siak(case)
    return _render(request, "documents/panels/case.html", context)


def register() -> None:
    register_case_panel(case_panel)  # the step panels are declared with their keys (steps.py)
