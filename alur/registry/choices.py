"""The closed lists of the population register, as printed on the KK (Permendagri 109/2019)."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "L", "Laki-laki"
    FEMALE = "P", "Perempuan"


class Religion(models.TextChoices):
    ISLAM = "islam", "Islam"
    KRISTEN = "kristen", "Kristen"
    KATOLIK = "katolik", "Katolik"
    HINDU = "hindu", "Hindu"
    BUDDHA = "buddha", "Buddha"
    KHONGHUCU = "khonghucu", "Khonghucu"
    KEPERCAYAAN = "kepercayaan", "Kepercayaan terhadap Tuhan YME"


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", "Belum kawin"
    MARRIED = "kawin_tercatat", "Kawin tercatat"
    MARRIED_UNRECORDED = "kawin_belum_tercatat", "Kawin belum tercatat"
    DIVORCED = "cerai_hidup", "Cerai hidup"
    WIDOWED = "cerai_mati", "Cerai mati"


class Education(models.TextChoices):
    NONE = "tidak_sekolah", "Tidak/belum sekolah"
    PRIMARY_UNFINISHED = "belum_tamat_sd", "Belum tamat SD/sederajat"
    PRIMARY = "sd", "Tamat SD/sederajat"
    JUNIOR = "sltp", "SLTP/sederajat"
    SENIOR = "slta", "SLTA/sederajat"
    DIPLOMA_1_2 = "d1_d2", "Diploma I/II"
    DIPLOMA_3 = "d3", "Akademi/Diploma III/Sarjana Muda"
    BACHELOR = "d4_s1", "Diploma IV/Strata I"
    MASTER = "s2", "Strata II"
    DOCTOR = "s3", "Strata III"


class Relation(models.TextChoices):
    HEAD = "kepala", "Kepala keluarga"
    HUSBAND = "suami", "Suami"
    WIFE = "istri", "Istri"
    CHILD = "anak", "Anak"
    CHILD_IN_LAW = "menantu", "Menantu"
    GRANDCHILD = "cucu", "Cucu"
    PARENT = "orang_tua", "Orang tua"
    PARENT_IN_LAW = "mertua", "Mertua"
    RELATIVE = "famili_lain", "Famili lain"
    HELPER = "pembantu", "Pembantu"
    OTHER = "lainnya", "Lainnya"


class Citizenship(models.TextChoices):
    WNI = "wni", "WNI"
    WNA = "wna", "WNA"


class ResidentStatus(models.TextChoices):
    ALIVE = "alive", "Hidup"
    DEAD = "dead", "Meninggal"
    MOVED_OUT = "moved_out", "Pindah keluar"
