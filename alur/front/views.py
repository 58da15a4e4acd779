from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alur.org.access import Capability, office_ids_for
from alur.org.selectors import positions_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # An office's page is linked only where the person may open it (a partner may not).
    return render(
        request,
        "front/home.html",
        {
            "offices": positions_of(request.user),
            "viewable": office_ids_for(request.user, Capability.VIEW_OFFICE),
        },
    )


@require_GET
def alive(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer: the process answers (no database, no session)."""
    return HttpResponse("ok", content_type="text/plain")
