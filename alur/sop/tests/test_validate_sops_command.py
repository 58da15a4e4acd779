"""`manage.py validate_sops`: a line per valid SOP, located errors and a non-zero exit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alur.sop.loader import SOP_DIR
from alur.sop.tests.factories import minimal_sop, shown, write_sop


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("validate_sops", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_all_sop_files_validate() -> None:
    stdout, stderr = run()
    lines = stdout.splitlines()
    assert stderr == ""
    assert [line.split()[0] for line in lines] == [
        "S0", "S1", "S2a", "S2b", "S2c", "S2d", "S2e", "S2f", "S2g", "S3", "S4"
    ]  # fmt: skip
    assert lines[6] == (
        "S2e r1  PELAYANAN ONLINE WHATSAPP AKTA KELAHIRAN  steps=10  "
        "actors=pemohon,petugas_online,operator,petugas_penyerahan,kasi,kabid,kadis"
    )


def test_one_file_by_path() -> None:
    stdout, _ = run(str(SOP_DIR / "S2g-pengaduan.yaml"))
    assert stdout == (
        "S2g r2  PELAYANAN ONLINE PENGADUAN  steps=7  "
        "actors=pelapor,petugas_penerima,pejabat_pengelola,tim_penjawab\n"
    )


def test_errors_go_to_stderr_and_the_command_fails(tmp_path: Path) -> None:
    write_sop(tmp_path, minimal_sop(), name="S9-uji.yaml")
    broken = minimal_sop()
    broken["code"] = "S8"
    broken["steps"][2]["actor"] = "kabag"
    broken["steps"][1]["time"]["minutes"] = -1
    bad = write_sop(tmp_path, broken, name="S8-rusak.yaml")
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"2 error\(s\); 1 of 2 SOP file\(s\) valid"):
        call_command("validate_sops", str(tmp_path), stdout=stdout, stderr=stderr)
    assert stdout.getvalue() == ("S9 r1  SOP UJI  steps=3  actors=pemohon,petugas,kasi\n")
    assert stderr.getvalue().splitlines() == [
        f"{shown(bad)}:step 2:time.minutes: Input should be greater than or equal to 0 (got -1)",
        f"{shown(bad)}:step 3:actor: unknown actor 'kabag' (actors: pemohon, petugas, kasi)",
    ]


def test_a_missing_path_fails(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.yaml"
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_sops", str(missing), stdout=io.StringIO(), stderr=stderr)
    assert stderr.getvalue() == f"{shown(missing)}:-:-: no such file or directory\n"
