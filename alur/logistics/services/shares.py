"""Step 18 of S1: each kab/kota with a share is told its share and schedule (WhatsApp and e-mail,
through the outbox).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.core.numbers import number as n
from alur.logistics.choices import AllocationStatus, DeliveryMethod
from alur.logistics.ledger import require_staff
from alur.logistics.models import Allocation, AllocationLine
from alur.logistics.services.allocation import locked_allocation
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.org.selectors import holders_of
from alur.outbox.choices import Channel, Kind
from alur.outbox.content import whatsapp_text
from alur.outbox.services import message_enqueue, whatsapp_enqueue
from alur.outbox.validation import normalize_whatsapp_number
from alur.whatsapp_cloud.notices import BLANK_SHARE

SHARE_TEMPLATE = BLANK_SHARE.name  # approved WhatsApp template: alur.whatsapp_cloud.notices


def share_recipients(office: Office) -> list[tuple[str, str, str]]:
    """Where a kab/kota is told its share, as Alur has it: the WhatsApp number of each person
    holding its Kadis post, and the office's e-mail address. Nothing is guessed."""
    found: list[tuple[str, str, str]] = []
    for user in holders_of(office, PositionKind.KADIS):
        if not user.phone:
            continue
        try:
            number = normalize_whatsapp_number(user.phone)
        except ValidationError:
            continue
        found.append((user.get_full_name() or user.username, Channel.WHATSAPP, number))
    if office.email:
        found.append((office.name, Channel.EMAIL, office.email))
    return found


def share_text(line: AllocationLine, province: Office, reference: str) -> str:
    """The notice of one kab/kota's share and its schedule, on one line (a template parameter
    holds no line breaks)."""
    when = date_format(line.scheduled_on, "l, j F Y") if line.scheduled_on else "-"
    if line.method == DeliveryMethod.DELIVER:
        how = f"diantar petugas provinsi ke kantor Bapak/Ibu pada {when}"
    else:
        where = f"{province.short_name}{', ' + province.city if province.city else ''}"
        how = f"diambil sendiri di {where} pada {when}"
    return (
        f"Yth. Kepala Dinas Dukcapil {line.office}: porsi blanko KTP-el untuk kantor Bapak/Ibu "
        f"{n(line.share)} keping, {how}. Serah terima memerlukan Surat Pernyataan Bersedia "
        "Menerima Hibah yang Bapak/Ibu tandatangani dan BAST yang ditandatangani kedua Kepala "
        f"Dinas di Alur (perkara {reference})."
    )


def _province_whatsapp(office: Office) -> str | None:
    from alur.whatsapp_cloud.selectors import NOT_COMPLAINTS, office_number

    number = office_number(office, NOT_COMPLAINTS)
    return number.phone_number_id if number else None


@transaction.atomic
def shares_announce(*, allocation: Allocation, actor: User | None) -> int:
    """Step 18: tell each kab/kota with a share its share and schedule, over WhatsApp from the
    province's number and by e-mail, through the outbox. Refused, naming them, when a kab/kota
    has no number or address in Alur: a notice that reaches nobody is not a notice. Returns how
    many messages were queued."""
    allocation = locked_allocation(allocation)
    require_staff(actor, allocation.office)
    if allocation.status != AllocationStatus.PUBLISHED:
        raise DomainError("Porsi diberitahukan setelah porsi pembagian ditetapkan.")
    lines = [
        line
        for line in allocation.lines.select_related("office").order_by("office__code")
        if line.share > 0 and line.handed_over_at is None
    ]
    unscheduled = [str(line.office) for line in lines if line.scheduled_on is None]
    if unscheduled:
        raise DomainError(f"Jadwal serah terima belum diisi untuk: {', '.join(unscheduled)}.")
    province = allocation.office
    sender = _province_whatsapp(province)
    plans: list[tuple[AllocationLine, list[tuple[str, str, str]]]] = []
    unreachable = []
    for line in lines:
        recipients = [r for r in share_recipients(line.office) if r[1] == Channel.EMAIL or sender]
        if not recipients:
            unreachable.append(str(line.office))
        plans.append((line, recipients))
    if unreachable:
        why = "" if sender else f" ({province.short_name} juga belum memiliki nomor WhatsApp resmi)"
        raise DomainError(
            f"Porsi belum dapat diberitahukan kepada {', '.join(unreachable)}: Alur tidak "
            "memiliki nomor WhatsApp Kepala Dinas maupun alamat surel kantornya"
            f"{why}. Lengkapi kontaknya, lalu simpan langkah ini lagi."
        )
    reference = allocation.case.reference if allocation.case else str(allocation.pk)
    sent: dict[str, list[str]] = {}
    for line, recipients in plans:
        text = share_text(line, province, reference)
        stamp = f"{line.method}:{line.scheduled_on:%Y%m%d}"
        for name, channel, address in recipients:
            dedupe = f"s1-share:{line.pk}:{stamp}:{channel}:{address}"
            if channel == Channel.WHATSAPP:
                assert sender is not None  # noqa: S101 - filtered above
                whatsapp_enqueue(
                    office=province,
                    sender=sender,
                    recipient=address,
                    content=whatsapp_text(text, template=SHARE_TEMPLATE),
                    dedupe_key=dedupe,
                    cause=line,
                    actor=actor,
                )
            else:
                message_enqueue(
                    office=province,
                    channel=Channel.EMAIL,
                    kind=Kind.TEXT,
                    sender=province.email,
                    recipient=address,
                    payload={
                        "subject": f"Porsi blanko KTP-el {line.office}",
                        "body": f"Yth. {name},\n\n{text}\n\n{province.name}",
                    },
                    dedupe_key=dedupe,
                    cause=line,
                    actor=actor,
                )
            sent.setdefault(line.office.code, []).append(channel)
    record(
        actor=actor,
        office=province,
        action="logistics.shares_announce",
        obj=allocation,
        after={"notified": sent},
    )
    return sum(len(channels) for channels in sent.values())
