"""The document services of S2a–S2f: their outputs, their data entry on the registry, their
forms' initial values and the checks before a card is printed.

The data entry is in `documents.enter` (read through `documents.entry_data`), the initial values
in `documents.initial`, the card checks in `documents.checks`. S3 (Dukcapil Siaga) registers its
own service from `alur.outreach`.
"""

from __future__ import annotations

from alur.documents.checks import check_kia, check_replacement
from alur.documents.choices import OutputKind
from alur.documents.definitions import register_document_service
from alur.documents.enter import enter_birth, enter_death, enter_family, enter_move
from alur.documents.forms import BirthForm, DeathForm, FamilyForm, MoveOutForm, ReplacementForm
from alur.documents.initial import (
    fill_family_change,
    fill_mover,
    fill_movers,
    fill_new_head,
    fill_parents,
    initial_of,
)


def register() -> None:
    register_document_service(
        "S2a",
        name="Kartu Keluarga baru",
        outputs=(OutputKind.KK,),
        enter=enter_family,
        enter_form=FamilyForm,
        enter_initial=initial_of,
        family_fill=fill_family_change,
        person_fill=fill_new_head,
    )
    register_document_service(
        "S2b",
        name="Surat keterangan pindah WNI",
        outputs=(OutputKind.SKPWNI,),
        enter=enter_move,
        enter_form=MoveOutForm,
        enter_initial=initial_of,
        family_fill=fill_movers,
        person_fill=fill_mover,
    )
    register_document_service(
        "S2c",
        name="Penggantian KTP-el",
        outputs=(OutputKind.KTP_EL,),
        enter_initial=initial_of,
        print_form=ReplacementForm,
        card_check=check_replacement,
    )
    register_document_service(
        "S2d",
        name="Kartu Identitas Anak",
        outputs=(OutputKind.KIA,),
        enter_initial=initial_of,
        card_check=check_kia,
    )
    register_document_service(
        "S2e",
        name="Akta kelahiran",
        outputs=(OutputKind.AKTA_KELAHIRAN,),
        enter=enter_birth,
        enter_form=BirthForm,
        enter_initial=initial_of,
        family_fill=fill_parents,
    )
    register_document_service(
        "S2f",
        name="Akta kematian",
        outputs=(OutputKind.AKTA_KEMATIAN, OutputKind.KK),
        optional=(OutputKind.KK,),
        enter=enter_death,
        enter_form=DeathForm,
        enter_initial=initial_of,
    )
