"""Reads of letters: the letters a person may see, a case's letter and its chain as the SOP names
it, the open task of a case a person may act on, and the rows of the outgoing-letter book
(buku agenda). Every list is scoped by `org.access`.

The reads of the approval chain (`parafs`, `next_slot`, `waiting_for`) sit beside its services
in `chain.py`; the book's spreadsheet and PDF are built in `agenda.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from alur.core.errors import DomainError
from alur.letters.models import MAX_PARAF, IssuedNumber, Letter, LetterStatus
from alur.org.access import Capability, office_ids_for, require, unit_chains
from alur.org.models import Office, Position, User
from alur.tte.models import IssuedDocument
from alur.tte.selectors import document_for_download
from alur.workflow.models import Case
from alur.workflow.selectors import open_task

PARAF_KEY = "letters.paraf"
SIGN_KEY = "letters.sign"
DRAFT_KEY = "letters.draft"


def letters_for(user: User | AnonymousUser) -> QuerySet[Letter]:
    """The letters of the user's offices, and the BASTs waiting for or bearing their office's
    second signature."""
    return Letter.objects.select_related(
        "office", "number", "signer_position", "cosigner_position", "case", "document", "drafted_by"
    ).filter(
        Q(office__in=office_ids_for(user, Capability.HANDLE_CASES))
        | Q(
            cosigner_position__office__in=office_ids_for(user, Capability.SIGN),
            status__in=(LetterStatus.COSIGN, LetterStatus.SIGNED),
        )
    )


def letter_for(user: User | AnonymousUser, pk: int) -> Letter:
    """A letter the person may read (`letters_for`); 404 otherwise."""
    letter = letters_for(user).filter(pk=pk).first()
    if letter is None:
        raise Http404("Naskah tidak ditemukan.")
    return letter


def letter_document_for(user: User | AnonymousUser, letter: Letter) -> IssuedDocument | None:
    """The letter's signed PDF when `user` may download it: from the archive of their offices
    (`tte.selectors.document_for_download`), or, for the BAST's second party, the letter their
    office signed second (it is archived in the first party's office). None otherwise."""
    if letter.document_id is None:
        return None
    document = document_for_download(user, letter.document_id)
    if document is not None:
        return document
    second = letter.cosigner_position
    if second is not None and second.office_id in office_ids_for(user, Capability.SIGN):
        return letter.document
    return None


def case_letter(case: Case) -> Letter | None:
    """The case's letter that is not cancelled (the newest, should there be several)."""
    return (
        Letter.objects.filter(case=case)
        .exclude(status=LetterStatus.CANCELLED)
        .select_related("number", "document", "signer_position", "office")
        .order_by("-pk")
        .first()
    )


def _position_of_case(case: Case, kind: str, unit_id: int | None) -> Position:
    """The post of `kind` that a step of the case names: in an office with several posts of that
    kind (two Kabid), the one whose unit is the SOP's unit, above it or below it (the Kabid of
    the bidang that owns the SOP); else the first. A paraf slot is then filled by that post's
    holder only (definitive, Plt. or Plh.), not by any holder of the same kind."""
    positions = list(
        Position.objects.filter(office=case.office, kind=kind, is_active=True).order_by("pk")
    )
    if not positions:
        raise DomainError(f"{case.office} tidak memiliki jabatan {kind} untuk rantai naskah ini.")
    if unit_id is None or len(positions) == 1:
        return positions[0]
    chains = unit_chains({case.office_id})
    related = [
        p
        for p in positions
        if p.unit_id is not None
        and (unit_id in chains.get(p.unit_id, ()) or p.unit_id in chains.get(unit_id, ()))
    ]
    return (related or positions)[0]


def chain_of_case(case: Case) -> tuple[list[tuple[Position, int]], Position]:
    """The paraf slots (position, SOP step) and the signer's position that the case's SOP names."""
    from alur.workflow.routing import sop_unit
    from alur.workflow.services import procedure

    spec = procedure(case)
    unit_id = sop_unit(case.office, spec)
    slots: list[tuple[Position, int]] = []
    signer: Position | None = None
    for step in spec.steps:
        actor = spec.actors[step.actor]
        if step.form not in (PARAF_KEY, SIGN_KEY) or actor.position_kind is None:
            continue
        position = _position_of_case(case, actor.position_kind, unit_id)
        if step.form == PARAF_KEY:
            slots.append((position, step.number))
        elif signer is None:
            signer = position
    if signer is None:
        raise DomainError(f"SOP {spec.code} tidak memiliki langkah tanda tangan naskah.")
    if len(slots) > MAX_PARAF:
        raise DomainError(f"SOP {spec.code} meminta lebih dari {MAX_PARAF} paraf.")
    return slots, signer


def open_draft_task(case: Case, actor: User) -> bool:
    """Does `actor` hold the open drafting task of `case`?"""
    return open_task(case, actor, DRAFT_KEY) is not None


VOID_MARK = "BATAL"


@dataclass(frozen=True)
class AgendaRow:
    no: int
    number: str
    date: date
    subject: str
    recipient: str
    issued_by: str
    # "BATAL: <reason>" for a number whose letter was never issued under it; "" otherwise.
    remark: str = ""


def void_remark(item: IssuedNumber) -> str:
    """The book's mark of a voided number (the serial stays visible, never a silent gap)."""
    if item.voided_at is None:
        return ""
    return f"{VOID_MARK}: {item.void_reason}" if item.void_reason else VOID_MARK


def _validate_period(year: int, month: int | None) -> None:
    if not 1900 <= year <= 9999:
        raise DomainError(f"Tahun {year} tidak sah.")
    if month is not None and not 1 <= month <= 12:
        raise DomainError(f"Bulan {month} tidak sah: pilih 1 sampai 12.")


def agenda_issued(
    *,
    office: Office,
    year: int,
    month: int | None = None,
    series_key: str | None = None,
    viewer: User | AnonymousUser | None = None,
) -> QuerySet[IssuedNumber]:
    """The numbers `office` issued in the period (month in the office's time zone), in order.

    With a `viewer`, they must be able to see the office (VIEW_OFFICE)."""
    if viewer is not None:
        require(viewer, Capability.VIEW_OFFICE, office)
    _validate_period(year, month)
    issued = IssuedNumber.objects.filter(office=office, year=year)
    if month is not None:
        zone = office.zone
        start = datetime.combine(date(year, month, 1), time.min, tzinfo=zone)
        end = datetime.combine(
            (date(year, month, 28) + timedelta(days=4)).replace(day=1), time.min, tzinfo=zone
        )
        issued = issued.filter(issued_at__gte=start, issued_at__lt=end)
    if series_key is not None:
        issued = issued.filter(series__key=series_key)
    return issued.select_related("series", "issued_by").order_by(
        "issued_at", "series__key", "serial"
    )


def agenda_rows(
    *,
    office: Office,
    year: int,
    month: int | None = None,
    series_key: str | None = None,
    viewer: User | AnonymousUser | None = None,
) -> list[AgendaRow]:
    """The book's rows; dates are the office's local dates. One query."""
    zone = office.zone
    return [
        AgendaRow(
            no=index,
            number=item.number,
            date=item.issued_at.astimezone(zone).date(),
            subject=item.subject,
            recipient=item.recipient,
            issued_by=item.issued_by.get_full_name() if item.issued_by else "Sistem",
            remark=void_remark(item),
        )
        for index, item in enumerate(
            agenda_issued(
                office=office, year=year, month=month, series_key=series_key, viewer=viewer
            ),
            start=1,
        )
    ]
