"""`{% ikm_card office %}`: the office's IKM of the current quarter as a card (value, mutu,
respondents, the chart per element and a link to the IKM page), for the dashboards of the
management who may read it; nothing for anyone else. A template tag, so the dashboard shows it
without its app importing this one."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.survey import charts, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def ikm_card(context: dict[str, Any], office: Any) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or office is None or office.pk not in selectors.ikm_office_ids(user):
        return SafeString("")
    result = selectors.office_ikm(office, selectors.current_quarter(office))
    chart = (
        charts.elements_chart(result.index, f"NRR per unsur, {result.quarter.label}")
        if result.index.respondents
        else ""
    )
    return SafeString(
        render_to_string(
            "survey/ikm_card.html", {"result": result, "chart": chart}, request=request
        )
    )


@register.simple_tag(takes_context=True)
def survey_qr(context: dict[str, Any], case: Any) -> SafeString:
    """The QR code and link of the case's survey, for a printed sheet the citizen takes home;
    nothing when the case has no open survey by link."""
    from alur.survey.choices import Channel
    from alur.survey.models import Survey
    from alur.survey.panels import public_link, qr_code_svg

    request = context.get("request")
    survey = Survey.objects.filter(case=case, channel=Channel.LINK).first() if case else None
    if request is None or survey is None or not survey.is_open:
        return SafeString("")
    link = public_link(request, survey)
    return SafeString(
        render_to_string(
            "survey/sheet_qr.html", {"link": link, "qr": qr_code_svg(link)}, request=request
        )
    )
