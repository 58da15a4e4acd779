from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from alur.org.access import Capability, office_ids_for
from alur.org.models import Office
from alur.outreach.models import Referral
from alur.workflow.choices import CaseStatus

OPEN = (CaseStatus.OPEN, CaseStatus.WAITING)


def referrals_for(user: Any) -> QuerySet[Referral]:
    """Referrals of the offices where `user` handles cases or refers residents."""
    offices = office_ids_for(user, Capability.HANDLE_CASES) | office_ids_for(
        user, Capability.REFER_RESIDENTS
    )
    return Referral.objects.filter(office_id__in=offices).select_related(
        "office", "case", "resident", "family", "district", "referred_by"
    )


def open_referrals(user: Any) -> QuerySet[Referral]:
    """Not yet finished: waiting for a partner, or with a case still running."""
    return referrals_for(user).filter(Q(case__isnull=True) | Q(case__status__in=OPEN))


def referral_for(user: Any, pk: int) -> Referral:
    referral = referrals_for(user).filter(pk=pk).first()
    if referral is None:
        raise Http404("Rujukan tidak ditemukan.")
    return referral


def referral_offices() -> QuerySet[Office]:
    """Offices that run Dukcapil Siaga: those with an S3 revision's office code."""
    from alur.sop.models import SopRevision

    codes = SopRevision.objects.filter(code="S3").values_list("office_code", flat=True)
    return Office.objects.filter(code__in=codes, is_active=True).order_by("code")


def scatter(referrals: list[Referral], width: int = 320, height: int = 220) -> list[dict]:
    """Points of the referrals with coordinates, scaled into a width × height box."""
    located = [r for r in referrals if r.latitude is not None and r.longitude is not None]
    if not located:
        return []
    lats = [float(r.latitude) for r in located]  # type: ignore[arg-type]
    lons = [float(r.longitude) for r in located]  # type: ignore[arg-type]
    pad = 0.002
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    points = []
    for referral, lat, lon in zip(located, lats, lons, strict=True):
        points.append(
            {
                "referral": referral,
                "x": round(10 + (lon - west) / (east - west) * (width - 20), 1),
                "y": round(10 + (north - lat) / (north - south) * (height - 20), 1),
            }
        )
    return points
