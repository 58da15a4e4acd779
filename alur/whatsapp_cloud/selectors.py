"""Reads of the offices' business numbers and their accounts' message templates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alur.org.models import Office
from alur.whatsapp_cloud.models import BusinessNumber, MessageTemplate
from alur.whatsapp_cloud.notices import NOTICE_TEMPLATES, NoticeTemplate

# The numbers staff messages go out from when they are not answers to a complaint.
NOT_COMPLAINTS = (BusinessNumber.Purpose.APPLICATIONS, BusinessNumber.Purpose.REPORTS)


def office_number(office: Office, purposes: Iterable[str] | None = None) -> BusinessNumber | None:
    """The office's first active number (by creation), of one of `purposes` when given."""
    numbers = BusinessNumber.objects.filter(office=office, is_active=True)
    if purposes is not None:
        numbers = numbers.filter(purpose__in=list(purposes))
    return numbers.order_by("pk").first()


def service_number(office: Office, service_code: str) -> BusinessNumber | None:
    """The office's active applications number that takes `service_code`."""
    return next(
        (
            number
            for number in BusinessNumber.objects.filter(
                office=office, is_active=True, purpose=BusinessNumber.Purpose.APPLICATIONS
            )
            if service_code in number.service_codes
        ),
        None,
    )


# -- message templates -------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateProblem:
    """Why a template cannot be sent: the Graph API error code WhatsApp would answer with, and
    the reason for staff (Bahasa Indonesia)."""

    code: int
    reason: str


def _body_parameters(components: Any) -> tuple[int, bool]:
    """How many body text parameters a template message carries, and whether it has a document
    header."""
    body, document = 0, False
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        kind = str(component.get("type", "")).lower()
        parameters = component.get("parameters") or []
        if kind == "body":
            body += len(parameters) if isinstance(parameters, list) else 0
        elif kind == "header" and isinstance(parameters, list):
            document = document or any(
                isinstance(p, dict) and p.get("type") == "document" for p in parameters
            )
    return body, document


_PAUSED, _DISABLED = MessageTemplate.Status.PAUSED, MessageTemplate.Status.DISABLED
_STATUS_CODES: dict[str, int] = {_PAUSED: 132015, _DISABLED: 132016}


def template_problem(phone_number_id: str, template: Mapping[str, Any]) -> TemplateProblem | None:
    """What stops `template` (an outbox template payload: name, language, components) from being
    sent from the number `phone_number_id`, by its account's synced templates; None when it can
    go. An account never synced (no templates kept) is not judged: WhatsApp decides."""
    number = BusinessNumber.objects.filter(phone_number_id=phone_number_id).first()
    if number is None or not number.waba_id:
        return None
    known = MessageTemplate.objects.filter(waba_id=number.waba_id)
    if not known.exists():
        return None
    name = str(template.get("name") or "")
    language = str(template.get("language") or "id")
    row = known.filter(name=name, language=language).first()
    if row is None:
        return TemplateProblem(
            132001,
            f"Templat «{name}» ({language}) tidak ada di akun WhatsApp Business nomor "
            f"{number.display_number}: daftarkan di WhatsApp Manager, lalu sinkronkan templat.",
        )
    if not row.approved:
        return TemplateProblem(
            _STATUS_CODES.get(row.status, 132001),
            f"Templat «{name}» ({language}) berstatus «{row.get_status_label()}» di WhatsApp "
            "Manager: belum dapat dipakai. Setelah disetujui, sinkronkan templat lalu kirim ulang.",
        )
    body, document = _body_parameters(template.get("components"))
    if body != row.body_parameters:
        return TemplateProblem(
            132000,
            f"Templat «{name}» memerlukan {row.body_parameters} parameter isi, pesan ini "
            f"membawa {body}.",
        )
    if document != row.document_header:
        need = "memerlukan" if row.document_header else "tidak memakai"
        return TemplateProblem(132012, f"Templat «{name}» {need} berkas sebagai kepala pesan.")
    return None


def office_waba_ids(office: Office) -> list[str]:
    """The WhatsApp Business Accounts of the office's active numbers."""
    return sorted(
        set(
            BusinessNumber.objects.filter(office=office, is_active=True)
            .exclude(waba_id="")
            .values_list("waba_id", flat=True)
        )
    )


@dataclass(frozen=True)
class TemplateUse:
    """One notice kind's template on the office page: the template Alur needs, and what the
    account's synced templates say of it."""

    notice: NoticeTemplate
    waba_id: str
    template: MessageTemplate | None
    synced: bool  # the account's templates were read at least once

    @property
    def ready(self) -> bool:
        return self.problem == ""

    @property
    def problem(self) -> str:
        """Empty when usable; else what is wrong, in a few words."""
        row = self.template
        if row is None:
            return "Belum terdaftar di WhatsApp Manager" if self.synced else "Belum disinkronkan"
        if not row.approved:
            return row.get_status_label()
        if row.body_parameters != self.notice.body_parameters:
            return (
                f"Jumlah parameter isi {row.body_parameters}, "
                f"seharusnya {self.notice.body_parameters}"
            )
        if row.document_header != self.notice.document_header:
            return "Kepala berkas tidak sesuai"
        return ""


@dataclass(frozen=True)
class OfficeTemplates:
    """The office page's WhatsApp section: numbers, each account's templates, when they were
    last synced, and the templates Alur's notices need with their state."""

    numbers: list[BusinessNumber]
    templates: list[MessageTemplate]
    uses: list[TemplateUse]
    synced_at: datetime | None


def office_templates(office: Office) -> OfficeTemplates:
    numbers = list(BusinessNumber.objects.filter(office=office).order_by("display_number"))
    wabas = sorted({n.waba_id for n in numbers if n.waba_id and n.is_active})
    templates = list(MessageTemplate.objects.filter(waba_id__in=wabas))
    by_key = {(t.waba_id, t.name, t.language): t for t in templates}
    synced = {t.waba_id for t in templates}
    uses = [
        TemplateUse(notice, waba, by_key.get((waba, notice.name, notice.language)), waba in synced)
        for waba in wabas
        for notice in NOTICE_TEMPLATES
    ]
    last = max((t.synced_at for t in templates), default=None)
    return OfficeTemplates(numbers=numbers, templates=templates, uses=uses, synced_at=last)
