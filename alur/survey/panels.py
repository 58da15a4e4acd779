"""The survey on the case page: for a case surveyed by link, the officer shows the citizen the QR
code (or reads out the link) at the hand-over; for a WhatsApp survey, how far it got."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from alur.survey.choices import ELEMENT_COUNT, Channel
from alur.survey.models import Survey
from alur.survey.selectors import invitation_withheld
from alur.tte.qr import qr_svg
from alur.workflow.models import Case
from alur.workflow.panels import register_case_panel


def public_link(request: HttpRequest, survey: Survey) -> str:
    path = reverse("survey:public", args=[survey.token])
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def qr_code_svg(link: str) -> SafeString:
    """The QR code of the survey's page, named for what it opens (the helper names a document's
    verification)."""
    svg = qr_svg(link, scale=3).replace("Kode QR verifikasi dokumen", "Kode QR survei kepuasan")
    return SafeString(svg)


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    survey = Survey.objects.filter(case=case).first()
    if survey is None:
        return None
    withheld = survey.channel == Channel.WHATSAPP and invitation_withheld(survey)
    link = public_link(request, survey) if survey.channel == Channel.LINK or withheld else ""
    answered = survey.answers.count()
    return SafeString(
        render_to_string(
            "survey/panel_case.html",
            {
                "survey": survey,
                "link": link,
                "qr": qr_code_svg(link) if link and survey.is_open else "",
                "answered": answered,
                "withheld": withheld,
                "elements": ELEMENT_COUNT,
            },
            request=request,
        )
    )


def register() -> None:
    register_case_panel(case_panel)
