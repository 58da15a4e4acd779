"""The services citizens apply for, by SOP code: what they must send and what they are asked.

Data, not code: requirements follow Perpres 96/2018, Permendagri 108/2019 and the forms of
Permendagri 109/2019 (docs/domain.md). A requirement with `alternatives` may be met by any one of
them (a birth letter, or an SPTJM with two witnesses): the applicant uploads one file under its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    IMAGE = "image"
    PDF = "pdf"


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NIK = "nik"
    KK = "kk"
    PHONE = "phone"
    NAME = "name"  # a person's name, printed on documents: alur.core.validators.person_name


KIND_LABELS = {Kind.IMAGE: "gambar (JPG/PNG)", Kind.PDF: "PDF"}
ANY_FILE = (Kind.IMAGE, Kind.PDF)


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    required: bool = True
    kinds: tuple[Kind, ...] = ANY_FILE
    hint: str = ""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    birth_date_field: str | None = None  # a NIK is compared with this date field (a warning)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    subject: str  # the start of a case's subject: "Akta kelahiran"
    subject_field: str | None  # the field whose value names the case, else the applicant
    requirements: tuple[Requirement, ...]
    fields: tuple[Field, ...] = ()
    # The fields naming whom the application is for, when that is not the applicant (the child,
    # the deceased): an open application of the same NIK is a duplicate only for the same one.
    same_subject: tuple[str, ...] = ()

    def requirement(self, key: str) -> Requirement | None:
        return next((r for r in self.requirements if r.key == key), None)


APPLICANT_FIELDS: tuple[Field, ...] = (
    Field("name", "Nama pemohon", FieldKind.NAME),
    Field("nik", "NIK pemohon", FieldKind.NIK),
    Field("phone", "Nomor HP/WhatsApp", FieldKind.PHONE),
)

KK = Requirement("kk", "Kartu Keluarga (KK)")
KK_OR_LOSS = Requirement(
    "kk", "Kartu Keluarga (KK) asli, atau surat keterangan kehilangan dari kepolisian"
)
F_102 = Requirement("f102", "Formulir F-1.02 (biodata penduduk)")
F_201 = Requirement("f201", "Formulir F-2.01 (pelaporan pencatatan sipil)")

SERVICES: dict[str, Service] = {
    s.code: s
    for s in (
        Service(
            code="S2a",
            name="Kartu Keluarga baru",
            subject="Kartu Keluarga baru",
            subject_field=None,
            requirements=(
                Requirement(
                    "marriage",
                    "Buku nikah/akta perkawinan atau akta perceraian",
                    hint="Bila perkawinan belum tercatat: formulir F-1.05 (SPTJM).",
                ),
                Requirement("skpwni", "SKPWNI (bagi penduduk yang pindah datang)", required=False),
                Requirement(
                    "rentan_letter",
                    "Surat keterangan pengganti identitas (bagi penduduk rentan)",
                    required=False,
                ),
                F_102,
            ),
            fields=(Field("head_name", "Nama kepala keluarga", FieldKind.NAME),),
        ),
        Service(
            code="S2b",
            name="Surat Keterangan Pindah WNI (SKPWNI)",
            subject="SKPWNI",
            subject_field=None,
            requirements=(
                Requirement("f103", "Formulir F-1.03 (pendaftaran perpindahan penduduk)"),
                KK_OR_LOSS,
            ),
            fields=(
                Field("kk_number", "Nomor KK", FieldKind.KK),
                Field("destination", "Alamat tujuan pindah"),
                Field("reason", "Alasan pindah"),
            ),
        ),
        Service(
            code="S2c",
            name="KTP-el penggantian (hilang, rusak atau perubahan data)",
            subject="KTP-el penggantian",
            subject_field=None,
            requirements=(
                Requirement(
                    "proof",
                    "Surat keterangan kehilangan dari kepolisian, KTP-el yang rusak, atau "
                    "KTP-el lama dengan bukti perubahan data",
                ),
                KK,
                F_102,
            ),
            fields=(Field("reason", "Alasan penggantian (hilang, rusak, perubahan data)"),),
        ),
        Service(
            code="S2d",
            name="Kartu Identitas Anak (KIA)",
            subject="KIA",
            subject_field="child_name",
            requirements=(
                Requirement("birth_certificate", "Akta kelahiran anak"),
                KK,
                Requirement("parents_ktp", "KTP-el kedua orang tua/wali"),
                Requirement(
                    "photo",
                    "Pas foto berwarna anak (bagi anak usia 5 tahun ke atas)",
                    required=False,
                    kinds=(Kind.IMAGE,),
                    hint="Ukuran 2x3 (Way Kanan meminta 3x4).",
                ),
            ),
            fields=(
                Field("child_name", "Nama anak", FieldKind.NAME),
                Field("child_nik", "NIK anak", FieldKind.NIK, birth_date_field="child_birth_date"),
                Field("child_birth_date", "Tanggal lahir anak", FieldKind.DATE),
            ),
            same_subject=("child_nik",),
        ),
        Service(
            code="S2e",
            name="Akta kelahiran",
            subject="Akta kelahiran",
            subject_field="child_name",
            requirements=(
                Requirement(
                    "birth_letter",
                    "Surat keterangan lahir (rumah sakit, puskesmas, dokter, bidan atau kepala "
                    "desa), atau SPTJM kebenaran data kelahiran (F-2.03) dengan 2 saksi",
                ),
                Requirement(
                    "marriage",
                    "Buku nikah/akta perkawinan orang tua, atau SPTJM kebenaran pasangan suami "
                    "istri (F-2.04)",
                ),
                KK,
                F_201,
            ),
            fields=(
                Field("child_name", "Nama anak", FieldKind.NAME),
                Field("child_birth_date", "Tanggal lahir anak", FieldKind.DATE),
                Field("child_birth_place", "Tempat lahir anak"),
            ),
            same_subject=("child_name", "child_birth_date"),
        ),
        Service(
            code="S2f",
            name="Akta kematian",
            subject="Akta kematian",
            subject_field="deceased_name",
            requirements=(
                Requirement(
                    "death_letter",
                    "Surat keterangan kematian (dokter atau kepala desa; dalam hal khusus dari "
                    "kepolisian, pengadilan, maskapai atau perwakilan RI)",
                ),
                Requirement("kk", "Kartu Keluarga (KK) almarhum/almarhumah"),
                Requirement("deceased_ktp", "KTP-el almarhum/almarhumah"),
                Requirement("f201", "Formulir F-2.01 dengan pelapor dan 2 saksi"),
            ),
            fields=(
                Field("deceased_name", "Nama almarhum/almarhumah", FieldKind.NAME),
                Field("deceased_nik", "NIK almarhum/almarhumah", FieldKind.NIK),
                Field("death_date", "Tanggal kematian", FieldKind.DATE),
                Field("death_place", "Tempat kematian"),
            ),
            same_subject=("deceased_nik",),
        ),
    )
}


def service(code: str) -> Service | None:
    return SERVICES.get(code)
