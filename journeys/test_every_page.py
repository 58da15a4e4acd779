"""Every page of every persona's menu, and the lists one link deeper, on a 390×844 phone.

Each demo persona signs in and opens each entry of their menu, then from those pages the first
case, letter, ledger history, report period, definition, referral, office and SOP they link to.
A page fails as the harness's `walk.check()` fails it: the product answers 4xx/5xx, the page is
wider than the phone or holds anything that scrolls sideways (a table hiding its columns, a
chart, a long word), or it shows English error words. A letter is first drafted, initialled and
signed through its pages, so that the letter pages (the signed one with its SHA-256 too) are
among them. The error pages are opened as a person meets them: an unknown address, another
office's record, a partner at staff work.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from alur.letters.models import Letter, LetterStatus
from alur.org.models import User
from alur.tte import pki
from alur.tte.management.commands.tte_dev_setup import DEMO_PASSPHRASE
from alur.tte.services import certificate_upload

PERSONAS = (
    "waykanan.operator",
    "waykanan.petugas.capil",
    "waykanan.kadis",
    "babel.kabid",
    "babel.pelaksana",
    "bangka.kadis",
    "sumbar.kabid",
    "metro.mitra.dinsos",
    "metro.kasi",
)
# The pages one link deeper that show lists and tables, by the shape of their address.
DEEP = {
    "perkara": re.compile(r"^/perkara/[^/]+/$"),
    "naskah": re.compile(r"^/naskah/\d+/$"),
    "riwayat stok": re.compile(r"^/logistik/riwayat/[^/]+/[^/]+/$"),
    "periode laporan": re.compile(r"^/laporan/periode/\d+/$"),
    "definisi laporan": re.compile(r"^/laporan/definisi/\d+/$"),
    "rujukan": re.compile(r"^/siaga/\d+/$"),
    "kantor": re.compile(r"^/kantor/[\d.]+/$"),
    "SOP": re.compile(r"^/sop/S\w+/$"),
    "jejak audit": re.compile(r"^/kantor/[\d.]+/audit/$"),
    "permohonan blanko": re.compile(r"^/logistik/permohonan/$"),
    "rekonsiliasi": re.compile(r"^/logistik/rekonsiliasi/$"),
    "buku agenda": re.compile(r"^/naskah/agenda/$"),
    "sertifikat TTE": re.compile(r"^/naskah/sertifikat/$"),
    "cakupan register": re.compile(r"^/laporan/cakupan-register/$"),
    "register dokumen": re.compile(r"^/dokumen/register/$"),
    "rekap pengaduan": re.compile(r"^/pengaduan/rekap/"),
}


def fits(walk: Any) -> None:
    """The page now shown passes the harness's checks (nothing wider than the phone, nothing
    scrolling sideways). With $JOURNEY_SHOTS set, a full-page screenshot goes there."""
    walk.check()
    folder = os.environ.get("JOURNEY_SHOTS")
    if folder:
        where = re.sub(r"[^a-z0-9]+", "_", walk.page.url.removeprefix(walk.base).lower()).strip("_")
        shot = Path(folder) / f"{walk.who}-{where or 'beranda'}.png"
        walk.page.screenshot(path=str(shot), full_page=True)


def visit(walk: Any, path: str) -> None:
    walk.page.goto(f"{walk.base}{path}")
    fits(walk)


def links(walk: Any, selector: str) -> list[str]:
    return walk.page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


def signer_certificate(username: str) -> None:
    """The Kadis's TTE certificate from the development CA, as `make run` issues it."""
    user = User.objects.get(username=username)
    ca = pki.dev_ca()
    cert, key = pki.issue_signer(ca, name=user.get_full_name(), nip=user.nip, office_name="Babel")
    p12 = pki.pkcs12_bytes(cert, key, ca[0], DEMO_PASSPHRASE)
    certificate_upload(user=user, p12=p12, passphrase=DEMO_PASSPHRASE, actor=user)


