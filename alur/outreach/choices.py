from django.db import models


class Category(models.TextChoices):
    """Penduduk rentan administrasi kependudukan (Permendagri 96/2019), and the groups the
    Kota Metro SOP names beside them (ODGJ, persons with disabilities)."""

    NATURAL_DISASTER = "bencana_alam", "Korban bencana alam"
    SOCIAL_DISASTER = "bencana_sosial", "Korban bencana sosial"
    NEGLECTED = "terlantar", "Orang terlantar"
    REMOTE = "komunitas_terpencil", "Komunitas terpencil"
    MENTAL_ILLNESS = "odgj", "Orang dengan gangguan jiwa (ODGJ)"
    DISABILITY = "disabilitas", "Penyandang disabilitas"


class Channel(models.TextChoices):
    PARTNER = "partner", "Akun mitra"
    WEB = "web", "Formulir publik"


class LetterKind(models.TextChoices):
    DOMICILE = "domisili", "Surat keterangan domisili dari desa/kelurahan"
    DINSOS = "dinsos", "Surat keterangan Dinas Sosial (ODGJ/terlantar)"
    POLICE = "polisi", "Surat keterangan kepolisian (tanpa identitas)"


class VisitResult(models.TextChoices):
    RECORDED = "recorded", "Perekaman biometrik berhasil"
    NOT_FOUND = "not_found", "Penduduk tidak ditemukan di lokasi"
    UNABLE = "unable", "Perekaman tidak dapat dilakukan"
