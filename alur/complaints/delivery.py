"""What the reporter hears back, over the channel the complaint came from.

WhatsApp: a text on the complaints number (the approved template `COMPLAINT_UPDATE` of
`alur.whatsapp_cloud.notices` carries it when the 24-hour window has closed). Web form: an
e-mail when the reporter gave an address; the answer is on the public tracking page either way.
Counter: the answer sheet is printed for the reporter. Every message is an outbox row written in
the transaction of the change that causes it.
"""

from __future__ import annotations

from alur.complaints.choices import Channel
from alur.complaints.models import Complaint
from alur.outbox.content import whatsapp_text
from alur.outbox.services import message_enqueue, whatsapp_enqueue
from alur.whatsapp_cloud.models import BusinessNumber
from alur.whatsapp_cloud.notices import COMPLAINT_UPDATE
from alur.whatsapp_cloud.selectors import office_number


def complaints_number(complaint: Complaint) -> BusinessNumber | None:
    """The number the complaint came in on, or the office's active complaints number."""
    if complaint.whatsapp_number_id:
        return complaint.whatsapp_number
    return office_number(complaint.office, [BusinessNumber.Purpose.COMPLAINTS])


def tell_reporter(
    complaint: Complaint, body: str, key: str, subject: str, *, required: bool = False
) -> bool:
    """Queue `body` for the reporter over the complaint's channel; False when none carries it.
    `required`: a decision the reporter is owed (answer, refusal), sent even after BERHENTI."""
    dedupe = f"complaint:{complaint.case.reference}:{key}"
    if complaint.channel == Channel.WHATSAPP:
        number = complaints_number(complaint)
        if number is None or not complaint.reporter_phone:
            return False
        whatsapp_enqueue(
            office=complaint.office,
            sender=number.phone_number_id,
            recipient=complaint.reporter_phone,
            content=whatsapp_text(
                body, template=COMPLAINT_UPDATE.name, language=COMPLAINT_UPDATE.language
            ),
            dedupe_key=dedupe,
            cause=complaint,
            required=required,
        )
        return True
    if complaint.channel == Channel.WEB and complaint.reporter_email:
        message_enqueue(
            office=complaint.office,
            channel="email",
            kind="text",
            sender="",
            recipient=complaint.reporter_email,
            payload={"subject": subject, "body": body},
            dedupe_key=dedupe,
            cause=complaint,
        )
        return True
    return False
