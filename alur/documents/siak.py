"""The data entry of an office whose register of record is SIAK ("Entri di SIAK").

The operator enters the application in SIAK; SIAK issues the numbers. The step's form is the
service's own form (the data, for the drafts and the registry) with what the office records of
the SIAK entry: the NIK of a new resident (the newborn of S2e), the No. KK of a new KK (S2a),
the register number of the akta or SKPWNI, and the day it was entered in SIAK; the operator
who records it is the one who entered it. `entry_run` checks those, runs the service's entry
(which registers the resident or family with the numbers given: the generators refuse on SIAK)
and keeps the SIAK record on each draft, all in the caller's transaction.

In `standalone` mode the form is the service's own and any `siak_*` value is ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from alur.audit.services import record
from alur.core.errors import DomainError
from alur.documents.choices import OutputKind
from alur.documents.definitions import DocumentService, EnterRequest
from alur.documents.models import CitizenDocument
from alur.documents.numbering import SIAK_FORMATS, siak_register_number_check
from alur.documents.services import case_documents
from alur.org.models import Office
from alur.registry.port import is_siak

PREFIX = "siak_"
ENTERED_ON = "siak_entered_on"
NIK = "siak_nik"
NO_KK = "siak_no_kk"
REGISTER_NUMBER = "siak_register_number"
ENTRY_TITLE = "Entri di SIAK"
MSG_SIGNED_IN_SIAK = (
    "Kantor ini memakai SIAK: dokumen kependudukan ditandatangani Kepala Dinas (TTE) di SIAK, "
    "bukan di Alur. Lampirkan dokumen yang dicetak dari SIAK."
)

MSG_PRINTED_BY_SIAK = (
    "Kantor ini memakai SIAK: dokumen ini dicetak dan ditandatangani di SIAK. Alur tidak membuat "
    "konsepnya; buka cetakannya di SIAK."
)

REGISTER_LABELS: dict[str, str] = {
    OutputKind.AKTA_KELAHIRAN: "Nomor akta kelahiran dari SIAK",
    OutputKind.AKTA_KEMATIAN: "Nomor akta kematian dari SIAK",
    OutputKind.SKPWNI: "Nomor SKPWNI dari SIAK",
}


def register_kind(service: DocumentService) -> str | None:
    """The output whose register number SIAK issues (akta, SKPWNI); None for a KK or a card."""
    return next((kind for kind in service.outputs if kind in SIAK_FORMATS), None)


def new_kk(service: DocumentService) -> bool:
    """Whether the entry may make a new KK, whose No. KK SIAK issues (S2a)."""
    return OutputKind.KK in service.outputs and OutputKind.KK not in service.optional


def new_resident(service: DocumentService) -> bool:
    """Whether the entry registers a new resident, whose NIK SIAK issues (S2e: the newborn)."""
    return OutputKind.AKTA_KELAHIRAN in service.outputs


def _siak_fields(service: DocumentService, region: str) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    if new_resident(service):
        fields[NIK] = forms.CharField(
            label="NIK anak dari SIAK",
            max_length=16,
            help_text="16 angka, sesuai tanggal lahir dan jenis kelamin anak.",
        )
    if new_kk(service):
        fields[NO_KK] = forms.CharField(
            label="No. KK baru dari SIAK",
            max_length=16,
            required=False,
            help_text="Untuk KK baru. Kosongkan bila KK yang ada diubah (No. KK tetap).",
        )
    kind = register_kind(service)
    if kind is not None:
        shape = SIAK_FORMATS[kind][1]
        fields[REGISTER_NUMBER] = forms.CharField(
            label=REGISTER_LABELS[kind],
            max_length=40,
            help_text=f"mis. {shape.format(region=region or 'KKKK')}",
        )
    fields[ENTERED_ON] = forms.DateField(
        label="Tanggal entri di SIAK",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    return fields


_FORMS: dict[tuple[str, type[forms.Form], str], type[forms.Form]] = {}


def _form_class(service: DocumentService, base: type[forms.Form], region: str) -> type[forms.Form]:
    key = (service.sop_code, base, region)
    if key not in _FORMS:
        fields = _siak_fields(service, region)
        _FORMS[key] = type(f"Siak{base.__name__}", (base,), dict(fields))
    return _FORMS[key]


def entry_form_class(service: DocumentService, office: Office) -> type[forms.Form] | None:
    """The data-entry form of `service` in `office`: its own form, or on SIAK that form with
    the numbers SIAK issued and the day of the SIAK entry."""
    if service.enter_form is None or not is_siak(office):
        return service.enter_form
    return _form_class(service, service.enter_form, office.code.replace(".", ""))


def _entered_on(case_start: date, data: dict[str, Any], today: date) -> date:
    value = data.get(ENTERED_ON)
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value or ""))
        except ValueError:
            raise DomainError(
                "Tanggal entri di SIAK wajib diisi dengan tanggal yang sah.", code=ENTERED_ON
            ) from None
    if value > today:
        raise DomainError("Tanggal entri di SIAK tidak boleh di masa depan.", code=ENTERED_ON)
    if value < case_start:
        raise DomainError(
            "Tanggal entri di SIAK tidak boleh sebelum permohonan diterima "
            f"({case_start:%d-%m-%Y}).",
            code=ENTERED_ON,
        )
    return value


def siak_of(data: dict[str, Any]) -> dict[str, Any]:
    """The SIAK record kept on a document (empty in standalone mode)."""
    value = data.get("siak") if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


@transaction.atomic
def entry_run(service: DocumentService, request: EnterRequest) -> None:
    """Run the service's data entry on the case's register of record (see the module)."""
    if service.enter is None:
        raise DomainError(f"Layanan {service.name} tidak memiliki isian data.", code="no_enter")
    case = request.case
    if not is_siak(case.office):
        plain = {k: v for k, v in request.data.items() if not str(k).startswith(PREFIX)}
        service.enter(EnterRequest(case=case, actor=request.actor, data=plain))
        return
    today = timezone.localdate()
    data = dict(request.data)
    started = case.started_at.astimezone(case.office.zone).date()
    entered_on = _entered_on(started, data, today)
    kind = register_kind(service)
    number = ""
    if kind is not None:
        number = siak_register_number_check(
            office=case.office,
            kind=kind,
            number=str(data.get(REGISTER_NUMBER) or ""),
            case_id=case.pk,
            today=today,
        )
    if new_resident(service) and not str(data.get(NIK) or "").strip():
        raise DomainError("Isi NIK anak yang diterbitkan SIAK.", code=NIK)
    service.enter(EnterRequest(case=case, actor=request.actor, data=data))
    _keep(case_documents(case, lock=True), request, kind, number, entered_on)


def _keep(
    documents: list[CitizenDocument],
    request: EnterRequest,
    kind: str | None,
    number: str,
    entered_on: date,
) -> None:
    actor = request.actor
    who = (actor.get_full_name() or actor.username) if actor is not None else ""
    for document in documents:
        if document.kind == kind:
            document.register_number = number
        elif document.kind == OutputKind.KK and document.family is not None:
            document.register_number = document.family.no_kk
        else:
            continue
        document.register_year = entered_on.year
        siak = {
            "entered_on": entered_on.isoformat(),
            "entered_by": who,
            "entered_by_id": actor.pk if actor is not None else None,
            "register_number": document.register_number,
        }
        if document.resident is not None:
            siak["nik"] = document.resident.nik
        if document.family is not None:
            siak["no_kk"] = document.family.no_kk
        document.data = dict(document.data) | {"siak": siak}
        try:
            with transaction.atomic():
                document.save(update_fields=["register_number", "register_year", "data"])
        except IntegrityError:  # another entry took the same number at the same moment
            raise DomainError(
                f"Nomor register {number} sudah tercatat untuk perkara lain.", code=REGISTER_NUMBER
            ) from None
        record(
            actor=actor,
            office=document.office,
            action="documents.siak_entry",
            obj=document,
            after=siak | {"case": request.case.reference, "kind": document.kind},
        )
