from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alur.audit.selectors import recent_events
from alur.org.access import Capability, capabilities_in, offices_for
from alur.org.backends import (
    BACKEND_LABELS,
    identity_backend,
    registry_backend,
    signing_backend,
)
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
        "backends": office_backends(office),
    }
    for section in office_sections(office):
        context.update(section)
    return render(request, "org/office_detail.html", context)


def office_backends(office: Office) -> list[dict[str, Any]]:
    """The national systems `office` works through: each port's backend, and whether it is the
    office's own choice or the deployment's default."""
    rows = [
        (
            "Tanda tangan elektronik (TTE)",
            "signing",
            signing_backend(office),
            office.signing_backend,
        ),
        ("Register kependudukan", "registry", registry_backend(office), office.registry_backend),
        ("Verifikasi identitas", "identity", identity_backend(office), office.identity_backend),
    ]
    return [
        {
            "title": title,
            "port": port,
            "backend": backend,
            "label": BACKEND_LABELS[port].get(backend, backend),
            "own": bool(own),
        }
        for title, port, backend, own in rows
    ]


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
