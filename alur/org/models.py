"""Offices, their units and positions, and the people who hold them."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from alur.org.choices import AppointmentKind, OfficeLevel, PositionKind, RegionLevel, UnitKind


class Region(models.Model):
    """Reference data: a Kemendagri region (province, kab/kota or kecamatan)."""

    code = models.CharField("kode wilayah", max_length=8, primary_key=True)
    name = models.CharField("nama", max_length=120)
    level = models.CharField("tingkat", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Office(models.Model):
    """A civil-registration office (Dinas) of a region, or the national directorate."""

    code = models.CharField("kode", max_length=8, unique=True)
    region = models.OneToOneField(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="office"
    )
    name = models.CharField("nama", max_length=200)
    short_name = models.CharField("nama singkat", max_length=80)
    level = models.CharField("tingkat", max_length=10, choices=OfficeLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    timezone = models.CharField("zona waktu", max_length=40)
    address = models.TextField("alamat", blank=True)
    city = models.CharField("kota tempat surat", max_length=80, blank=True)
    postal_code = models.CharField("kode pos", max_length=5, blank=True)
    phone = models.CharField("telepon", max_length=40, blank=True)
    email = models.EmailField("surel", blank=True)
    website = models.CharField("laman", max_length=120, blank=True)
    kop_government = models.CharField(
        "kop: pemerintah",
        max_length=120,
        blank=True,
        help_text="mis. PEMERINTAH KABUPATEN WAY KANAN",
    )
    kop_agency = models.CharField(
        "kop: dinas",
        max_length=160,
        blank=True,
        help_text="mis. DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    )
    is_active = models.BooleanField("aktif", default=True)
    # Whether a person acting in a post (Plt./Plh.) may take two review steps of one case in a
    # row, e.g. a Kasi who is also Plt. Kabid verifying as both: allowed only where the office
    # says so; the case page then says that it happened.
    acting_may_review_twice = models.BooleanField(
        "Plt./Plh. boleh memeriksa dua langkah berturut-turut pada satu perkara", default=False
    )
    # The national systems this office works through; blank = the deployment's default
    # (settings TTE_BACKEND, REGISTRY_BACKEND, IDENTITY_BACKEND). See `org.backends`.
    signing_backend = models.CharField(
        "layanan TTE",
        max_length=12,
        blank=True,
        choices=[("local", "Sertifikat lokal"), ("bsre", "BSrE (BSSN)")],
    )
    registry_backend = models.CharField(
        "register kependudukan",
        max_length=12,
        blank=True,
        choices=[("standalone", "Register Alur (latihan)"), ("siak", "SIAK Terpusat")],
    )
    identity_backend = models.CharField(
        "verifikasi identitas",
        max_length=12,
        blank=True,
        choices=[
            ("standalone", "Register Alur"),
            ("webservice", "Web service hak akses Dukcapil"),
        ],
    )
    # A fresh random stamp on every change to the office's hours or closures, so that the working
    # calendars each process caches know when to rebuild. Random rather than counted: a rolled
    # back change must never leave a number that a later change could take again.
    calendar_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "kantor"
        verbose_name_plural = "kantor"
        constraints = [
            models.CheckConstraint(
                condition=Q(level=OfficeLevel.NATIONAL) | Q(region__isnull=False),
                name="office_region_required_below_national",
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def zone(self) -> ZoneInfo:
        """The office's time zone. Not cached on the instance: `ZoneInfo` keeps one object per
        name already, and a cached zone would outlive an edit of `timezone`."""
        return ZoneInfo(self.timezone)


class Unit(models.Model):
    """A unit of an office: sekretariat, bidang, seksi, subbagian."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="units")
    name = models.CharField("nama", max_length=160)
    kind = models.CharField("jenis", max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["office", "name"]
        verbose_name = "unit kerja"
        verbose_name_plural = "unit kerja"
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post in an office (Kadis, Kasi Fasilitasi Dafduk, operator loket 1, ...)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField("jenis jabatan", max_length=12, choices=PositionKind.choices)
    title = models.CharField("nama jabatan", max_length=200)
    superior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        verbose_name="atasan langsung",
    )
    is_active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["office", "kind", "title"]
        verbose_name = "jabatan"
        verbose_name_plural = "jabatan"
        constraints = [
            models.UniqueConstraint(fields=["office", "title"], name="position_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class User(AbstractUser):
    """A person who signs in: staff of an office, or a partner (mitra)."""

    full_name = models.CharField("nama lengkap", max_length=160, blank=True)
    nip = models.CharField("NIP", max_length=18, blank=True)
    # The NIK by which BSrE knows this official's certificate (TTE tersertifikasi).
    nik = models.CharField("NIK", max_length=16, blank=True)
    phone = models.CharField("nomor HP/WhatsApp", max_length=20, blank=True)

    class NoticeChannel(models.TextChoices):
        """How the person is told of work waiting for them, batched (`workflow.digest`)."""

        WHATSAPP = "whatsapp", "WhatsApp (atau e-mail bila tidak ada nomor)"
        EMAIL = "email", "E-mail"
        APP = "app", "Hanya di aplikasi (tanpa pesan)"

    notice_channel = models.CharField(
        "pemberitahuan tugas lewat",
        max_length=10,
        choices=NoticeChannel.choices,
        default=NoticeChannel.WHATSAPP,
    )

    # What this person may reach, kept on the object for its request (alur.org.access); not stored.
    _alur_access_cache: dict[tuple[Any, ...], Any]

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active_on(self, day: date) -> AppointmentQuerySet:
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Appointment(models.Model):
    """A person holding a position from a date, to a date if acting (Plt./Plh.)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="appointments")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(
        "jenis", max_length=10, choices=AppointmentKind.choices, default=AppointmentKind.DEFINITIVE
    )
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("selesai", null=True, blank=True)
    decree = models.CharField("nomor SK / surat perintah", max_length=120, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "penugasan jabatan"
        verbose_name_plural = "penugasan jabatan"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        prefix = "" if self.kind == AppointmentKind.DEFINITIVE else f"{self.get_kind_display()} "
        return f"{self.user} — {prefix}{self.position}"
