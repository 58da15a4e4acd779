"""Checking an application's requirements (the `intake.requirements` step): the officer sees each
requirement with the files received for it, and either passes the application on or returns it
to the applicant with the exact list of what is missing or unclear. The applicant hears that list
over the channel the application came from, and the SLA clock stops until they resubmit."""

from __future__ import annotations

from dataclasses import dataclass

from alur.core.errors import DomainError
from alur.intake.catalogue import Requirement, service
from alur.intake.models import Application, Attachment
from alur.org.models import User
from alur.workflow.choices import Outcome
from alur.workflow.models import Task
from alur.workflow.services import task_complete
from alur.workflow.spec import APPLICANT

KEY = "intake.requirements"  # its handler and panel: `intake.steps`


@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    files: list[Attachment]

    @property
    def missing(self) -> bool:
        return self.requirement.required and not self.files


def requirement_rows(application: Application) -> list[RequirementRow]:
    svc = service(application.service_code)
    if svc is None:
        return []
    files = list(application.attachments.order_by("received_at", "pk"))
    return [
        RequirementRow(r, [f for f in files if f.requirement == r.key]) for r in svc.requirements
    ]


def missing_text(application: Application, keys: list[str], note: str = "") -> str:
    """The applicant's list: the labels of the requirements `keys`, then the officer's note."""
    svc = service(application.service_code)
    if svc is None:
        raise DomainError(f"Layanan {application.service_code!r} tidak dikenal.")
    labels = []
    for key in dict.fromkeys(keys):
        requirement = svc.requirement(key)
        if requirement is None:
            raise DomainError(f"Persyaratan {key!r} bukan persyaratan layanan ini.")
        labels.append(requirement.label)
    note = note.strip()
    if not labels and not note:
        raise DomainError(
            "Pilih persyaratan yang kurang atau tidak sesuai, atau tuliskan catatannya.",
            code="missing",
        )
    parts = []
    if labels:
        parts.append("kurang atau tidak sesuai: " + "; ".join(labels))
    if note:
        parts.append(f"catatan petugas: {note}")
    return ". ".join(parts)[:1000]


def requirements_return(*, task: Task, actor: User, missing: list[str], note: str = "") -> Task:
    """Return the application to the applicant with the list of what is missing."""
    application = Application.objects.filter(case=task.case).first()
    if application is None:
        raise DomainError(
            "Perkara ini bukan permohonan dengan berkas persyaratan; tidak ada yang dapat "
            "dikembalikan ke pemohon.",
            code="not_application",
        )
    return task_complete(
        task=task,
        actor=actor,
        outcome=Outcome.RETURN,
        return_to=APPLICANT,
        reason=missing_text(application, missing, note),
        data={"missing": list(missing)},
    )
