from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from alur.org.models import Office
from alur.sop.loader import SOP_DIR, SUFFIXES, SopLoadError, load_file
from alur.sop.models import SopRevision
from alur.sop.render import document_filename, render_html, render_pdf
from alur.sop.schema import Sop
from alur.sop.selectors import sop_of


class Command(BaseCommand):
    help = (
        "Render an SOP as its official document: the newest stored revision (or --revision N), "
        "or its file in sops/ when none is stored. Writes a PDF (default: the download's file "
        "name in the current directory) and/or a standalone HTML page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the SOP's code, e.g. S2e")
        parser.add_argument("--revision", type=int, help="a stored revision number")
        parser.add_argument("--pdf", type=Path, help="write the PDF here")
        parser.add_argument("--html", type=Path, help="write the standalone HTML here")

    def handle(self, *args: Any, **options: Any) -> None:
        sop, source = self._sop(options["code"], options["revision"])
        office = self._office(sop)
        pdf_path: Path | None = options["pdf"]
        html_path: Path | None = options["html"]
        if pdf_path is None and html_path is None:
            pdf_path = Path(document_filename(sop, source))
        if html_path is not None:
            html_path.write_text(render_html(sop, office, for_pdf=True), encoding="utf-8")
            self.stdout.write(f"{sop.code} r{sop.revision}: HTML written to {html_path}")
        if pdf_path is not None:
            pdf_path.write_bytes(render_pdf(sop, office))
            self.stdout.write(f"{sop.code} r{sop.revision}: PDF written to {pdf_path}")

    def _sop(self, code: str, revision: int | None) -> tuple[Sop, str]:
        """The stored revision (newest, or the one asked for), else the SOP's file."""
        try:
            stored = list(SopRevision.objects.filter(code=code).order_by("-revision"))
        except DatabaseError:  # no database yet (not migrated): the files still render
            stored = []
        if stored:
            chosen = (
                stored[0]
                if revision is None
                else next((r for r in stored if r.revision == revision), None)
            )
            if chosen is None:
                known = ", ".join(f"r{r.revision}" for r in stored)
                raise CommandError(f"{code} has no revision {revision} (stored: {known})")
            return sop_of(chosen), chosen.source
        path = self._file(code)
        try:
            sop = load_file(path)
        except SopLoadError as error:
            raise CommandError(f"{path.name} does not load:\n{error}") from error
        if revision is not None and sop.revision != revision:
            raise CommandError(
                f"{code} r{revision} is not stored, and {path.name} is r{sop.revision}"
            )
        return sop, path.name

    def _file(self, code: str) -> Path:
        found = sorted(
            path
            for path in SOP_DIR.iterdir()
            if path.suffix in SUFFIXES and (path.stem == code or path.stem.startswith(f"{code}-"))
        )
        if not found:
            raise CommandError(
                f"unknown SOP code {code!r}: no stored revision and no file {code}-*.yaml in "
                f"{SOP_DIR}"
            )
        return found[0]

    def _office(self, sop: Sop) -> Office | None:
        try:
            return Office.objects.filter(code=sop.office).first()
        except DatabaseError:
            return None
