"""The intake keys, each declared once.

- `intake.application`: the applicant's submission. It is recorded when the case starts (the
  channel that takes the application starts the case with this step done), so it needs no
  handler: the engine handles it.
- `intake.requirements`: the officer checks the files against the service's requirements;
  passing on needs every required file, returning tells the applicant what is missing.
- `notify.applicant`: the applicant hears that the document is ready (`intake.notices`).
"""

from __future__ import annotations

from alur.core.errors import DomainError
from alur.intake.checking import KEY, requirement_rows
from alur.intake.models import Application
from alur.sop.registry import Completion, KeyKind, declare
from alur.workflow.choices import Outcome
from alur.workflow.services import StepContext
from alur.workflow.spec import APPLICANT


def on_requirements_checked(context: StepContext) -> None:
    """Passing an application on needs every required file; returning it tells the applicant."""
    application = Application.objects.filter(case=context.case).first()
    if application is None:
        return  # a case started without an application (procedure tests, other channels)
    if context.outcome == Outcome.DONE:
        absent = [row.requirement.label for row in requirement_rows(application) if row.missing]
        if absent:
            raise DomainError(
                "Berkas wajib belum ada: " + "; ".join(absent) + ". Kembalikan ke pemohon.",
                code="missing",
            )
    elif context.outcome == Outcome.RETURN and context.task.return_to == APPLICANT:
        from alur.intake.notices import notify

        notify(
            context.case,
            f"Permohonan {context.case.reference} belum dapat diproses: {context.task.reason}\n"
            "Kirim kekurangannya ke nomor ini (ketik KIRIM), atau bawa ke loket. Waktu layanan "
            "berhenti sampai berkas lengkap.",
            f"return:{context.task.pk}",
        )


def register() -> None:
    from alur.intake import notices
    from alur.intake.panels import requirements_panel

    declare(
        "intake.application",
        KeyKind.FORM,
        description="The applicant or reporter submits the request or complaint with its "
        "files (WhatsApp, web or counter).",
        generic=True,
    )
    declare(
        KEY,
        KeyKind.FORM,
        on_requirements_checked,
        description="An officer checks the submitted files against the service's "
        "requirements; what is missing goes back to the applicant.",
        panel=requirements_panel,
        replaces_outcome=True,
        completion=Completion(
            success="Persyaratan lengkap; permohonan diteruskan.",
            personal=True,
            applies=lambda case: Application.objects.filter(case=case).exists(),
        ),
    )
    declare(
        "notify.applicant",
        KeyKind.ACTION,
        notices.on_done,
        description="Tell the applicant (WhatsApp) that the document is ready.",
    )
