from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alur.org.selectors import positions_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "front/home.html", {"offices": positions_of(request.user)})
