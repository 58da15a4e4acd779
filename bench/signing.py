"""Seconds a signature takes through the signing port (`alur.tte.port.sign_pdf`), per document
kind, with the `bsre` backend (the local BSrE server over HTTP on this machine) against the
`local` backend (pyHanko with the signer's PKCS#12) in the same run.

A fresh SQLite database in a temporary folder is migrated and loaded with the demo; the Babel
Kadis gets a local certificate (the tests' driver) and a NIK the local BSrE server knows. The PDFs
are rendered once, as the flows render them: a letter (surat) and a BAST (`letters.compose`), and
a KK of an S2a case driven to its signing step (`documents.render`). Each is then signed
`--rounds` times through each backend, the backends alternating so that neither runs on a
warmer machine; the signed PDF is checked to hold one signature more than the input. The
rendering and the database are outside the timed call.

JSON lines: `signing` per kind and backend (median, p90, min seconds), then `signing_ratio` per
kind (bsre median / local median: what BSrE's round trip adds on this machine, where the server
signs with pyHanko too); a table at the end.

    python bench/signing.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, emit, machine, setup_django

PASSPHRASE = "Bench-BSrE-2026"  # noqa: S105  (the bench signer's passphrase at the local BSrE)


def _signatures(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return len(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)


def documents() -> tuple[Any, dict[str, tuple[bytes, int, tuple[float, float, float, float]]]]:
    """The Babel Kadis and the PDF (with its signature page and box) of each kind."""
    from alur.documents.render import document_pdf
    from alur.documents.services import case_documents
    from alur.letters import compose
    from alur.letters.issuing import letter_content
    from alur.letters.services import LetterInput, letter_create
    from alur.org.models import Office, Position, User
    from alur.workflow.tests.drive import holder, run_until_step, start

    babel = Office.objects.get(code="19")
    kadis = User.objects.get(username="babel.kadis")
    signer = Position.objects.filter(office=babel, kind="kadis").order_by("pk")[0]
    cosigner = Position.objects.filter(office__code="19.01", kind="kadis").order_by("pk")[0]
    parties = {
        "first_party": {"name": "Kadis Dukcapil Prov. Babel", "position": "Kepala Dinas"},
        "second_party": {"name": "Kadis Dukcapil Kab. Bangka", "position": "Kepala Dinas"},
        "items": [["Blanko KTP-el", "250 keping", "baik"]],
    }
    pdfs: dict[str, tuple[bytes, int, tuple[float, float, float, float]]] = {}
    for kind, extra in (("surat", {}), ("bast", parties)):
        letter = letter_create(
            office=babel,
            actor=kadis,
            data=LetterInput(
                kind=kind,
                classification="400.12.2.1",
                subject="Permohonan Blanko KTP-el" if kind == "surat" else "Serah terima blanko",
                body="Dengan hormat,\n\nBersama ini kami mengajukan permohonan blanko KTP-el.",
                recipient="Direktur Jenderal Kependudukan dan Pencatatan Sipil",
                extra=extra,
            ),
            signer=signer,
            cosigner=cosigner if kind == "bast" else None,
        )
        rendered = compose.render_pdf(letter_content(letter, signer=kadis))
        pdfs["letter" if kind == "surat" else "bast"] = (
            rendered.pdf,
            rendered.signature_page,
            rendered.signature_box,
        )
    case = start("S2a")
    task = run_until_step(case, 5)
    kk = next(d for d in case_documents(case) if d.kind == "kk")
    rendered = document_pdf(kk, signer=holder(task), verify_url="https://alur.test/verifikasi/X/")
    pdfs["kk"] = (rendered.pdf, rendered.signature_page, rendered.signature_box)
    return kadis, pdfs


def measure(args: argparse.Namespace, folder: Path) -> None:
    sys.path.insert(0, str(ROOT))  # the local BSrE server lives in peers/
    from peers.bsre import start_server

    server = start_server(port=0, state_dir=folder / "bsre")
    os.environ["ALUR_VAR_DIR"] = str(folder)
    os.environ["BSRE_BASE_URL"] = server.base_url
    os.environ.pop("REDIS_URL", None)
    setup_django(f"sqlite:///{folder / 'alur.sqlite3'}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    from alur.org.models import Office
    from alur.tte import port
    from alur.tte.tests.drivers import PASSPHRASE as LOCAL_PASSPHRASE
    from alur.tte.tests.drivers import certificate_for

    kadis, pdfs = documents()
    kadis.nik = "1971015203750001"
    kadis.save(update_fields=["nik"])
    server.state.put_user(_peer_user(kadis.nik, kadis.get_full_name(), kadis.nip, PASSPHRASE))
    certificate_for(kadis)
    office = Office.objects.get(code="19")
    signers = {}
    for backend, passphrase in (("local", LOCAL_PASSPHRASE), ("bsre", PASSPHRASE)):
        office.signing_backend = backend
        signers[backend] = port.signer_ready(kadis, office, passphrase)
    seconds: dict[tuple[str, str], list[float]] = {}
    for kind, (pdf, page, box) in pdfs.items():
        before = _signatures(pdf)
        for _ in range(args.rounds):
            for backend in ("local", "bsre"):
                started = time.perf_counter()
                signed = port.sign_pdf(
                    signers[backend],
                    pdf=pdf,
                    reason=f"Bench {kind}",
                    location="Pangkalpinang",
                    page=page,
                    box=box,
                    stamp_lines=[kadis.get_full_name(), "Kepala Dinas"],
                )
                seconds.setdefault((kind, backend), []).append(time.perf_counter() - started)
                assert _signatures(signed.pdf) == before + 1, (kind, backend)
    server.stop()
    rows = []
    for kind in pdfs:
        medians = {}
        for backend in ("local", "bsre"):
            values = sorted(seconds[(kind, backend)])
            medians[backend] = statistics.median(values)
            emit(
                bench="signing",
                kind=kind,
                backend=backend,
                rounds=len(values),
                median_s=round(medians[backend], 4),
                p90_s=round(values[int(0.9 * (len(values) - 1))], 4),
                min_s=round(values[0], 4),
                pdf_kb=round(len(pdfs[kind][0]) / 1024, 1),
            )
        ratio = medians["bsre"] / medians["local"]
        emit(bench="signing_ratio", kind=kind, ratio=round(ratio, 2), **machine())
        rows.append((kind, medians["local"], medians["bsre"], ratio))
    print(f"\n{'kind':<8}{'local (s)':>12}{'bsre (s)':>12}{'bsre/local':>12}")
    for kind, local, bsre, ratio in rows:
        print(f"{kind:<8}{local:>12.3f}{bsre:>12.3f}{ratio:>12.2f}")


def _peer_user(nik: str, name: str, nip: str, passphrase: str) -> Any:
    from peers.bsre.state import User

    return User.from_json(
        {"nik": nik, "name": name, "nip": nip, "passphrase": passphrase, "state": "ISSUE"}
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20, help="signatures per kind and backend")
    args, _others = parser.parse_known_args()  # bench/run.py passes every script the same args
    with tempfile.TemporaryDirectory(prefix="alur-bench-signing-") as folder:
        measure(args, Path(folder))


if __name__ == "__main__":
    main()
