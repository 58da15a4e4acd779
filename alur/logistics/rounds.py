"""An S1 round: the province answers kab/kota blank requests with one case of SOP S1.

The monitoring and evaluation meeting (step 1) chooses the requests the round answers and
records its minutes; a request that arrives later joins the running round until the blanks are
shared out. The round's two letters come from the letters app: the request to Ditjen Dukcapil
is the case's own letter (steps 2 to 10), and the Kadis's covering letter to the head of the
Badan Penghubung (step 12) is a letter of its own, initialled and signed by the same chain.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from alur.audit.services import record
from alur.core.errors import ConflictError, DomainError
from alur.core.numbers import number as _n
from alur.core.validators import is_ascii_digits
from alur.letters.chain import waiting_for
from alur.letters.delivery import letter_deliver
from alur.letters.models import Letter, LetterStatus
from alur.letters.selectors import case_letter, chain_of_case
from alur.letters.services import LetterInput, letter_create, recipient_add
from alur.logistics.choices import Item, RequestStatus
from alur.logistics.models import Allocation, BlankRequest
from alur.org.access import Capability, require
from alur.org.choices import PositionKind
from alur.org.models import Office, User
from alur.org.selectors import holders_of
from alur.org.services import NATIONAL_CODE
from alur.workflow import services as workflow
from alur.workflow.choices import ACTIVE_TASK, CaseStatus, Outcome
from alur.workflow.engine import holds
from alur.workflow.models import Case, Notification

CODE = "S1"
CLASSIFICATION = "400.12.2.1"  # Pendaftaran Penduduk, identity documents (blanko KTP-el)
COVER_KEY = "s1_cover_for"  # Letter.extra: the case whose request letter it covers
DITJEN = "Direktur Jenderal Kependudukan dan Pencatatan Sipil Kementerian Dalam Negeri"


def _province_name(office: Office) -> str:
    return office.region.name if office.region else office.short_name


def penghubung_name(office: Office) -> str:
    return f"Badan Penghubung Provinsi {_province_name(office)}"


# --- requests waiting at the province ------------------------------------------------------


def waiting_requests(province: Office) -> QuerySet[BlankRequest]:
    """The KTP-el requests of the province's kab/kota that no round has taken up yet."""
    return (
        BlankRequest.objects.filter(
            office__parent=province, item=Item.KTP_EL, status=RequestStatus.SUBMITTED
        )
        .select_related("office", "requested_by")
        .order_by("requested_at", "pk")
    )


def open_rounds(province: Office) -> QuerySet[Case]:
    """The running S1 cases of the province that have not shared out their blanks: a request
    may still join them."""
    return (
        Case.objects.filter(
            office=province,
            sop__code=CODE,
            status__in=[CaseStatus.OPEN, CaseStatus.WAITING],
            blank_allocation__isnull=True,
        )
        .defer("sop__definition")
        .order_by("started_at")
    )


def notify_province(request: BlankRequest) -> int:
    """Tell the province's staff who start S1 rounds (and their Kabid) that a request waits."""
    province = request.office.parent
    if province is None:
        return 0
    now = timezone.now()
    text = (
        f"Permohonan blanko dari {request.office}: {_n(request.quantity)} keping "
        f"{request.get_item_display()}. Buka Stok blanko → Permohonan untuk memulai putaran S1 "
        "atau menggabungkannya ke putaran yang berjalan."
    )
    people = {
        user.pk: user
        for kind in (PositionKind.KASI, PositionKind.KABID)
        for user in holders_of(province, kind)
    }
    Notification.objects.bulk_create(
        Notification(
            user=user, office=province, kind="logistics.request", message=text, created_at=now
        )
        for user in people.values()
    )
    return len(people)


