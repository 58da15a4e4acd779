"""The public survey page (by token, no sign-in) and the IKM page with its Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from alur.core.errors import ConflictError, DomainError
from alur.core.web import error_text, int_param
from alur.org.access import AuthedRequest
from alur.survey import charts, excel, selectors, services
from alur.survey.choices import ELEMENTS, SCORES, Education, Gender, Occupation, answer_label

NOT_FOUND = "Survei tidak ditemukan. Periksa lagi tautan atau kode QR yang Anda terima."


def _questions(values: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "number": e.number,
            "name": e.name,
            "question": e.question,
            "field": f"u{e.number}",
            "chosen": values.get(f"u{e.number}", ""),
            "answers": [(str(s), answer_label(e.number, s)) for s in SCORES],
        }
        for e in ELEMENTS
    ]


@never_cache
def public(request: HttpRequest, token: str) -> HttpResponse:
    survey = selectors.survey_by_token(token)
    if survey is None:
        raise Http404(NOT_FOUND)
    values = (
        {key: str(request.POST.get(key, ""))[:20] for key in request.POST}
        if (request.method == "POST")
        else {}
    )
    error, done = "", not survey.is_open or survey.answers.exists()
    if request.method == "POST" and not done:
        try:
            services.survey_submit(
                survey=survey,
                scores={e.number: values.get(f"u{e.number}", "") for e in ELEMENTS},
                gender=values.get("gender", ""),
                education=values.get("education", ""),
                occupation=values.get("occupation", ""),
            )
        except ConflictError:
            done = True
        except DomainError as refused:
            error = error_text(refused)
        else:
            return render(request, "survey/public_done.html", {"survey": survey, "thanks": True})
    if done:
        return render(request, "survey/public_done.html", {"survey": survey, "thanks": False})
    return render(
        request,
        "survey/public.html",
        {
            "survey": survey,
            "questions": _questions(values),
            "values": values,
            "error": error,
            "genders": Gender.choices,
            "educations": Education.choices,
            "occupations": Occupation.choices,
        },
    )


def _period(request: AuthedRequest) -> tuple[Any, selectors.Quarter]:
    office = selectors.ikm_office(request.user, request.GET.get("kantor"))
    current = selectors.current_quarter(office)
    quarter = selectors.quarter_from(
        int_param(request, "tahun", current.year, minimum=2000, maximum=2100),
        int_param(request, "triwulan", current.number, minimum=1, maximum=4),
        office,
    )
    return office, quarter


@login_required
def ikm_page(request: AuthedRequest) -> HttpResponse:
    office, quarter = _period(request)
    result = selectors.office_ikm(office, quarter)
    children = selectors.children_ikm(request.user, office, quarter)
    name = office.short_name or office.name
    return render(
        request,
        "survey/ikm.html",
        {
            "result": result,
            "children": children,
            "offices": selectors.ikm_offices(request.user),
            "quarters": (1, 2, 3, 4),
            "elements_chart": charts.elements_chart(
                result.index, f"NRR per unsur, {name}, {quarter.label}"
            )
            if result.index.respondents
            else "",
            "services_chart": charts.values_chart(
                [(s.label, s.index) for s in result.services],
                f"IKM per jenis layanan, {quarter.label}",
            ),
            "children_chart": charts.values_chart(
                [(c.office.short_name or c.office.name, c.index) for c in children],
                f"IKM kabupaten/kota, {quarter.label}",
            ),
        },
    )


@login_required
def ikm_export(request: AuthedRequest) -> HttpResponse:
    office, quarter = _period(request)
    data = excel.ikm_xlsx(selectors.office_ikm(office, quarter))
    response = HttpResponse(data, content_type=excel.XLSX_MIME)
    filename = f"ikm-{office.code.replace('.', '')}-{quarter.year}-tw{quarter.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
