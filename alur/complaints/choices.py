"""Channels, categories and statuses of complaints, and which action each status allows."""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    WEB = "web", "Formulir web"
    COUNTER = "counter", "Loket"


class Category(models.TextChoices):
    DOCUMENT = "dokumen", "Layanan dokumen (KK, KTP-el, KIA, akta)"
    DATA = "data", "Data kependudukan tidak sesuai"
    DELAY = "keterlambatan", "Keterlambatan penyelesaian"
    STAFF = "petugas", "Sikap atau perilaku petugas"
    FEES = "pungutan", "Pungutan atau biaya"
    SYSTEM = "sistem", "Aplikasi, situs atau WhatsApp"
    OTHER = "lainnya", "Lainnya"


class Status(models.TextChoices):
    RECEIVED = "received", "Diterima"
    REGISTERED = "registered", "Dicatat di register"
    ESCALATED = "escalated", "Diteruskan ke pejabat pengelola pengaduan"
    ANSWERED = "answered", "Dijawab"
    REJECTED = "rejected", "Tidak diproses"


CLOSED = frozenset({Status.ANSWERED, Status.REJECTED})

# Which statuses each action starts from: the one table the services enforce.
ACTION_STATUSES: dict[str, frozenset[str]] = {
    "register": frozenset({Status.RECEIVED}),
    "reject": frozenset({Status.RECEIVED, Status.REGISTERED, Status.ESCALATED}),
    "answer": frozenset({Status.REGISTERED, Status.ESCALATED}),
    "escalate": frozenset({Status.REGISTERED}),
    "opinion": frozenset({Status.ESCALATED}),
    "resolve": frozenset({Status.ESCALATED}),
    "decide": frozenset({Status.ESCALATED}),
    "rate": frozenset({Status.ANSWERED}),
}
