"""The citizen simulator shows an interactive reply's options numbered and taps one."""

from __future__ import annotations

from alur.outbox.content import whatsapp_buttons, whatsapp_list
from alur.whatsapp.management.commands.whatsapp_simulate import render, tapped


def _sent(payload: dict, message_id: str = "wamid.OUT1") -> dict:
    return {
        "id": message_id,
        "message": {"type": "interactive", "interactive": payload["interactive"]},
    }


def test_buttons_are_shown_numbered_and_a_number_taps_one() -> None:
    content = whatsapp_buttons("Kirim permohonan ini?", [("YA", "Kirim"), ("BATAL", "Batal")])
    shown, options = render(_sent(content.payload))
    assert "Kirim permohonan ini?" in shown and "(1) Kirim" in shown and "(2) Batal" in shown
    chosen = tapped("/tap 2", options)
    assert chosen is not None and chosen.kind == "button_reply"
    assert chosen.reply() == {"id": "BATAL", "title": "Batal"}
    assert chosen.context_id == "wamid.OUT1"
    assert tapped("1", options) == options[0]
    assert tapped("/tap 3", options) is None and tapped("²", options) is None


def test_a_list_shows_its_rows_and_a_tap_is_a_list_reply() -> None:
    rows = [("1", "KTP-el", "penggantian"), ("2", "KIA", ""), ("STATUS", "Cek status", "")]
    content = whatsapp_list("Pilih layanan", "Pilih layanan", rows)
    shown, options = render(_sent(content.payload))
    assert "[Pilih layanan]" in shown and "(1) KTP-el — penggantian" in shown
    chosen = tapped("3", options)
    assert chosen is not None and chosen.kind == "list_reply" and chosen.id == "STATUS"


def test_a_text_has_nothing_to_tap() -> None:
    shown, options = render({"id": "x", "message": {"type": "text", "text": {"body": "Halo"}}})
    assert shown == "Halo" and options == [] and tapped("1", options) is None