def _chosen(province: Office, request_ids: Iterable[int | str]) -> list[BlankRequest]:
    ids = set()
    for value in request_ids:
        if isinstance(value, int) or (isinstance(value, str) and is_ascii_digits(value)):
            ids.add(int(value))
        else:
            raise DomainError("Permohonan yang dipilih tidak dikenal.")
    if not ids:
        raise DomainError(
            "Pilih sedikitnya satu permohonan kabupaten/kota yang dijawab putaran ini."
        )
    requests = list(
        BlankRequest.objects.select_for_update(of=("self",))
        .select_related("office", "case")
        .filter(pk__in=ids, office__parent=province)
        .order_by("office__code", "pk")
    )
    if len(requests) != len(ids):
        raise DomainError("Sebagian permohonan yang dipilih tidak ditemukan di provinsi ini.")
    for request in requests:
        if request.item != Item.KTP_EL:
            raise DomainError(
                f"Permohonan {request.office} adalah {request.get_item_display()}; putaran S1 "
                "hanya untuk blanko KTP-el."
            )
        if request.status != RequestStatus.SUBMITTED:
            where = f" ({request.case.reference})" if request.case else ""
            raise ConflictError(
                f"Permohonan {request.office} sudah {request.get_status_display().lower()}{where}."
            )
    return requests


def _take(case: Case, requests: list[BlankRequest], actor: User, action: str) -> None:
    for request in requests:
        request.case, request.status = case, RequestStatus.ROUND
    BlankRequest.objects.bulk_update(requests, ["case", "status"])
    record(
        actor=actor,
        office=case.office,
        action=action,
        obj=case,
        after={
            "requests": [r.pk for r in requests],
            "offices": [r.office.code for r in requests],
            "quantity": sum(r.quantity for r in requests),
        },
    )


def starter() -> tuple[str, str | None]:
    """Who starts a round: the actor of S1's first step (the meeting), its label and post."""
    spec = workflow.procedure(workflow.current_revision(CODE))
    actor = spec.actor_of(spec.first)
    return actor.label, actor.position_kind


def may_start(user: User | AnonymousUser, office: Office) -> bool:
    _label, kind = starter()
    return kind is not None and holds(user, office.pk, kind)


@transaction.atomic
def round_start(
    *, office: Office, request_ids: Iterable[int | str], minutes: str, actor: User
) -> Case:
    """The monitoring and evaluation meeting (step 1) answers the chosen kab/kota requests: an
    S1 case starts in the province with them, and step 1 is done with the meeting's minutes."""
    if not may_start(actor, office):
        label, _kind = starter()
        raise DomainError(f"Putaran S1 dimulai oleh {label} (langkah 1 SOP S1) di {office}.")
    minutes = minutes.strip()
    if not minutes:
        raise DomainError("Tuliskan hasil rapat monitoring dan evaluasi (notulen).")
    requests = _chosen(office, request_ids)
    offices = sorted({r.office.short_name or r.office.name for r in requests})
    total = sum(r.quantity for r in requests)
    case = workflow.case_start(
        code=CODE,
        office=office,
        subject=(
            f"Pengambilan blanko KTP-el untuk {len(offices)} kabupaten/kota "
            f"({_n(total)} keping diminta)"
        ),
        actor=actor,
    )
    _take(case, requests, actor, "logistics.round_start")
    spec = workflow.procedure(case)
    first = case.tasks.get(step=spec.first, status__in=ACTIVE_TASK)
    workflow.task_complete(task=first, actor=actor, outcome=Outcome.DONE, reason=minutes)
    case.refresh_from_db()
    return case


@transaction.atomic
def round_join(*, case: Case, request_ids: Iterable[int | str], actor: User) -> Case:
    """Requests that arrived after the meeting join a running round, until it shares out."""
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("office", "sop").get(pk=case.pk)
    )
    require(actor, Capability.HANDLE_CASES, case.office)
    if case.sop.code != CODE or case.status not in (CaseStatus.OPEN, CaseStatus.WAITING):
        raise DomainError(f"Perkara {case.reference} bukan putaran S1 yang sedang berjalan.")
    if Allocation.objects.filter(case=case).exists():
        raise ConflictError(
            f"Putaran {case.reference} sudah membagi blankonya; permohonan ini masuk putaran "
            "berikutnya."
        )
    _take(case, _chosen(case.office, request_ids), actor, "logistics.round_join")
    return case


