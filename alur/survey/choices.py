"""The nine elements (unsur) of the Survei Kepuasan Masyarakat and their four-point scale, as
PermenPAN-RB No. 14 Tahun 2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat Unit
Penyelenggara Pelayanan Publik) words them, and the respondent data it asks for.

Each element is asked with its own four answers, from 1 (the worst) to 4 (the best), in the words
of the regulation's questionnaire (Lampiran, "Kuesioner"): "Tidak sesuai … Sangat sesuai" for
the requirements, "Tidak mudah … Sangat mudah" for the procedure, "Sangat mahal … Gratis" for the
fee, and so on. The element numbers follow the regulation's list of elements (U8 is complaint
handling, U9 the facilities).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Element:
    number: int  # 1..9: U1..U9
    name: str  # the element, as the regulation names it
    short: str  # ≤ 24 characters: a list row's title, a chart's label
    question: str
    answers: tuple[str, str, str, str]  # scores 1, 2, 3, 4

    @property
    def code(self) -> str:
        return f"U{self.number}"


ELEMENTS: tuple[Element, ...] = (
    Element(
        1,
        "Persyaratan",
        "Persyaratan",
        "Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis "
        "pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Element(
        2,
        "Sistem, Mekanisme, dan Prosedur",
        "Prosedur",
        "Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    Element(
        3,
        "Waktu Penyelesaian",
        "Waktu penyelesaian",
        "Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    Element(
        4,
        "Biaya/Tarif",
        "Biaya/tarif",
        "Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    Element(
        5,
        "Produk Spesifikasi Jenis Pelayanan",
        "Produk pelayanan",
        "Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang tercantum "
        "dalam standar pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Element(
        6,
        "Kompetensi Pelaksana",
        "Kompetensi petugas",
        "Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    Element(
        7,
        "Perilaku Pelaksana",
        "Perilaku petugas",
        "Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait kesopanan "
        "dan keramahan?",
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
    ),
    Element(
        8,
        "Penanganan Pengaduan, Saran dan Masukan",
        "Penanganan pengaduan",
        "Bagaimana pendapat Anda tentang penanganan pengaduan pengguna layanan?",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
    ),
    Element(
        9,
        "Sarana dan Prasarana",
        "Sarana dan prasarana",
        "Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
)
ELEMENT_COUNT = len(ELEMENTS)
SCORES = (1, 2, 3, 4)

# A list row's title holds 24 characters: these answers are shortened there (the row's
# description carries the regulation's words).
SHORT_ANSWERS = {(8, 2): "Ada, tidak berfungsi", (8, 3): "Kurang maksimal"}


def element(number: int) -> Element:
    return ELEMENTS[number - 1]


def answer_label(number: int, score: int) -> str:
    return element(number).answers[score - 1]


def answer_title(number: int, score: int) -> str:
    """The answer in at most 24 characters (a list row's title)."""
    return SHORT_ANSWERS.get((number, score), answer_label(number, score))


class Source(models.TextChoices):
    DOCUMENTS = "documents", "Penyerahan dokumen"
    COMPLAINTS = "complaints", "Jawaban pengaduan"
    PAPER = "paper", "Kuesioner kertas"


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    LINK = "link", "Tautan/QR"
    PAPER = "paper", "Kertas"


class Gender(models.TextChoices):
    MALE = "L", "Laki-laki"
    FEMALE = "P", "Perempuan"


class Education(models.TextChoices):
    SD = "sd", "SD atau di bawahnya"
    SMP = "smp", "SMP"
    SMA = "sma", "SMA/SMK"
    DIPLOMA = "d3", "D1–D3"
    S1 = "s1", "D4/S1"
    S2 = "s2", "S2"
    S3 = "s3", "S3"


class Occupation(models.TextChoices):
    PNS = "pns", "PNS"
    TNI = "tni", "TNI"
    POLRI = "polri", "POLRI"
    PRIVATE = "swasta", "Swasta"
    SELF = "wirausaha", "Wirausaha"
    OTHER = "lainnya", "Lainnya"


# The services whose hand-over or answer is surveyed, by SOP code; others fall back to the SOP.
SERVICE_LABELS = {
    "S2a": "Kartu Keluarga",
    "S2b": "Surat Keterangan Pindah WNI",
    "S2c": "KTP-el",
    "S2d": "Kartu Identitas Anak",
    "S2e": "Akta kelahiran",
    "S2f": "Akta kematian",
    "S2g": "Pengaduan",
    "S3": "Dukcapil Siaga",
}
