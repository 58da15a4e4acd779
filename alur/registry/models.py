"""Residents and families: the product's side of the population register (a port of SIAK).

A `Resident` is one person with a NIK; a `Family` is one KK (No. KK) and its dated
`FamilyMember` rows: a membership ends (`until`) when the person dies, moves out or leaves for
another KK, so the family's composition on any day can be read back. Every change goes through
`registry.services` and is audited.

`ResidentCount` is the rollup the coverage indicators read: residents counted per office and
combination of the attributes the indicators use, kept by the same services in the same
transaction (`registry.rollup`), with ages as of `RollupState.as_of`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alur.org.models import Office, Region
from alur.registry.choices import (
    Citizenship,
    Education,
    MaritalStatus,
    Relation,
    Religion,
    ResidentStatus,
    Sex,
)


class Address(models.Model):
    """The address fields a resident and a KK share."""

    address = models.CharField("alamat", max_length=300)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    village = models.CharField("desa/kelurahan", max_length=100, blank=True)
    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="kecamatan"
    )
    postal_code = models.CharField("kode pos", max_length=5, blank=True)

    class Meta:
        abstract = True

    @property
    def rt_rw(self) -> str:
        return "/".join(part.zfill(3) for part in (self.rt, self.rw) if part) or "-"


class Resident(Address):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="residents", verbose_name="kantor pencatat"
    )
    nik = models.CharField("NIK", max_length=16, unique=True)
    name = models.CharField("nama lengkap", max_length=150)
    sex = models.CharField("jenis kelamin", max_length=1, choices=Sex.choices)
    birth_place = models.CharField("tempat lahir", max_length=100)
    birth_date = models.DateField("tanggal lahir")
    religion = models.CharField("agama", max_length=12, choices=Religion.choices, blank=True)
    marital_status = models.CharField(
        "status perkawinan",
        max_length=24,
        choices=MaritalStatus.choices,
        default=MaritalStatus.SINGLE,
    )
    education = models.CharField("pendidikan", max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField("jenis pekerjaan", max_length=100, blank=True)
    citizenship = models.CharField(
        "kewarganegaraan", max_length=3, choices=Citizenship.choices, default=Citizenship.WNI
    )
    mother_name = models.CharField("nama ibu", max_length=150, blank=True)
    father_name = models.CharField("nama ayah", max_length=150, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.ALIVE
    )
    died_on = models.DateField("tanggal meninggal", null=True, blank=True)
    moved_out_on = models.DateField("tanggal pindah", null=True, blank=True)
    moved_to = models.CharField("tujuan pindah", max_length=300, blank=True)
    biometrics_recorded_at = models.DateTimeField("perekaman KTP-el", null=True, blank=True)
    # The civil-registry documents issued to the resident: the akta's register number once the
    # Kadis signed it, the day the KIA card was printed.
    birth_certificate_no = models.CharField("nomor akta kelahiran", max_length=40, blank=True)
    kia_issued_at = models.DateTimeField("KIA dicetak", null=True, blank=True)
    death_certificate_no = models.CharField("nomor akta kematian", max_length=40, blank=True)
    registered_at = models.DateTimeField("didaftarkan")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("diubah")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "penduduk"
        verbose_name_plural = "penduduk"
        indexes = [models.Index(fields=["office", "name"], name="resident_office_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ResidentStatus.DEAD, died_on__isnull=False)
                | ~Q(status=ResidentStatus.DEAD),
                name="resident_dead_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nik})"


class Family(Address):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="families", verbose_name="kantor pencatat"
    )
    no_kk = models.CharField("No. KK", max_length=16, unique=True)
    head = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="headed_families",
        verbose_name="kepala keluarga",
    )
    issued_on = models.DateField("tanggal dikeluarkan")
    changed_on = models.DateField("tanggal perubahan", null=True, blank=True)
    version = models.PositiveIntegerField("versi", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["no_kk"]
        verbose_name = "kartu keluarga"
        verbose_name_plural = "kartu keluarga"

    def __str__(self) -> str:
        return f"KK {self.no_kk}"


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField("hubungan dalam keluarga", max_length=12, choices=Relation.choices)
    since = models.DateField("sejak")
    until = models.DateField("sampai", null=True, blank=True)
    end_reason = models.CharField("alasan berakhir", max_length=200, blank=True)

    class Meta:
        ordering = ["family", "since", "pk"]
        verbose_name = "anggota keluarga"
        verbose_name_plural = "anggota keluarga"
        constraints = [
            # A person belongs to one KK at a time.
            models.UniqueConstraint(
                fields=["resident"], condition=Q(until__isnull=True), name="member_one_current_kk"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="member_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} — {self.get_relation_display()} ({self.family.no_kk})"


class ResidentCount(models.Model):
    """How many residents of `office` (moved-out ones excluded) have this combination, with
    their age class as of `RollupState.as_of`: `age_from` 0 (0–16 years), 17 (17–18) or 19
    (19 and over); `married` is married at least once (any status but belum kawin)."""

    # The unique key's index leads with the office: no index of its own.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", db_index=False)
    age_from = models.PositiveSmallIntegerField()
    married = models.BooleanField()
    dead = models.BooleanField()
    ktp_recorded = models.BooleanField()
    has_akta_lahir = models.BooleanField()
    has_kia = models.BooleanField()
    has_akta_mati = models.BooleanField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "office",
                    "age_from",
                    "married",
                    "dead",
                    "ktp_recorded",
                    "has_akta_lahir",
                    "has_kia",
                    "has_akta_mati",
                ],
                name="registry_residentcount_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.age_from}+: {self.count}"


class RollupState(models.Model):
    """The one row (pk 1) holding the day the rollup's age classes are computed for. Each
    resident change reads it under a share lock; the nightly roll and the rebuild lock it
    exclusively, so ages never mix two days."""

    as_of = models.DateField()

    def __str__(self) -> str:
        return f"rollup per {self.as_of:%d-%m-%Y}"
