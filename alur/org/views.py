from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alur.audit.selectors import recent_events
from alur.org.access import Capability, capabilities_in, offices_for
from alur.org.models import Office
from alur.org.selectors import office_for, staff_of


@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    offices = offices_for(request.user, Capability.VIEW_OFFICE).select_related("parent")
    return render(request, "org/office_list.html", {"offices": offices})


@login_required
def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    context: dict[str, Any] = {
        "office": office,
        "staff": staff_of(office),
        "capabilities": capabilities_in(request.user, office),
    }
    for section in office_sections(office):
        context.update(section)
    return render(request, "org/office_detail.html", context)


def office_sections(office: Office) -> list[dict[str, Any]]:
    """What apps above `org` show on the office page: an AppConfig with
    `office_section(office) -> dict` adds its context (and its template is included by
    `org/office_detail.html`), so `org` imports none of them (e.g. worktime's calendar)."""
    return [
        config.office_section(office)
        for config in apps.get_app_configs()
        if hasattr(config, "office_section")
    ]


@login_required
def office_events(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_AUDIT)
    return render(
        request, "audit/office_events.html", {"office": office, "events": recent_events(office)}
    )
