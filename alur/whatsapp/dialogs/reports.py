"""A kab/kota sends its filled Excel form to the province's WhatsApp number.

`document_receive(inbound_id)` takes a document message to a province office's number from the
phone of a person who may report for one of its kab/kota, reads the form (its code cell names
the report, period and office), sends it (the Kadis) or keeps it as a draft (an operator), and
answers on WhatsApp. It returns False for any other message, which the conversation then
handles as usual; the dispatch (`alur.whatsapp.dialogs`) calls it first on reports numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alur.core.errors import DomainError
from alur.core.web import error_text
from alur.org.access import Capability, can
from alur.org.models import Office, User
from alur.outbox.content import whatsapp_text
from alur.outbox.services import whatsapp_enqueue
from alur.outbox.validation import normalize_whatsapp_number
from alur.reports.choices import Source
from alur.reports.excel import MARKER_CELL, ZIP_MAGIC
from alur.reports.models import ReportPeriod
from alur.reports.services.weekly import upload_form

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Fetched
    from alur.whatsapp.models import InboundMessage
    from alur.whatsapp_cloud.models import BusinessNumber


def _sender(phone: str) -> User | None:
    """The staff member whose stored number is `phone` (E.164 digits), however it was typed."""
    for user in User.objects.filter(is_active=True, phone__endswith=phone[-8:]):
        try:
            if normalize_whatsapp_number(user.phone) == phone:
                return user
        except Exception:  # noqa: S112 - a malformed stored number is not this sender
            continue
    return None


def _marker(data: bytes) -> list[str]:
    import io

    from openpyxl import load_workbook

    from alur.reports.excel import ImportRejected, check_zip

    try:
        check_zip(data)
    except ImportRejected:
        return []
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True)["Laporan"]
        return str(sheet[MARKER_CELL].value or "").split(":")
    except Exception:
        return []


def _reply(inbound: InboundMessage, number: BusinessNumber, text: str) -> None:
    whatsapp_enqueue(
        office=number.office,
        sender=number.phone_number_id,
        recipient=inbound.sender,
        content=whatsapp_text(text),
        dedupe_key=f"wa-report:{inbound.message_id}",
        cause=inbound,
    )


def document_receive(inbound_id: int) -> bool:
    from alur.whatsapp.conversation import fetch_media
    from alur.whatsapp.models import InboundMessage

    inbound = InboundMessage.objects.select_related("number", "number__office").get(pk=inbound_id)
    number = inbound.number
    if (
        inbound.handled_at is not None
        or number is None
        or number.purpose != number.Purpose.REPORTS
        or inbound.kind != "document"
    ):
        return False
    user = _sender(inbound.sender)
    if user is None:
        return False
    reporting = [
        o
        for o in Office.objects.filter(parent=number.office, is_active=True)
        if can(user, Capability.SUBMIT_REPORTS, o)
    ]
    if not reporting:
        return False
    fetched = fetch_media(inbound)
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        if locked.handled_at is not None:
            return True
        text = _submit(user, reporting, fetched)
        _reply(inbound, number, text)
        locked.handled_at = timezone.now()
        locked.save(update_fields=["handled_at"])
    return True


def _submit(user: User, reporting: list[Office], fetched: Fetched | None) -> str:
    if fetched is None or fetched.data is None:
        reason = fetched.problem if fetched is not None else "berkas tidak terbaca"
        return f"Berkas laporan tidak dapat diambil ({reason}). Silakan kirim ulang."
    if not fetched.data.startswith(ZIP_MAGIC):
        return "Kirim formulir laporan dalam bentuk Excel (.xlsx) dari Alur."
    parts = _marker(fetched.data)
    office = next((o for o in reporting if len(parts) == 4 and o.code == parts[3]), None)
    period = (
        ReportPeriod.objects.select_related("definition", "definition__office")
        .filter(
            definition__code=parts[1],
            definition__office=office.parent,
            starts_on=parts[2],
        )
        .first()
        if office is not None and office.parent is not None
        else None
    )
    if office is None or period is None:
        return (
            "Templat salah: berkas ini bukan formulir laporan periode yang berjalan untuk kantor "
            "Anda. Unduh formulir dari pesan kami atau dari Alur."
        )
    try:
        try:
            submission = upload_form(
                period=period,
                office=office,
                actor=user,
                data=fetched.data,
                filename=fetched.filename,
                send=True,
                source=Source.WHATSAPP,
            )
        except DomainError as error:
            if error.code != "not_sender":
                raise
            upload_form(
                period=period,
                office=office,
                actor=user,
                data=fetched.data,
                filename=fetched.filename,
                send=False,
                source=Source.WHATSAPP,
            )
            return (
                f"Laporan {office} periode {period.label} disimpan sebagai konsep. Kepala Dinas "
                "mengirimnya ke provinsi lewat Alur."
            )
    except DomainError as error:
        return f"Laporan belum diterima: {error_text(error)}"
    status = submission.get_timeliness_display().lower()
    return f"Laporan {office} periode {period.label} diterima ({status}). Terima kasih."
