"""On the case page: the citizen said BERHENTI to the number their application or complaint came
by ("Warga ini menolak pesan sejak …"), and their open conversation with staff, if any."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from alur.chat.models import Thread
from alur.chat.selectors import inbox_office_ids
from alur.complaints.delivery import complaints_number
from alur.complaints.models import Complaint
from alur.intake.models import Application
from alur.intake.notices import number_for
from alur.outbox.consent import opted_out_since
from alur.whatsapp_cloud.models import BusinessNumber
from alur.workflow.models import Case
from alur.workflow.selectors import shows_personal


def _citizen(case: Case) -> tuple[BusinessNumber | None, str]:
    application = Application.objects.filter(case=case).first()
    if application is not None:
        return number_for(case), application.applicant_phone
    complaint = Complaint.objects.filter(case=case).first()
    if complaint is not None:
        return complaints_number(complaint), complaint.reporter_phone
    return None, ""


def consent_panel(request: HttpRequest, case: Case) -> SafeString | None:
    if not shows_personal(request.user, case):
        return None
    number, phone = _citizen(case)
    if number is None or not phone:
        return None
    since = opted_out_since(number.phone_number_id, phone)
    thread = (
        Thread.objects.filter(number=number, citizen=phone, status=Thread.Status.OPEN).first()
        if case.office_id in inbox_office_ids(request.user)
        else None
    )
    if since is None and thread is None:
        return None
    return SafeString(
        render_to_string(
            "chat/panel_consent.html",
            {"since": since, "thread": thread, "number": number, "office": case.office},
            request=request,
        )
    )
