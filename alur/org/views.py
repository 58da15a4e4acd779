from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alur.org.access import Capability, capabilities_in, offices_for
from alur.org.selectors import office_for, staff_of
from alur.worktime.forms import ClosureForm, WeeklyHoursForm
from alur.worktime.selectors import closures_for, holidays_between, hours_for


@login_required
def office_list(request: HttpRequest) -> HttpResponse:
    offices = offices_for(request.user, Capability.VIEW_OFFICE).select_related("parent")
    return render(request, "org/office_list.html", {"offices": offices})


@login_required
def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    office = office_for(request.user, code, Capability.VIEW_OFFICE)
    today = timezone.localdate()
    hours = hours_for(office)
    return render(
        request,
        "org/office_detail.html",
        {
            "office": office,
            "staff": staff_of(office),
            "capabilities": capabilities_in(request.user, office),
            "hours": hours,
            "hours_default": all(row.is_default for row in hours),
            "closures": closures_for(office, since=timezone.now()),
            "holidays": holidays_between(today, today + timedelta(days=90)),
            "closure_form": ClosureForm(),
            "hours_form": WeeklyHoursForm(),
        },
    )
