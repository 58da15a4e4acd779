"""A referral of a vulnerable resident and its S3 case: recorded, submitted or forwarded by a
partner, linked to the case, or closed by the officer. The same person may not be referred twice
while the first referral is not refused or cancelled: same NIK, or same name, birth date and
village."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.org.access import Capability, require
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.outreach.choices import Channel
from alur.outreach.inputs import ReferralInput, clean_referral
from alur.outreach.models import Referral
from alur.outreach.selectors import partner_of
from alur.workflow import engine
from alur.workflow.cancel import case_cancel
from alur.workflow.choices import CaseStatus, TaskStatus
from alur.workflow.models import Case, Notification
from alur.workflow.services import case_start, procedure, task_claim, task_complete

SOP_CODE = "S3"

REFER_KEY = "outreach.refer"

VISIT_KEY = "outreach.visit"

ENDED = (CaseStatus.REJECTED, CaseStatus.CANCELLED)


class DuplicateReferral(DomainError):
    """The same person is already referred; `existing` is that referral."""

    def __init__(self, existing: Referral) -> None:
        super().__init__(
            f"{existing.name} sudah dirujuk sebelumnya dengan nomor {existing.number} "
            f"({timezone.localtime(existing.submitted_at):%d-%m-%Y}). Lihat rujukan tersebut; "
            "tidak perlu merujuk lagi.",
            code="duplicate",
        )
        self.existing = existing

    @property
    def url(self) -> str:
        return reverse("outreach:detail", kwargs={"pk": self.existing.pk})


def _duplicate(office: Office, values: dict[str, Any]) -> Referral | None:
    same = Q()
    if values["nik"]:
        same |= Q(nik=values["nik"])
    if values["birth_date"] and values["village"]:
        same |= Q(
            name__iexact=values["name"],
            birth_date=values["birth_date"],
            village__iexact=values["village"],
        )
    if not same:
        return None
    live = Q(case__isnull=True) | ~Q(case__status__in=ENDED)
    return (
        Referral.objects.select_related("office")
        .filter(same, live, office=office)
        .order_by("pk")
        .first()
    )


def _is_partner(actor: User | None, office: Office) -> bool:
    return actor is not None and engine.holds(actor, office.pk, PositionKind.MITRA)


@transaction.atomic
def referral_create(
    *, office: Office, data: ReferralInput, actor: User | None, channel: str
) -> Referral:
    """Record a referral (no case yet). `actor` None: the public form."""
    if actor is not None:
        require(actor, Capability.REFER_RESIDENTS, office)
    if channel not in Channel.values:
        raise DomainError("Saluran rujukan tidak dikenal.")
    values = clean_referral(data)
    # One referral of a person at a time: serialise referrals of one office on its row.
    Office.objects.select_for_update().filter(pk=office.pk).first()
    existing = _duplicate(office, values)
    if existing is not None:
        raise DuplicateReferral(existing)
    referral = Referral.objects.create(
        office=office,
        channel=channel,
        referred_by=actor,
        submitted_at=timezone.now(),
        **values,
    )
    record(
        actor=actor,
        office=office,
        action="outreach.referral_create",
        obj=referral,
        after={"channel": channel, "category": referral.category, "name": referral.name},
    )
    return referral


def _start(referral: Referral, partner: User) -> Case:
    case = case_start(
        code=SOP_CODE,
        office=referral.office,
        subject=f"Dukcapil Siaga: {referral.name}",
        actor=partner,
    )
    task = case.tasks.get(step=procedure(case).first)
    task_complete(task=task, actor=partner, outcome="done", data={"referral": referral.pk})
    referral.refresh_from_db()
    return case


@transaction.atomic
def referral_submit(*, office: Office, data: ReferralInput, actor: User) -> Referral:
    """A partner refers a resident from their account: the S3 case starts with it."""
    if not _is_partner(actor, office):
        require(actor, Capability.REFER_RESIDENTS, office)
        raise DomainError("Rujukan lewat akun hanya untuk mitra kantor ini.", code="not_partner")
    referral = referral_create(office=office, data=data, actor=actor, channel=Channel.PARTNER)
    _start(referral, actor)
    return referral


@transaction.atomic
def referral_forward(*, referral: Referral, actor: User) -> Referral:
    """A partner takes up a referral that came from the public form: the S3 case starts."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=referral.pk)
    )
    if not _is_partner(actor, referral.office):
        raise DomainError("Hanya mitra kantor ini yang dapat meneruskan rujukan.", code="partner")
    if referral.case_id is not None:
        raise ConflictError(f"Rujukan {referral.number} sudah diteruskan.")
    _start(referral, actor)
    referral.refresh_from_db()
    return referral


def link_case(*, referral_id: Any, case: Case, actor: User | None) -> Referral:
    """Step 1 of S3: the referral becomes the case's. Runs inside the step's transition."""
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise DomainError(
            "Isi data penduduk rentan yang dirujuk (formulir rujukan).", code="no_referral"
        ) from None
    referral = Referral.objects.select_for_update().filter(pk=pk, office=case.office).first()
    if referral is None:
        raise DomainError("Rujukan tidak ditemukan di kantor ini.", code="no_referral")
    if referral.case_id is not None and referral.case_id != case.pk:
        raise ConflictError(f"Rujukan {referral.number} sudah menjadi perkara lain.")
    referral.case = case
    referral.save(update_fields=["case"])
    record(
        actor=actor,
        office=case.office,
        action="outreach.referral_link",
        obj=referral,
        after={"case": case.reference},
    )
    return referral


@transaction.atomic
def referral_close(*, referral: Referral, actor: User, reason: str) -> Referral:
    """The officer confirming a referral finds it needs nothing from the office (the resident
    already has documents elsewhere, or cannot be helped by Dukcapil): the case is cancelled
    with the reason and the partner is told. The SOP refuses nothing, so this is no step
    outcome; only the one who holds the open confirmation step may close it."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("office", "case", "referred_by")
        .get(pk=referral.pk)
    )
    if referral.case is None or referral.case.status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise ConflictError("Rujukan ini tidak sedang diproses.")
    text = reason.strip()[:500]
    if not text:
        raise DomainError("Tuliskan alasan rujukan ditutup (disampaikan kepada mitra).")
    spec = procedure(referral.case)
    confirm = [s.number for s in spec.steps if s.form == "intake.requirements"]
    task = referral.case.tasks.filter(
        step__in=confirm, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)
    ).first()
    if task is None:
        raise DomainError(
            "Rujukan hanya dapat ditutup saat petugas mengonfirmasinya (langkah pertama petugas)."
        )
    task_claim(task=task, actor=actor)  # only one who holds the open step closes it
    case_cancel(case=referral.case, actor=actor, reason=f"Rujukan ditutup: {text}")
    partner = partner_of(referral)
    if partner is not None:
        Notification.objects.create(
            user=partner,
            office=referral.office,
            kind="outreach.closed",
            message=f"Rujukan {referral.number} ({referral.name}) ditutup oleh Disdukcapil: {text}",
            created_at=timezone.now(),
        )
    record(
        actor=actor,
        office=referral.office,
        action="outreach.referral_close",
        obj=referral,
        reason=text,
        after={"case": referral.case.reference},
    )
    return referral
