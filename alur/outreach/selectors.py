from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from alur.org.access import Capability, DataClass, office_ids_for, office_ids_seeing
from alur.org.models import Office, User
from alur.outreach.choices import Channel
from alur.outreach.models import Referral, SupportingLetter
from alur.sop.selectors import runs_sop
from alur.workflow.choices import CaseStatus
from alur.workflow.models import Case
from alur.workflow.selectors import personal_cases

OPEN = (CaseStatus.OPEN, CaseStatus.WAITING)


def referrals_for(user: Any) -> QuerySet[Referral]:
    """Referrals `user` may read (need-to-know, org.access.DataClass). The staff who handle the
    referral's case read it (`workflow.selectors.personal_cases`), and every post of the office
    that sees personal data reads those not yet taken up; a partner reads only their own
    (referred from their account or taken up by them) and the public form's referrals still
    waiting for a partner of their office, never another partner's."""
    personal = office_ids_seeing(user, DataClass.PERSONAL)
    partner = office_ids_seeing(user, DataClass.OWN_REFERRALS) & office_ids_for(
        user, Capability.REFER_RESIDENTS
    )
    pk = getattr(user, "pk", None)
    own = Q(referred_by_id=pk) | Q(referred_by__isnull=True, case__started_by_id=pk)
    waiting = Q(case__isnull=True, channel=Channel.WEB)
    staff = (Q(case__isnull=False) & personal_cases(user, "case")) | Q(
        case__isnull=True, office_id__in=personal
    )
    readable = staff | (Q(office_id__in=partner) & (own | waiting))
    return Referral.objects.filter(readable).select_related(
        "office", "case", "resident", "family", "district", "referred_by"
    )


def is_staff_for(user: Any, referral: Referral) -> bool:
    """Does the person read the referral as staff (not as its partner)?"""
    return referral.office_id in office_ids_seeing(user, DataClass.PERSONAL) and (
        referral.case_id is None
        or Referral.objects.filter(personal_cases(user, "case"), pk=referral.pk).exists()
    )


def open_referrals(user: Any) -> QuerySet[Referral]:
    """Not yet finished: waiting for a partner, or with a case still running."""
    return referrals_for(user).filter(Q(case__isnull=True) | Q(case__status__in=OPEN))


def referral_for(user: Any, pk: int) -> Referral:
    referral = referrals_for(user).filter(pk=pk).first()
    if referral is None:
        raise Http404("Rujukan tidak ditemukan.")
    return referral


def runs_siaga(user: Any) -> bool:
    """Does one of the offices where the person handles cases run Dukcapil Siaga? (Read each
    request by `sop.selectors.runs_sop`, so an SOP loaded by another process counts at once.)"""
    return runs_sop(user, "S3")


def referral_offices() -> QuerySet[Office]:
    """Offices that run Dukcapil Siaga: those with an S3 revision's office code."""
    from alur.sop.models import SopRevision

    codes = SopRevision.objects.filter(code="S3").values_list("office_code", flat=True)
    return Office.objects.filter(code__in=codes, is_active=True).order_by("code")


def scatter(referrals: list[Referral], width: int = 320, height: int = 220) -> list[dict]:
    """Points of the referrals with coordinates, scaled into a width × height box."""
    located = [
        (float(r.latitude), float(r.longitude), r)
        for r in referrals
        if r.latitude is not None and r.longitude is not None
    ]
    if not located:
        return []
    lats = [lat for lat, _lon, _r in located]
    lons = [lon for _lat, lon, _r in located]
    pad = 0.002
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    points = []
    for lat, lon, referral in located:
        points.append(
            {
                "referral": referral,
                "x": round(10 + (lon - west) / (east - west) * (width - 20), 1),
                "y": round(10 + (north - lat) / (north - south) * (height - 20), 1),
            }
        )
    return points


def progress(referral: Referral) -> str:
    """Where the referral stands, in a sentence its partner understands."""
    from alur.workflow.services import procedure

    case = referral.case
    if case is None:
        return "Menunggu diteruskan oleh mitra Dukcapil Siaga."
    if case.status == CaseStatus.DONE:
        return "Selesai: dokumen kependudukan sudah diserahkan."
    if case.status in (CaseStatus.REJECTED, CaseStatus.CANCELLED):
        return f"{case.get_status_display()}."
    spec = procedure(case)
    open_steps = sorted(
        set(
            case.tasks.filter(status__in=("open", "claimed", "waiting")).values_list(
                "step", flat=True
            )
        )
    )
    if not open_steps:
        return "Sedang diproses."
    step = spec.step(open_steps[0])
    missing = letters_missing(referral)
    if missing and any(letter.chased_at for letter in missing):
        return "Menunggu surat pendukung dari Anda (lihat di bawah)."
    return f"Sedang diproses: langkah {step.number}, {spec.actors[step.actor].label}."


def referral_of(case: Case) -> Referral | None:
    return Referral.objects.filter(case=case).select_related("office", "resident").first()


def partner_of(referral: Referral) -> User | None:
    """The partner who answers for the referral: who referred it from their account, or who
    took up a referral of the public form (and so started its case)."""
    if referral.referred_by_id is not None:
        return referral.referred_by
    case = referral.case if referral.case_id is not None else None
    if case is not None and case.started_by_id is not None:
        return case.started_by
    return None


def is_own(user: Any, referral: Referral) -> bool:
    partner = partner_of(referral)
    return partner is not None and getattr(user, "pk", None) == partner.pk


def letters_missing(referral: Referral) -> list[SupportingLetter]:
    return [letter for letter in referral.letters.all() if letter.received_at is None]
