"""The SOP as its official document: identity page, flow table and flowchart, PDF, command."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from alur.org.models import Office
from alur.sop.loader import load_directory
from alur.sop.render import document, document_filename, minutes_text, render_html, render_pdf
from alur.sop.render.flow import flow_layout
from alur.sop.render.measure import PRINT, SCREEN, wrap
from alur.sop.schema import APPLICANT, END, Sop

SOPS: dict[str, Sop] = load_directory()
CODES = sorted(SOPS)

_GROUP = re.compile(r'<g class="(sop-[a-z]+)"([^>]*)>(.*?)</g>', re.S)
_ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')
_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")
_SVG = re.compile(r'<svg class="sop-picture"[^>]*width="([0-9.]+)"')


def groups(html: str, css: str) -> list[tuple[dict[str, str], str]]:
    """The <g> groups of one kind in the pictures: their data attributes and inner markup."""
    return [
        (dict(_ATTR.findall(attrs)), inner)
        for kind, attrs, inner in _GROUP.findall(html)
        if kind == css
    ]


def texts(inner: str) -> list[str]:
    return _TEXT.findall(inner)


@pytest.fixture(scope="module")
def screen_html() -> dict[str, str]:
    return {code: render_html(sop, None, for_pdf=False) for code, sop in SOPS.items()}


@pytest.fixture(scope="module")
def print_html() -> dict[str, str]:
    return {code: render_html(sop, None, for_pdf=True) for code, sop in SOPS.items()}


@pytest.mark.parametrize("code", CODES)
def test_every_step_and_actor_is_in_the_flow_table(code: str, screen_html: dict[str, str]) -> None:
    sop, html = SOPS[code], screen_html[code]
    for step in sop.steps:
        assert escape(step.activity) in html
        assert escape(step.time.text) in html
    heads = re.findall(
        r'<th scope="col" class="sop-h-actor[^"]*" data-actor="([^"]+)" '
        r'data-actor-col="(\d+)">(.*?)</th>',
        html,
    )
    assert [(actor_id, int(col), label.replace("<wbr>", "")) for actor_id, col, label in heads] == [
        (actor.id, index, escape(actor.label)) for index, actor in enumerate(sop.actors)
    ]


@pytest.mark.parametrize("code", CODES)
def test_one_symbol_per_step_in_its_actors_column(code: str, screen_html: dict[str, str]) -> None:
    sop, html = SOPS[code], screen_html[code]
    symbols = groups(html, "sop-symbol")
    assert [int(data["step"]) for data, _ in symbols] == [step.number for step in sop.steps]
    width = float(_SVG.search(html)[1]) / len(sop.actors)
    columns = {actor.id: index for index, actor in enumerate(sop.actors)}
    for (data, inner), step in zip(symbols, sop.steps, strict=True):
        col = columns[step.actor]
        assert data["actor"] == step.actor and int(data["actor-col"]) == col
        assert col * width < float(data["cx"]) < (col + 1) * width
        if step.decision is not None:
            expected = "decision"
        elif step.number in (1, len(sop.steps)):
            expected = "terminator"
        else:
            expected = "process"
        assert data["shape"] == expected, f"step {step.number}"
        assert ("<polygon" in inner) == (expected == "decision")
        assert ('rx="0"' in inner) == (expected == "process")


@pytest.mark.parametrize("code", CODES)
def test_the_way_on_connects_each_step_to_the_next(code: str, screen_html: dict[str, str]) -> None:
    sop, html = SOPS[code], screen_html[code]
    flows = Counter(
        (data["from"], data["to"])
        for data, _ in groups(html, "sop-connector")
        if data["connector"] == "flow"
    )
    for step in sop.steps[:-1]:
        target = sop.next_of(step)
        if step.decision is not None and step.decision.if_yes.goto is not None:
            target = step.decision.if_yes.goto
        if target == step.number + 1:
            # The line starts in the step's row and ends, with its arrow, in the next one.
            assert flows[(str(step.number), str(target))] == 2, f"step {step.number}"
    arrows = [
        inner
        for data, inner in groups(html, "sop-connector")
        if data["connector"] == "flow" and "<polygon points=" in inner
    ]
    assert len(arrows) == sum(1 for _ in flows)


@pytest.mark.parametrize("code", CODES)
def test_each_decisions_other_answer_is_a_labelled_connector(
    code: str, screen_html: dict[str, str]
) -> None:
    sop, html = SOPS[code], screen_html[code]
    connectors = groups(html, "sop-connector")
    for step in sop.steps:
        if step.decision is None:
            continue
        branch = step.decision.if_no
        target = branch.goto or branch.back_to
        labelled = [
            (data, inner)
            for data, inner in connectors
            if data["from"] == data["row"] == str(step.number) and data.get("label") == branch.label
        ]
        assert labelled, f"step {step.number}: no connector labelled {branch.label!r}"
        data, inner = labelled[0]
        # The label is printed beside the line, in the decision's row.
        shown = [text for text in texts(inner) if text != "Selesai"]
        assert " ".join(shown).replace(" ", "") == escape(branch.label).replace(" ", "")
        if target == END:
            assert data["connector"] == "end" and "Selesai" in texts(inner)
        elif target == APPLICANT:
            assert data["connector"] == "back" and data["target"] == APPLICANT
            applicant_steps = [
                s.number
                for s in sop.steps
                if s.number < step.number and sop.actor(s.actor).is_outside_party
            ]
            assert data["to"] == str(applicant_steps[-1])
        else:
            assert data["connector"] == "back" and data["to"] == str(target)


def test_the_akta_kelahiran_flow_reads_like_the_seed(screen_html: dict[str, str]) -> None:
    html = screen_html["S2e"]
    backs = {
        (data["from"], data["to"], data["label"])
        for data, _ in groups(html, "sop-connector")
        if data["connector"] == "back"
    }
    assert backs == {
        ("2", "1", "Tidak lengkap"),
        ("3", "2", "Tidak memenuhi persyaratan"),
        ("4", "3", "Tidak memenuhi persyaratan"),
    }
    assert "Jumlah waktu penyelesaian" in html and ">80 menit<" in html
    assert "Batas waktu penyelesaian:" in html
    assert "selesai dalam waktu 1 (satu) hari kerja dengan persyaratan lengkap" in html
    assert "dihitung dari langkah 2 sampai dengan langkah 10" in html
    for head in ("No", "Kegiatan", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu", "Output"):
        assert f">{head}</th>" in html
    assert ">Keterangan</th>" in html


def test_the_weekly_report_returns_every_review_to_the_typed_draft(
    screen_html: dict[str, str],
) -> None:
    backs = [
        (data["from"], data["to"], data["label"])
        for data, _ in groups(screen_html["S0"], "sop-connector")
        if data["connector"] == "back"
    ]
    assert sorted(set(backs)) == [(str(n), "5", "Perbaikan") for n in (6, 7, 8, 9)]
    # Times printed without a unit get it in the head, and the total counts them.
    assert "Waktu (Menit)</th>" in screen_html["S0"]
    assert ">380 menit<" in screen_html["S0"] and "(6 jam 20 menit)" in screen_html["S0"]


@pytest.mark.parametrize("code", CODES)
def test_rows_are_as_tall_as_their_text_needs(code: str) -> None:
    """A row's picture is at least as tall as its measured text, and every symbol fits."""
    sop = SOPS[code]
    for metrics in (PRINT, SCREEN):
        layout = flow_layout(sop, metrics, paginate=False)
        for row in layout.rows:
            lines = len(
                wrap(
                    row.step.activity,
                    layout.widths["activity"] - 2 * metrics.pad_x - metrics.border,
                    metrics.font,
                    safety=metrics.safety,
                )
            )
            assert row.picture.height >= lines * metrics.line + 2 * metrics.pad_y
            assert row.picture.height == row.height
            assert row.picture.width == layout.col_width * len(sop.actors)
        assert layout.table_width <= metrics.width + 0.5


