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
