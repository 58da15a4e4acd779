from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alur.audit.selectors import recent_events
from alur.org.access import Capability
from alur.org.selectors import office_for


@login_required
def office_events(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_AUDIT)
    return render(
        request, "audit/office_events.html", {"office": office, "events": recent_events(office)}
    )