@pytest.mark.parametrize("code", CODES)
def test_off_page_connectors_come_in_pairs(code: str, print_html: dict[str, str]) -> None:
    layout = flow_layout(SOPS[code], PRINT, paginate=True)
    letters = Counter(re.findall(r'data-offpage="([A-Z]+)"', print_html[code]))
    assert all(count == 2 for count in letters.values()), letters
    if len(layout.chunks) > 1:
        assert letters  # the way on crosses every page break
    assert print_html[code].count('class="sop-flow-chunk"') == len(layout.chunks)


def test_the_staff_fragment_has_no_inline_style(screen_html: dict[str, str]) -> None:
    for html in screen_html.values():
        assert " style=" not in html and "<style" not in html


def test_the_print_page_embeds_its_css_and_links_nothing(print_html: dict[str, str]) -> None:
    html = print_html["S2e"]
    assert html.startswith("<!doctype html>") and "<style>" in html and "@page flow" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<link" not in html and "<script" not in html


@pytest.mark.django_db
def test_the_kop_comes_from_the_office_or_from_the_sop() -> None:
    sop = SOPS["S2e"]
    office = Office.objects.get(code="18.08")
    html = render_html(sop, office, for_pdf=False)
    assert "PEMERINTAH KABUPATEN WAY KANAN" in html
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in html
    assert "BIDANG PELAYANAN PENCATATAN SIPIL" in html
    assert escape(office.address) in html
    html = render_html(sop, None, for_pdf=False)
    assert "PEMERINTAH KABUPATEN WAY KANAN" not in html
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KABUPATEN WAY KANAN" in html
    for field in ("Nomor SOP", "Tgl. Pembuatan", "Tgl. Revisi", "Tgl. Efektif", "Disahkan oleh"):
        assert f">{field}</th>" in html
    assert "800/19.a/SOP/DISDUKCAPIL/2022" in html and "NIP. 19630804 199203 1 005" in html
    for title in ("DASAR HUKUM", "KUALIFIKASI PELAKSANA", "KETERKAITAN"):
        assert f">{title}</h3>" in html
    for title in ("PERALATAN/PERLENGKAPAN", "PERINGATAN", "PENCATATAN DAN PENDATAAN"):
        assert f">{title}</h3>" in html


