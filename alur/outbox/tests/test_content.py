"""The one place a WhatsApp message and its out-of-window template are built."""

from __future__ import annotations

from alur.outbox.content import whatsapp_document, whatsapp_text


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
    assert component["parameters"][0]["text"] == "x" * 1000


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