def round_requests(case: Case) -> list[BlankRequest]:
    return list(
        BlankRequest.objects.filter(case=case).select_related("office").order_by("office__code")
    )


# --- the request letter to Ditjen Dukcapil (steps 2 to 10) ------------------------------------


def _korwil_recipients(step: int | None) -> list[tuple[str, str, str, int | None]]:
    """The PJ Korwil's WhatsApp numbers as the office knows them (their accounts in Alur)."""
    national = Office.objects.filter(code=NATIONAL_CODE).first()
    if national is None:
        return []
    return [
        (f"{user.get_full_name()} (PJ Korwil)", "whatsapp", user.phone, step)
        for user in holders_of(national, PositionKind.KORWIL)
        if user.phone
    ]


def _delivery_step(case: Case, after: int = 0) -> int | None:
    spec = workflow.procedure(case)
    for step in spec.steps:
        if step.number > after and step.action == "letters.deliver":
            return step.number
    return None


@transaction.atomic
def request_letter_draft(*, case: Case, actor: User) -> Letter:
    """The draft of the round's request letter to Ditjen Dukcapil, from its requests; the
    holder of the drafting step then edits and submits it. Its delivery goes to the PJ Korwil
    the office knows (the letter's page adds others)."""
    existing = case_letter(case)
    if existing is not None:
        return existing
    requests = round_requests(case)
    if not requests:
        raise DomainError("Putaran ini belum menjawab permohonan kabupaten/kota mana pun.")
    total = sum(r.quantity for r in requests)
    lines = []
    for number, request in enumerate(requests, start=1):
        letter = f", surat nomor {request.letter_number}" if request.letter_number else ""
        lines.append(f"{number}. {request.office.name}: {_n(request.quantity)} keping{letter}")
    office = case.office
    body = (
        "Dengan hormat,\n\n"
        f"Berdasarkan hasil rapat monitoring dan evaluasi stok blanko KTP-el serta surat "
        f"permohonan Dinas Dukcapil kabupaten/kota di Provinsi {_province_name(office)}, "
        f"bersama ini kami mengajukan permohonan fasilitasi pengambilan blanko KTP-el sebanyak "
        f"{_n(total)} keping untuk kebutuhan:\n\n" + "\n".join(lines) + "\n\n"
        f"Blanko akan diambil oleh {penghubung_name(office)} dan dikirim melalui angkutan udara "
        f"ke {office.name}.\n\n"
        "Demikian permohonan ini kami sampaikan. Atas perhatian dan kerja samanya kami ucapkan "
        "terima kasih."
    )
    return letter_create(
        office=office,
        actor=actor,
        case=case,
        data=LetterInput(
            kind="surat",
            classification=CLASSIFICATION,
            subject="Permohonan Fasilitasi Pengambilan Blanko KTP-el",
            body=body,
            recipient=DITJEN,
            carbon_copy=f"Kepala {penghubung_name(office)}",
            sifat="Segera",
        ),
        recipients=_korwil_recipients(_delivery_step(case)),
    )


# --- the covering letter to the Badan Penghubung (step 12) -----------------------------------


def cover_letter_for(case: Case) -> Letter | None:
    """The covering letter drafted for the round and not cancelled, if any."""
    return (
        Letter.objects.filter(
            office=case.office, case__isnull=True, **{f"extra__{COVER_KEY}": case.pk}
        )
        .exclude(status=LetterStatus.CANCELLED)
        .select_related("number", "document", "signer_position")
        .order_by("-pk")
        .first()
    )


def _penghubung_recipients(office: Office) -> list[tuple[str, str, str, int | None]]:
    """The Badan Penghubung's WhatsApp numbers as the office knows them: the people holding the
    Badan Penghubung post of the office in Alur. Never a number Alur does not have."""
    return [
        (f"{user.get_full_name()} ({penghubung_name(office)})", "whatsapp", user.phone, None)
        for user in holders_of(office, PositionKind.PENGHUBUNG)
        if user.phone
    ]


