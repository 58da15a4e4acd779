"""Demo offices and personas: every actor the seed SOPs name, in the offices of the seeds.

`manage.py load_demo` loads them (idempotently); tests use them as personas. The people are
fictional. Every demo login uses DEMO_PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from alur.org.choices import AppointmentKind, PositionKind, UnitKind
from alur.org.models import Office, Position, Region, Unit, User
from alur.org.services import (
    NATIONAL_CODE,
    appointment_create,
    office_create,
    office_update,
    position_create,
    unit_create,
    user_create,
)

DEMO_PASSWORD = "Alur-Demo-2026!"  # noqa: S105  (published demo logins)
START = date(2024, 1, 2)


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    kind: str
    title: str
    unit: str | None = None
    superior: str | None = None  # title of the superior position
    appointment: str = AppointmentKind.DEFINITIVE
    ends_on: date | None = None


@dataclass(frozen=True)
class DemoOffice:
    code: str
    details: dict[str, str] = field(default_factory=dict)
    units: tuple[tuple[str, str, str | None], ...] = ()  # (name, kind, parent name)
    personas: tuple[Persona, ...] = ()
    settings: dict[str, bool] = field(default_factory=dict)  # kept up to date on every load


KADIS_WK = "Kepala Dinas Kependudukan dan Pencatatan Sipil"
KABID_DAFDUK = "Kepala Bidang Pelayanan Pendaftaran Penduduk"
KABID_CAPIL = "Kepala Bidang Pelayanan Pencatatan Sipil"
BABEL_NAME = (
    "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Kependudukan, Pencatatan Sipil dan "
    "Pengendalian Penduduk Keluarga Berencana Provinsi Kepulauan Bangka Belitung"
)

OFFICES: tuple[DemoOffice, ...] = (
    DemoOffice(
        NATIONAL_CODE,
        {"address": "Jl. Medan Merdeka Utara No. 7, Jakarta Pusat", "city": "Jakarta"},
        personas=(
            Persona(
                "ditjen.korwil",
                "Hendra Wijaya, S.Kom.",
                PositionKind.KORWIL,
                "PJ Korwil Wilayah Sumatera",
            ),
        ),
    ),
    DemoOffice(
        "19",
        {
            "name": BABEL_NAME,
            "short_name": "DP3ACSKB Prov. Kep. Bangka Belitung",
            "kop_agency": "DINAS PEMBERDAYAAN PEREMPUAN PERLINDUNGAN ANAK KEPENDUDUKAN PENCATATAN "
            "SIPIL DAN PENGENDALIAN PENDUDUK KELUARGA BERENCANA",
            "address": "Komplek Perkantoran Gubernur, Air Itam, Pangkalpinang",
            "city": "Pangkalpinang",
        },
        units=(
            ("Sekretariat", UnitKind.SEKRETARIAT, None),
            ("Subbagian Umum", UnitKind.SUBBAGIAN, "Sekretariat"),
            ("Bidang Kependudukan dan Pencatatan Sipil", UnitKind.BIDANG, None),
            (
                "Seksi Fasilitasi Pendaftaran Penduduk",
                UnitKind.SEKSI,
                "Bidang Kependudukan dan Pencatatan Sipil",
            ),
        ),
        personas=(
            Persona(
                "babel.kadis", "Dra. Rina Kartika, M.AP", PositionKind.KADIS, "Kepala Dinas P3ACSKB"
            ),
            Persona(
                "babel.sekretaris",
                "Ahmad Fauzi, S.Sos., M.Si.",
                PositionKind.SEKRETARIS,
                "Sekretaris Dinas",
                "Sekretariat",
                "Kepala Dinas P3ACSKB",
            ),
            Persona(
                "babel.kabid",
                "Yusuf Hidayat, S.STP., M.Si.",
                PositionKind.KABID,
                "Kepala Bidang Kependudukan dan Pencatatan Sipil",
                "Bidang Kependudukan dan Pencatatan Sipil",
                "Kepala Dinas P3ACSKB",
            ),
            Persona(
                "babel.kasi",
                "Sri Wahyuni, S.E.",
                PositionKind.KASI,
                "Kepala Seksi Fasilitasi Pendaftaran Penduduk",
                "Seksi Fasilitasi Pendaftaran Penduduk",
                "Kepala Bidang Kependudukan dan Pencatatan Sipil",
            ),
            Persona(
                "babel.kasubag",
                "Dedi Kurniawan, S.Kom.",
                PositionKind.KASUBAG,
                "Kepala Subbagian Umum",
                "Subbagian Umum",
                "Sekretaris Dinas",
            ),
            Persona(
                "babel.pelaksana",
                "Nur Aini, A.Md.",
                PositionKind.PELAKSANA,
                "Pelaksana Fasilitasi Pendaftaran Penduduk",
                "Seksi Fasilitasi Pendaftaran Penduduk",
                "Kepala Seksi Fasilitasi Pendaftaran Penduduk",
            ),
            Persona(
                "babel.penghubung",
                "Rudi Hartono",
                PositionKind.PENGHUBUNG,
                "Staf Badan Penghubung Provinsi di Jakarta",
            ),
        ),
    ),
    DemoOffice("18", {"city": "Bandar Lampung"}),
    DemoOffice(
        "18.08",
        {
            "address": "Jl. Jend. Sudirman, Blambangan Umpu, Way Kanan",
            "city": "Blambangan Umpu",
        },
        units=(
            ("Sekretariat", UnitKind.SEKRETARIAT, None),
            ("Bidang Pelayanan Pendaftaran Penduduk", UnitKind.BIDANG, None),
            ("Seksi Identitas Penduduk", UnitKind.SEKSI, "Bidang Pelayanan Pendaftaran Penduduk"),
            (
                "Seksi Pindah Datang Penduduk",
                UnitKind.SEKSI,
                "Bidang Pelayanan Pendaftaran Penduduk",
            ),
            ("Bidang Pelayanan Pencatatan Sipil", UnitKind.BIDANG, None),
            ("Seksi Kelahiran dan Kematian", UnitKind.SEKSI, "Bidang Pelayanan Pencatatan Sipil"),
        ),
        personas=(
            Persona("waykanan.kadis", "Drs. Bambang Setiawan", PositionKind.KADIS, KADIS_WK),
            Persona(
                "waykanan.sekretaris",
                "Sulastri, S.H.",
                PositionKind.SEKRETARIS,
                "Sekretaris Dinas",
                "Sekretariat",
                KADIS_WK,
            ),
            Persona(
                "waykanan.kabid.dafduk",
                "Agus Salim, S.IP.",
                PositionKind.KABID,
                KABID_DAFDUK,
                "Bidang Pelayanan Pendaftaran Penduduk",
                KADIS_WK,
            ),
            Persona(
                "waykanan.kasi.dafduk",
                "Maya Sari, S.Kom.",
                PositionKind.KASI,
                "Kepala Seksi Identitas Penduduk",
                "Seksi Identitas Penduduk",
                KABID_DAFDUK,
            ),
            Persona(
                "waykanan.kasi.pindah",
                "Joko Prasetyo, S.E.",
                PositionKind.KASI,
                "Kepala Seksi Pindah Datang Penduduk",
                "Seksi Pindah Datang Penduduk",
                KABID_DAFDUK,
            ),
            # The Kabid Pencatatan Sipil post is held by an acting head (Plt.) for the demo.
            Persona(
                "waykanan.kasi.capil",
                "Lina Marlina, S.H.",
                PositionKind.KABID,
                KABID_CAPIL,
                "Bidang Pelayanan Pencatatan Sipil",
                KADIS_WK,
                AppointmentKind.PLT,
                date(2027, 6, 30),
            ),
            Persona(
                "waykanan.kasi.capil",
                "Lina Marlina, S.H.",
                PositionKind.KASI,
                "Kepala Seksi Kelahiran dan Kematian",
                "Seksi Kelahiran dan Kematian",
                KABID_CAPIL,
            ),
            Persona(
                "waykanan.operator",
                "Rizky Pratama",
                PositionKind.OPERATOR,
                "Operator Pelayanan Online",
                "Seksi Identitas Penduduk",
                "Kepala Seksi Identitas Penduduk",
            ),
            Persona(
                "waykanan.operator.capil",
                "Dewi Anggraini",
                PositionKind.OPERATOR,
                "Operator Pencatatan Sipil",
                "Seksi Kelahiran dan Kematian",
                "Kepala Seksi Kelahiran dan Kematian",
            ),
            Persona(
                "waykanan.petugas",
                "Fajar Nugroho",
                PositionKind.PETUGAS,
                "Petugas Verifikasi Berkas",
                "Seksi Identitas Penduduk",
                "Kepala Seksi Identitas Penduduk",
            ),
            Persona(
                "waykanan.petugas.capil",
                "Siti Rahmawati",
                PositionKind.PETUGAS,
                "Petugas Registrasi Pencatatan Sipil",
                "Seksi Kelahiran dan Kematian",
                "Kepala Seksi Kelahiran dan Kematian",
            ),
            Persona(
                "waykanan.pengaduan",
                "Andi Saputra",
                PositionKind.PETUGAS,
                "Petugas Penerima Pengaduan",
                "Sekretariat",
                "Sekretaris Dinas",
            ),
        ),
        # The Plt. Kabid Pencatatan Sipil is also its only Kasi: the office lets an acting head
        # verify a case after verifying it as Kasi (the case page says so).
        settings={"acting_may_review_twice": True},
    ),
    DemoOffice(
        "18.72",
        {"address": "Jl. Imam Bonjol No. 26, Metro Pusat", "city": "Metro"},
        units=(
            ("Bidang Pelayanan Pendaftaran Penduduk", UnitKind.BIDANG, None),
            ("Seksi Identitas Penduduk", UnitKind.SEKSI, "Bidang Pelayanan Pendaftaran Penduduk"),
        ),
        personas=(
            Persona("metro.kadis", "Dra. Ratna Dewi, M.Pd.", PositionKind.KADIS, KADIS_WK),
            Persona(
                "metro.kabid",
                "Heru Susanto, S.Sos.",
                PositionKind.KABID,
                KABID_DAFDUK,
                "Bidang Pelayanan Pendaftaran Penduduk",
                KADIS_WK,
            ),
            Persona(
                "metro.kasi",
                "Indah Permata, S.Kom.",
                PositionKind.KASI,
                "Kepala Seksi Identitas Penduduk",
                "Seksi Identitas Penduduk",
                KABID_DAFDUK,
            ),
            Persona(
                "metro.operator",
                "Bayu Aditya",
                PositionKind.OPERATOR,
                "Operator SIAK",
                "Seksi Identitas Penduduk",
                "Kepala Seksi Identitas Penduduk",
            ),
            Persona(
                "metro.petugas",
                "Wulan Sari",
                PositionKind.PETUGAS,
                "Petugas Dukcapil Siaga",
                "Seksi Identitas Penduduk",
                "Kepala Seksi Identitas Penduduk",
            ),
            Persona(
                "metro.perekaman",
                "Eko Saputro",
                PositionKind.PETUGAS,
                "Petugas Perekaman KTP-el",
                "Seksi Identitas Penduduk",
                "Kepala Seksi Identitas Penduduk",
            ),
            Persona(
                "metro.mitra.kelurahan",
                "Yanti Susilowati",
                PositionKind.MITRA,
                "Mitra Kelurahan Metro",
            ),
            Persona(
                "metro.mitra.dinsos",
                "Taufik Rahman, S.Sos.",
                PositionKind.MITRA,
                "Mitra Dinas Sosial (pekerja sosial)",
            ),
        ),
    ),
    DemoOffice(
        "13",
        {"address": "Jl. Rasuna Said No. 74, Padang", "city": "Padang"},
        units=(
            ("Sekretariat", UnitKind.SEKRETARIAT, None),
            ("Bidang Fasilitasi Pencatatan Sipil", UnitKind.BIDANG, None),
            ("Seksi Kelahiran dan Kematian", UnitKind.SEKSI, "Bidang Fasilitasi Pencatatan Sipil"),
            ("Bidang PIAK dan Pemanfaatan Data", UnitKind.BIDANG, None),
        ),
        personas=(
            Persona("sumbar.kadis", "Drs. Syafrizal, M.M.", PositionKind.KADIS, KADIS_WK),
            Persona(
                "sumbar.sekretaris",
                "Yulia Fitri, S.E., M.M.",
                PositionKind.SEKRETARIS,
                "Sekretaris Dinas",
                "Sekretariat",
                KADIS_WK,
            ),
            Persona(
                "sumbar.kabid",
                "Irwan Effendi, S.H.",
                PositionKind.KABID,
                "Kepala Bidang Fasilitasi Pencatatan Sipil",
                "Bidang Fasilitasi Pencatatan Sipil",
                KADIS_WK,
            ),
            Persona(
                "sumbar.kasi",
                "Rahmi Yanti, S.Kom.",
                PositionKind.KASI,
                "Kepala Seksi Kelahiran dan Kematian",
                "Seksi Kelahiran dan Kematian",
                "Kepala Bidang Fasilitasi Pencatatan Sipil",
            ),
            Persona(
                "sumbar.staf",
                "Fikri Hamdani",
                PositionKind.PELAKSANA,
                "Staf Fasilitasi Pencatatan Sipil",
                "Seksi Kelahiran dan Kematian",
                "Kepala Seksi Kelahiran dan Kematian",
            ),
            Persona(
                "sumbar.piak",
                "Nadia Putri, S.Si.",
                PositionKind.ANALIS,
                "Analis Data Kependudukan",
                "Bidang PIAK dan Pemanfaatan Data",
                KADIS_WK,
            ),
        ),
    ),
)

# The kab/kota offices of the two demo provinces; Babel's each get a Kadis and a report operator.
CHILD_PROVINCES_WITH_STAFF = ("19",)
CHILD_PROVINCES_WITHOUT_STAFF = ("13",)


def _slug(region: Region) -> str:
    name = region.name.removeprefix("Kabupaten ").removeprefix("Kota ")
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _child_offices() -> list[DemoOffice]:
    children: list[DemoOffice] = []
    for province in CHILD_PROVINCES_WITH_STAFF + CHILD_PROVINCES_WITHOUT_STAFF:
        for region in Region.objects.filter(parent_id=province).order_by("code"):
            personas: tuple[Persona, ...] = ()
            if province in CHILD_PROVINCES_WITH_STAFF:
                slug = _slug(region)
                personas = (
                    Persona(
                        f"{slug}.kadis",
                        f"Kadis Dukcapil {region.name}",
                        PositionKind.KADIS,
                        KADIS_WK,
                    ),
                    Persona(
                        f"{slug}.operator",
                        f"Operator Pelaporan {region.name}",
                        PositionKind.OPERATOR,
                        "Operator Pelaporan",
                        None,
                        KADIS_WK,
                    ),
                )
            children.append(DemoOffice(region.code, personas=personas))
    return children


def _nip(serial: int, female: bool) -> str:
    born = date(1975 + serial % 20, 1 + serial % 12, 1 + serial % 27)
    return f"{born:%Y%m%d}{2000 + serial % 20}{1 + serial % 12:02d}{2 if female else 1}{serial:03d}"


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Create what is missing; return (username, name, positions) of every demo persona."""
    logins: dict[str, tuple[str, list[str]]] = {}
    serial = 0
    for spec in (*OFFICES, *_child_offices()):
        office = Office.objects.filter(code=spec.code).first()
        if office is None:
            office = office_create(code=spec.code, actor=None, **spec.details, **spec.settings)
        elif changed := {k: v for k, v in spec.settings.items() if getattr(office, k) != v}:
            office = office_update(office=office, actor=None, reason="data demo", **changed)
        units: dict[str, Unit] = {u.name: u for u in office.units.all()}
        for name, kind, parent in spec.units:
            if name not in units:
                units[name] = unit_create(
                    office=office, name=name, kind=kind, parent=units.get(parent or "")
                )
        for persona in spec.personas:
            serial += 1
            position = Position.objects.filter(office=office, title=persona.title).first()
            if position is None:
                position = position_create(
                    office=office,
                    kind=persona.kind,
                    title=persona.title,
                    unit=units.get(persona.unit or ""),
                    superior=Position.objects.filter(
                        office=office, title=persona.superior or ""
                    ).first(),
                )
            user = User.objects.filter(username=persona.username).first()
            if user is None:
                user = user_create(
                    username=persona.username,
                    full_name=persona.full_name,
                    password=DEMO_PASSWORD,
                    nip="" if persona.kind == PositionKind.MITRA else _nip(serial, serial % 2 == 0),
                    phone=f"0812{7000000 + serial:07d}",
                    office=office,
                )
            if not position.appointments.filter(user=user).exists():
                appointment_create(
                    user=user,
                    position=position,
                    starts_on=START,
                    ends_on=persona.ends_on,
                    kind=persona.appointment,
                )
            label = (
                position.title
                if persona.appointment == AppointmentKind.DEFINITIVE
                else (f"Plt. {position.title}")
            )
            entry = logins.setdefault(persona.username, (persona.full_name, []))
            entry[1].append(f"{label} — {office.short_name}")
    return [(u, name, "; ".join(titles)) for u, (name, titles) in logins.items()]
