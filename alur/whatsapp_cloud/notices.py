"""The approved templates Alur's notices use outside the 24-hour window, one per notice kind.

A notice to a citizen or to staff is written as free text (or a document) and carries the
template that delivers it when WhatsApp refuses free text (`alur.outbox.content`). Which
template each notice needs is named here, once, with where it is used: the office registers
these names in WhatsApp Manager (category Utility, Bahasa Indonesia, the body below), the sync
(`services.templates_sync`) reads back their status, and the office page lists each with its
status per WhatsApp Business Account. Every template below takes the notice as its body
parameters (`{{1}}`, one line: `alur.outbox.content.template_parameter`); a letter or a report
form also carries the file as its document header.

The local Graph API server (peers/graph_api/catalogue.py) is seeded with the same templates,
approved; a test keeps the two lists equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from alur.whatsapp_cloud.models import placeholders


@dataclass(frozen=True)
class NoticeTemplate:
    """One notice kind's template: its `name` in WhatsApp Manager, where Alur uses it, the body
    text registered with it, and whether it has a document header."""

    name: str
    where: str
    body: str
    document_header: bool = False
    language: str = "id"
    category: str = "UTILITY"

    @property
    def body_parameters(self) -> int:
        return placeholders(self.body)


APPLICATION_RETURNED = NoticeTemplate(
    "permohonan_dikembalikan",
    "Permohonan dokumen dikembalikan kepada pemohon untuk dilengkapi",
    "Permohonan dokumen kependudukan Anda perlu dilengkapi: {{1}} "
    "Balas pesan ini untuk melengkapinya.",
)
APPLICATION_REJECTED = NoticeTemplate(
    "permohonan_ditolak",
    "Permohonan dokumen ditolak",
    "Keputusan atas permohonan dokumen kependudukan Anda: {{1}} "
    "Hubungi kantor Disdukcapil bila ada pertanyaan.",
)
APPLICATION_DONE = NoticeTemplate(
    "pembaruan_permohonan",
    "Dokumen permohonan selesai dan dapat diambil; templat umum nomor bisnis",
    "Pembaruan permohonan dokumen kependudukan Anda: {{1}} Terima kasih.",
)
COMPLAINT_UPDATE = NoticeTemplate(
    "pembaruan_pengaduan",
    "Pengaduan: diterima, dijawab, diteruskan atau ditolak",
    "Pembaruan pengaduan Anda kepada Disdukcapil: {{1}} Terima kasih.",
)
LETTER_ISSUED = NoticeTemplate(
    "naskah_dinas_terbit",
    "Naskah dinas yang sudah ditandatangani, dikirim kepada penerimanya (berkas PDF)",
    "Naskah dinas untuk Anda: {{1}} Berkasnya terlampir.",
    document_header=True,
)
REPORT_FORM = NoticeTemplate(
    "formulir_laporan_berkala",
    "Formulir laporan berkala (S0) untuk kab/kota (berkas Excel)",
    "Formulir laporan berkala: {{1}} Isi dan kirim kembali sebelum batas waktu.",
    document_header=True,
)
BLANK_SHARE = NoticeTemplate(
    "porsi_blanko_ktp_el",
    "Pembagian blanko KTP-el kepada kab/kota (S1)",
    "Informasi pembagian blanko KTP-el: {{1}} Terima kasih.",
)
STAFF_DIGEST = NoticeTemplate(
    "alur_tugas_menunggu",
    "Ringkasan pekerjaan yang menunggu petugas (paraf, tanda tangan, keputusan)",
    "Pekerjaan menunggu Anda di Alur: {{1}} Buka Pemberitahuan untuk menindaklanjuti.",
)

NOTICE_TEMPLATES: tuple[NoticeTemplate, ...] = (
    APPLICATION_RETURNED,
    APPLICATION_REJECTED,
    APPLICATION_DONE,
    COMPLAINT_UPDATE,
    LETTER_ISSUED,
    REPORT_FORM,
    BLANK_SHARE,
    STAFF_DIGEST,
)

# The applicant's notices by the key the engine gives them (`alur.workflow.notices`:
# "return:<task>", "reject:<task>"; `alur.intake.notices`: "done").
APPLICATION_NOTICES: dict[str, NoticeTemplate] = {
    "return": APPLICATION_RETURNED,
    "reject": APPLICATION_REJECTED,
    "done": APPLICATION_DONE,
}


def application_notice(key: str) -> NoticeTemplate:
    """The template of an applicant's notice queued under `key` (its kind before the colon)."""
    return APPLICATION_NOTICES.get(key.partition(":")[0], APPLICATION_DONE)
