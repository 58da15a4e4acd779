"""The one place a WhatsApp message and its out-of-window template are built."""

from __future__ import annotations

import pytest

from alur.outbox.content import (
    LINE_JOINER,
    TEMPLATE_PARAMETER_LIMIT,
    template_parameter,
    whatsapp_document,
    whatsapp_template,
    whatsapp_text,
)


def test_a_text_with_a_template_repeats_the_text_as_the_body_parameter() -> None:
    content = whatsapp_text("Dokumen sudah selesai.", template="pembaruan_permohonan")
    assert content.kind == "text"
    assert content.payload == {"body": "Dokumen sudah selesai."}
    assert content.template_fallback == {
        "name": "pembaruan_permohonan",
        "language": "id",
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Dokumen sudah selesai."}]}
        ],
    }


def test_the_template_parameter_is_cut_to_what_whatsapp_accepts() -> None:
    body = "x" * 1500
    content = whatsapp_text(body, template="t", language="en")
    assert content.payload == {"body": body}
    assert content.template_fallback is not None
    assert content.template_fallback["language"] == "en"
    [component] = content.template_fallback["components"]
    assert component["parameters"][0]["text"] == "x" * 999 + "…"
    assert len(component["parameters"][0]["text"]) == TEMPLATE_PARAMETER_LIMIT


def test_a_reply_inside_the_window_has_no_template() -> None:
    assert whatsapp_text("Balas 1 untuk KTP-el.").template_fallback is None
    assert whatsapp_document(path="a.pdf", filename="a.pdf", caption="c").template_fallback is None


def test_a_document_template_carries_the_same_file_as_its_header() -> None:
    content = whatsapp_document(
        path="letters/7.pdf", filename="surat-1.pdf", caption="Surat 1", template="naskah"
    )
    assert content.kind == "document"
    assert content.payload == {
        "path": "letters/7.pdf",
        "filename": "surat-1.pdf",
        "caption": "Surat 1",
    }
    assert content.template_fallback == {
        "name": "naskah",
        "language": "id",
        "components": [
            {
                "type": "header",
                "parameters": [
                    {
                        "type": "document",
                        "document": {"path": "letters/7.pdf", "filename": "surat-1.pdf"},
                    }
                ],
            },
            {"type": "body", "parameters": [{"type": "text", "text": "Surat 1"}]},
        ],
    }


RETURNED = (
    "Permohonan WK-2026-000123 belum dapat diproses: Kartu Keluarga (KK) belum ada\n"
    "Lengkapi kekurangannya: kirim berkas ke nomor ini (ketik KIRIM) atau datang ke loket "
    "Disdukcapil Way Kanan. Waktu layanan berhenti sampai Anda melengkapinya."
)


def test_a_notice_on_several_lines_becomes_one_line_in_its_template() -> None:
    """The issue's case: the returned application's notice carries a new line, which the Cloud
    API refuses in a template parameter (132018)."""
    content = whatsapp_text(RETURNED, template="permohonan_dikembalikan")
    assert content.payload == {"body": RETURNED}  # the free text keeps its lines
    assert content.template_fallback is not None
    [body] = content.template_fallback["components"]
    text = body["parameters"][0]["text"]
    assert "\n" not in text
    assert text == (
        "Permohonan WK-2026-000123 belum dapat diproses: Kartu Keluarga (KK) belum ada"
        f"{LINE_JOINER}Lengkapi kekurangannya: kirim berkas ke nomor ini (ketik KIRIM) atau "
        "datang ke loket Disdukcapil Way Kanan. Waktu layanan berhenti sampai Anda melengkapinya."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Baris satu.\nBaris dua", "Baris satu. Baris dua"),
        ("Daftar:\n\n- KK\n- KTP", "Daftar: - KK · - KTP"),
        ("Kolom\tnilai", "Kolom nilai"),
        ("Jarak     lebar", "Jarak lebar"),
        ("Windows\r\nbaris", "Windows · baris"),
        ("  \n\t ", "-"),
        ("", "-"),
    ],
)
def test_a_template_parameter_has_no_new_line_tab_or_long_run_of_spaces(
    text: str, expected: str
) -> None:
    assert template_parameter(text) == expected


def test_a_template_parameter_is_cut_with_an_ellipsis() -> None:
    cut = template_parameter("kata " * 500, limit=20)
    assert len(cut) == 20 and cut.endswith("…") and "  " not in cut


def test_a_template_sent_as_it_is_takes_its_parameters_in_order() -> None:
    content = whatsapp_template(
        "alur_tugas_menunggu",
        ["3 naskah menunggu\ntanda tangan Anda"],
        document={"path": "r/1.xlsx", "filename": "1.xlsx"},
    )
    assert content.kind == "template" and content.template_fallback is None
    assert content.payload == {
        "name": "alur_tugas_menunggu",
        "language": "id",
        "components": [
            {
                "type": "header",
                "parameters": [
                    {"type": "document", "document": {"path": "r/1.xlsx", "filename": "1.xlsx"}}
                ],
            },
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "3 naskah menunggu · tanda tangan Anda"}],
            },
        ],
    }