def test_times_and_file_names() -> None:
    assert minutes_text(80, 80) == "80 menit"
    assert minutes_text(3585, 7845) == "3.585–7.845 menit"
    assert document_filename(SOPS["S2e"], "S2e-akta-kelahiran.yaml") == "S2e-r1-akta-kelahiran.pdf"
    assert document_filename(SOPS["S0"], None) == (
        "S0-r3-laporan-mingguan-pelayanan-administrasi-kependudukan-di.pdf"
    )


# PDF -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """Every SOP printed once for the module (about half a second each)."""
    return {code: render_pdf(sop, None) for code, sop in SOPS.items()}


def _pdf_text(pdf: bytes, tmp_path: Path, name: str, *pages: int) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    args = [shutil.which("pdftotext") or "pdftotext"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _page_count(pdf: bytes, tmp_path: Path, name: str) -> int:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [shutil.which("pdfinfo") or "pdfinfo", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])


def test_every_sop_prints_as_a_pdf(pdfs: dict[str, bytes]) -> None:
    for code, pdf in pdfs.items():
        assert pdf.startswith(b"%PDF-"), code
        assert pdf.rstrip().endswith(b"%%EOF"), code


def test_the_akta_kelahiran_pdf_reads_like_the_seed(
    pdfs: dict[str, bytes], tmp_path: Path, poppler
) -> None:
    poppler("pdftotext")
    text = _pdf_text(pdfs["S2e"], tmp_path, "S2e")
    assert "PELAYANAN ONLINE WHATSAPP AKTA KELAHIRAN" in text
    assert "Jumlah waktu penyelesaian" in text and "80 menit" in text
    assert "Masyarakat/" in text and "Kepala Dinas" in text
    assert "Tidak lengkap" in text and "Tidak memenuhi" in text