def sign_a_letter(walk: Any) -> str:
    """A letter of Babel drafted by the pelaksana, initialled by the Kabid and signed by the
    Kadis, each on their phone; its page is checked at every stage. Returns its address."""
    signer_certificate("babel.kadis")
    walk.login("babel.pelaksana")
    walk.menu("Naskah dinas")
    fits(walk)
    walk.follow("Susun naskah baru")
    fits(walk)
    walk.page.get_by_label("Jenis naskah").select_option(label="Surat")
    walk.fill("Kode klasifikasi", "400.12.2.1")
    walk.fill("Perihal / judul", "Undangan rapat koordinasi pelayanan administrasi kependudukan")
    walk.fill("Kepada Yth.", "Kepala Disdukcapil Kabupaten/Kota se-Provinsi Kep. Bangka Belitung")
    walk.fill("Isi", "Dengan hormat, kami mengundang Bapak/Ibu pada rapat koordinasi.")
    walk.page.get_by_label("Paraf 1").select_option(index=1)
    walk.press("Simpan konsep")
    fits(walk)
    address = walk.page.url.removeprefix(walk.base)
    walk.press("Ajukan untuk paraf")
    fits(walk)

    walk.login("babel.kabid")
    walk.menu("Naskah dinas")
    fits(walk)
    walk.follow("Undangan rapat koordinasi")
    fits(walk)
    walk.press(re.compile(r"^Paraf$"))
    fits(walk)

    walk.login("babel.kadis")
    visit(walk, address)
    walk.fill("Passphrase sertifikat", DEMO_PASSPHRASE)
    walk.press("Tandatangani (TTE)")
    fits(walk)
    walk.sees("Unduh PDF bertanda tangan")
    walk.sees(re.compile(r"SHA-256 [0-9a-f]{64}"))  # a 64-letter word, wrapped on the phone
    return address


def walk_the_menu(walk: Any, username: str) -> dict[str, str]:
    """Open every entry of the person's menu; return the first deeper page of each kind."""
    walk.login(username)
    entries = [href for href in links(walk, "header nav a") if not href.startswith("/admin/")]
    assert entries, f"{username} has an empty menu"
    deeper: dict[str, str] = {}
    for href in entries:
        visit(walk, href)
        for found in links(walk, "main a[href^='/']"):
            for kind, shape in DEEP.items():
                if kind not in deeper and shape.match(found):
                    deeper[kind] = found
    for found in deeper.values():
        visit(walk, found)
    return deeper


def test_every_page_of_every_persona_fits_a_phone(walk: Any) -> None:
    letter = sign_a_letter(walk)
    assert Letter.objects.get(subject__startswith="Undangan rapat").status == LetterStatus.SIGNED

    seen: dict[str, dict[str, str]] = {}
    for username in PERSONAS:
        seen[username] = walk_the_menu(walk, username)

    # The deeper pages the brief names were among them: a case, a letter, a ledger history and
    # a report period, each for someone.
    kinds = {kind for deeper in seen.values() for kind in deeper}
    assert {"perkara", "naskah", "riwayat stok", "periode laporan", "SOP"} <= kinds, seen
    assert letter in {deeper.get("naskah") for deeper in seen.values()}

    # Every SOP's page, its flow a list of steps on the phone.
    walk.login("waykanan.kadis")
    visit(walk, "/sop/")
    for href in sorted({h for h in links(walk, "main a") if DEEP["SOP"].match(h or "")}):
        visit(walk, href)


def error_page(walk: Any, path: str, status: int) -> str:
    """Open a page that refuses, as a person would; the refusal is expected, the page checked."""
    answer = walk.page.goto(f"{walk.base}{path}")
    assert answer is not None and answer.status == status, (path, answer and answer.status)
    walk.failures.clear()
    fits(walk)
    return walk.page.inner_text("main")


def test_the_error_pages_speak_bahasa_in_the_shell(walk: Any) -> None:
    walk.login("metro.mitra.dinsos")
    shown = error_page(walk, "/naskah/", 403)  # letters are staff work
    assert "Halaman ini bukan untuk Anda" in shown and "Halaman yang dapat Anda buka" in shown
    walk.page.get_by_role("link", name="Rujukan penduduk rentan").click()
    fits(walk)
    assert "/siaga/mitra/" in walk.page.url

    walk.login("waykanan.kadis")
    shown = error_page(walk, "/kantor/18.72/", 404)  # Kota Metro: not the Kadis's office
    assert "Halaman tidak ditemukan" in shown
    assert walk.page.get_by_text("☰ Menu").is_visible()  # inside the shell, menu and all
    shown = error_page(walk, "/tidak/ada/", 404)
    assert "Halaman tidak ditemukan" in shown
    walk.follow("Ke Beranda")
    walk.sees("Selamat datang")
