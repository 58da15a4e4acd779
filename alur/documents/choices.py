from django.db import models

from alur.tte.models import DocumentKind


class OutputKind(models.TextChoices):
    KK = "kk", "Kartu Keluarga"
    SKPWNI = "skpwni", "SKPWNI"
    AKTA_KELAHIRAN = "akta_kelahiran", "Kutipan akta kelahiran"
    AKTA_KEMATIAN = "akta_kematian", "Kutipan akta kematian"
    KTP_EL = "ktp_el", "KTP-el"
    KIA = "kia", "KIA"


# Signed PDFs (TTE by the Kadis) and the kind they are archived as; the rest are cards.
PAPER: dict[str, str] = {
    OutputKind.KK: DocumentKind.KK,
    OutputKind.SKPWNI: DocumentKind.SKPWNI,
    OutputKind.AKTA_KELAHIRAN: DocumentKind.AKTA_KELAHIRAN,
    OutputKind.AKTA_KEMATIAN: DocumentKind.AKTA_KEMATIAN,
}
CARDS: dict[str, str] = {OutputKind.KTP_EL: "ktp_el", OutputKind.KIA: "kia"}  # blanko item


class HandoverMethod(models.TextChoices):
    IN_PERSON = "in_person", "Diserahkan langsung"
    POS = "pos", "Dikirim lewat PT POS"