def test_the_pdf_breaks_the_flow_where_the_layout_does(
    pdfs: dict[str, bytes], tmp_path: Path, poppler
) -> None:
    poppler("pdftotext")
    poppler("pdfinfo")
    """No row spills onto a page of its own: the flow takes exactly the pages it was cut into."""
    for code, pdf in pdfs.items():
        sop = SOPS[code]
        chunks = flow_layout(sop, PRINT, paginate=True).chunks
        pages = _page_count(pdf, tmp_path, code)
        title = (sop.flow_title or f"SOP {sop.name}").upper().split()[:3]
        first_flow = next(
            page
            for page in range(1, pages + 1)
            if " ".join(title) in " ".join(_pdf_text(pdf, tmp_path, code, page).split())
        )
        assert pages - first_flow + 1 == len(chunks), code
        last = " ".join(_pdf_text(pdf, tmp_path, code, pages).split())
        assert "Jumlah waktu penyelesaian" in last, code


def test_the_pdf_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def refuse(url: str) -> None:
        asked.append(url)
        raise ValueError(url)

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the PDF tried to open a connection")

    page = (
        '<!doctype html><html><head><link rel="stylesheet" href="https://example.invalid/a.css">'
        '</head><body><img src="http://example.invalid/logo.png"><p>Uji</p></body></html>'
    )
    with pytest.raises(ValueError):
        document.refuse_fetch("file:///etc/passwd")
    document.refuse_fetch("data:image/png;base64,AAAA")
    monkeypatch.setattr(document, "refuse_fetch", refuse)
    monkeypatch.setattr(document, "render_html", lambda *a, **k: page)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert render_pdf(SOPS["S2c"], None).startswith(b"%PDF-")
    assert sorted(asked) == ["http://example.invalid/logo.png", "https://example.invalid/a.css"]


# The command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_writes_the_newest_stored_revision(tmp_path: Path) -> None:
    target = tmp_path / "s2c.pdf"
    page = tmp_path / "s2c.html"
    call_command("render_sop", "S2c", "--pdf", str(target), "--html", str(page), verbosity=0)
    assert target.read_bytes().startswith(b"%PDF-")
    assert "PELAYANAN ONLINE WHATSAPP KTP-EL DAN KARTU IDENTITAS ANAK" in page.read_text()
    assert "PEMERINTAH KABUPATEN WAY KANAN" in page.read_text()


@pytest.mark.django_db
def test_the_command_names_the_file_like_the_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    call_command("render_sop", "S2d", "--revision", "2", verbosity=0)
    assert (tmp_path / "S2d-r2-kartu-identitas-anak.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_command_falls_back_to_the_file_when_nothing_is_stored(tmp_path: Path) -> None:
    from alur.sop.models import SopRevision

    SopRevision.objects.filter(code="S2g").delete()
    page = tmp_path / "s2g.html"
    call_command("render_sop", "S2g", "--html", str(page), verbosity=0)
    assert "PELAYANAN ONLINE PENGADUAN" in page.read_text()
    with pytest.raises(CommandError, match="S2g r3 is not stored"):
        call_command("render_sop", "S2g", "--revision", "3", "--html", str(page), verbosity=0)


@pytest.mark.django_db
def test_the_command_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="unknown SOP code 'S99'"):
        call_command("render_sop", "S99", "--pdf", str(tmp_path / "x.pdf"), verbosity=0)
    with pytest.raises(CommandError, match=r"S2e has no revision 7 \(stored: r1\)"):
        call_command("render_sop", "S2e", "--revision", "7", verbosity=0)
    assert not (tmp_path / "x.pdf").exists()
