"""Demo letters of Way Kanan waiting for the Kadis's signature (loaded by `load_demo`).

Three letters drafted by the office's staff (an operator), initialled by the Kabid Dafduk and the
Sekretaris through the letters services, so "Pemberitahuan", the digest and the signing list of
waykanan.kadis show work waiting for her. Idempotent: a letter already there (any state but
cancelled) is left as it is.
"""

from __future__ import annotations

from django.utils import timezone

from alur.letters.chain import letter_paraf, letter_submit
from alur.letters.models import Letter, LetterStatus
from alur.letters.services import LetterInput, letter_create
from alur.org.access import Capability, can
from alur.org.models import Appointment, Office, Position, User
from alur.org.selectors import holders_of

OFFICE_CODE = "18.08"
SUBJECTS = (
    "Permohonan tambahan blangko KTP-el untuk pelayanan jemput bola di Kecamatan Blambangan Umpu",
    "Undangan rapat koordinasi pelayanan administrasi kependudukan tingkat kecamatan",
    "Laporan capaian perekaman KTP-el dan penerbitan akta kelahiran triwulan IV",
)
BODY = (
    "Dengan hormat,\n\nBersama ini kami sampaikan naskah perihal tersebut di atas untuk "
    "ditindaklanjuti sebagaimana mestinya.\n\nDemikian, atas perhatiannya kami ucapkan "
    "terima kasih."
)


def _position(office: Office, kind: str) -> Position:
    return Position.objects.filter(office=office, kind=kind, is_active=True).order_by("pk")[0]


def _holder(position: Position) -> User:
    appointment = (
        Appointment.objects.active_on(timezone.localdate())
        .filter(position=position, user__is_active=True)
        .select_related("user")
        .order_by("kind", "user__username")
        .first()
    )
    assert appointment is not None, f"no demo persona holds {position}"  # noqa: S101
    return appointment.user


def load_letters_to_sign() -> int:
    """Three letters waiting for waykanan.kadis's signature; how many were made now."""
    office = Office.objects.filter(code=OFFICE_CODE).first()
    if office is None:
        return 0
    drafter = next(
        user
        for kind in ("pelaksana", "operator", "petugas")
        for user in holders_of(office, kind)
        if can(user, Capability.HANDLE_CASES, office)
    )
    kabid = _position(office, "kabid")
    sekretaris = _position(office, "sekretaris")
    made = 0
    for subject in SUBJECTS:
        if (
            Letter.objects.filter(office=office, subject=subject)
            .exclude(status=LetterStatus.CANCELLED)
            .exists()
        ):
            continue
        letter = letter_create(
            office=office,
            actor=drafter,
            data=LetterInput(
                kind="surat",
                classification="400.12.2.1",
                subject=subject,
                body=BODY,
                recipient="Camat Blambangan Umpu",
            ),
            signer=_position(office, "kadis"),
            paraf=[kabid, sekretaris],
        )
        letter = letter_submit(letter=letter, actor=drafter)
        for position in (kabid, sekretaris):
            letter = letter_paraf(letter=letter, actor=_holder(position))
        made += 1
    return made
