from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten/Kota"
    DISTRICT = "district", "Kecamatan"


class OfficeLevel(models.TextChoices):
    NATIONAL = "national", "Pusat"
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten/Kota"


class UnitKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", "Sekretariat"
    BIDANG = "bidang", "Bidang"
    SEKSI = "seksi", "Seksi"
    SUBBAGIAN = "subbagian", "Subbagian"
    UPT = "upt", "UPT"
    OTHER = "lain", "Lainnya"


class PositionKind(models.TextChoices):
    """Kinds of position; an SOP's actor (pelaksana) maps to one of these."""

    KADIS = "kadis", "Kepala Dinas"
    SEKRETARIS = "sekretaris", "Sekretaris"
    KABID = "kabid", "Kepala Bidang"
    KASI = "kasi", "Kepala Seksi"
    KASUBAG = "kasubag", "Kepala Subbagian"
    OPERATOR = "operator", "Operator"
    PETUGAS = "petugas", "Petugas"
    PELAKSANA = "pelaksana", "Pelaksana"
    ANALIS = "analis", "Analis Data"
    MITRA = "mitra", "Mitra (kecamatan, kelurahan, pekerja sosial, Dinsos)"
    KORWIL = "korwil", "PJ Korwil Ditjen Dukcapil"
    PENGHUBUNG = "penghubung", "Badan Penghubung Provinsi"


class AppointmentKind(models.TextChoices):
    DEFINITIVE = "definitif", "Definitif"
    PLT = "plt", "Pelaksana Tugas (Plt.)"
    PLH = "plh", "Pelaksana Harian (Plh.)"
