from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alur.org.access import Capability, capabilities_in, offices_for
from alur.org.selectors import office_for, staff_of


@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    offices = offices_for(request.user, Capability.VIEW_OFFICE).select_related("parent")
    return render(request, "org/office_list.html", {"offices": offices})


@login_required
def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    return render(
        request,
        "org/office_detail.html",
        {
            "office": office,
            "staff": staff_of(office),
            "capabilities": capabilities_in(request.user, office),
        },
    )