def _signed_request_letter(case: Case) -> Letter:
    letter = case_letter(case)
    if letter is None or letter.status != LetterStatus.SIGNED or letter.number_id is None:
        raise DomainError(
            "Surat permohonan ke Ditjen Dukcapil belum ditandatangani dan bernomor; surat "
            "pengantar ke Badan Penghubung menyertainya."
        )
    return letter


@transaction.atomic
def cover_letter_draft(*, case: Case, actor: User) -> Letter:
    """Draft (once) the Kadis's letter to the head of the Badan Penghubung asking it to collect
    the blanks, with the chain the SOP gives the request letter (its paraf and its signer)."""
    require(actor, Capability.HANDLE_CASES, case.office)
    if case.sop.code != CODE:
        raise DomainError(f"Perkara {case.reference} bukan putaran S1.")
    existing = cover_letter_for(case)
    if existing is not None:
        return existing
    request = _signed_request_letter(case)
    slots, signer = chain_of_case(case)
    office = case.office
    assert request.number is not None and request.signed_at is not None  # noqa: S101 - signed
    signed_on = date_format(timezone.localtime(request.signed_at), "j F Y")
    body = (
        "Dengan hormat,\n\n"
        f"Bersama ini kami sampaikan surat Kepala {office.short_name} nomor "
        f"{request.number.number} tanggal {signed_on} hal {request.subject} kepada "
        f"{DITJEN}.\n\n"
        f"Sehubungan dengan itu kami mohon bantuan {penghubung_name(office)} untuk mengambil "
        "blanko KTP-el tersebut di Direktorat Jenderal Kependudukan dan Pencatatan Sipil dan "
        f"mengirimkannya melalui angkutan udara ke {office.name}"
        f"{' di ' + office.city if office.city else ''}, serta mengabarkan nomor surat muatan "
        "udaranya kepada kami.\n\n"
        "Atas bantuan dan kerja samanya kami ucapkan terima kasih."
    )
    letter = letter_create(
        office=office,
        actor=actor,
        data=LetterInput(
            kind="surat",
            classification=request.classification,
            subject="Permohonan Bantuan Pengambilan Blanko KTP-el",
            body=body,
            recipient=f"Kepala {penghubung_name(office)}",
            sifat="Segera",
            lampiran="1 (satu) berkas",
            extra={COVER_KEY: case.pk},
        ),
        signer=signer,
        paraf=[position for position, _step in slots],
        recipients=_penghubung_recipients(office),
    )
    record(
        actor=actor,
        office=office,
        action="logistics.cover_letter_draft",
        obj=case,
        after={"letter": letter.pk},
    )
    return letter


@transaction.atomic
def cover_letter_send(*, case: Case, step: int, actor: User) -> int:
    """Step 12: the signed covering letter goes to the Badan Penghubung, and the request letter
    goes with it (as a recipient of this step). Refused, saying why, while the covering letter
    is not signed or has nobody to go to. Returns how many messages were queued."""
    cover = cover_letter_for(case)
    if cover is None:
        raise DomainError(
            f"Surat pengantar Kepala Dinas kepada Kepala {penghubung_name(case.office)} belum "
            "disusun: tekan Susun surat pengantar."
        )
    if cover.status != LetterStatus.SIGNED:
        waiting = waiting_for(cover)
        raise DomainError(
            "Surat pengantar ke Badan Penghubung belum ditandatangani"
            f"{' (menunggu ' + waiting + ')' if waiting else ''}."
        )
    recipients = list(cover.recipients.order_by("pk"))
    if not recipients:
        raise DomainError(
            "Surat pengantar belum memiliki penerima: Alur tidak mencatat nomor WhatsApp atau "
            "alamat surel Badan Penghubung. Tambahkan penerimanya pada halaman surat pengantar."
        )
    request = _signed_request_letter(case)
    for recipient in recipients:
        recipient_add(
            letter=request,
            actor=actor,
            name=recipient.name,
            channel=recipient.channel,
            address=recipient.address,
            step=step,
            by_step=True,
        )
    return letter_deliver(letter=cover, actor=actor)
