"""The office page's WhatsApp section: its one action, "Sinkronkan" (the list itself is drawn
by `WhatsappCloudConfig.office_section`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from alur.core.web import run_service
from alur.org.access import AuthedRequest, Capability
from alur.org.selectors import office_for
from alur.whatsapp_cloud import services


@login_required
@require_POST
def templates_sync(request: AuthedRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    run_service(
        request,
        lambda: services.templates_sync_request(office=office, actor=request.user),
        "Sinkronisasi templat WhatsApp dijalankan; muat ulang halaman ini sebentar lagi.",
    )
    return redirect(reverse("org:office_detail", args=[office.code]) + "#templat-whatsapp")
