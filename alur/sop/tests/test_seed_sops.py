"""The eleven SOP files against the seed documents in shared/seeds/ (read by hand)."""

from __future__ import annotations

import json

import pytest

from alur.sop.loader import SOP_DIR, load_directory, load_file
from alur.sop.registry import registry
from alur.sop.schema import APPLICANT, END, ActorKind, ActorOffice, Sop

# Per step, the seed's time standard in minutes: an int, (min, max) for a range, None for "-".
SEED_TIMES: dict[str, tuple[str, list[int | tuple[int, int] | None]]] = {
    "S0": (
        "S0-laporan-mingguan-pelayanan.yaml",
        [None, None, 240, 30, 30, 10, 10, 10, 30, 5, 5, 5, 5],
    ),
    "S1": (
        "S1-blanko-ktp-el.yaml",
        [60, 30, 10, 15, 10, 10, 10, 30, 5, 5, 5, 5, 2880, 180, 120, 60, 60, 30, (60, 4320)],
    ),
    "S2a": ("S2a-kartu-keluarga-baru.yaml", [5, 10, 5, 5, 5, 10, 5]),
    "S2b": ("S2b-surat-pindah-wni.yaml", [5, 10, 5, 5, 5, 10, 5]),
    "S2c": ("S2c-ktp-el-penggantian.yaml", [5, 10, 5, 5]),
    "S2d": ("S2d-kartu-identitas-anak.yaml", [2, 5, 10, 10, 2]),
    "S2e": ("S2e-akta-kelahiran.yaml", [10, 10, 5, 5, 5, 15, 5, 10, 5, 10]),
    "S2f": ("S2f-akta-kematian.yaml", [10, 10, 5, 5, 5, 15, 5, 10, 5, 10]),
    "S2g": ("S2g-pengaduan.yaml", [5, 5, 10, 10, 10, 10, 10]),
    "S3": ("S3-dukcapil-siaga.yaml", [None, 5, 5, 5, 2, 1, 5, 2, 1]),
    "S4": ("S4-rekap-cakupan-akta.yaml", [10, 10, 10, 60, 15, 480, 15]),
}

# The sum of the steps' times: S2e and S2f print "Jumlah waktu penyelesaian: 80 menit".
SEED_TOTALS = {
    "S0": (380, 380),
    "S1": (3585, 7845),
    "S2a": (45, 45),
    "S2b": (45, 45),
    "S2c": (25, 25),
    "S2d": (29, 29),
    "S2e": (80, 80),
    "S2f": (80, 80),
    "S2g": (60, 60),
    "S3": (26, 26),
    "S4": (600, 600),
}

SEED_OFFICES = {
    "S0": "19",
    "S1": "19",
    "S2a": "18.08",
    "S2b": "18.08",
    "S2c": "18.08",
    "S2d": "18.08",
    "S2e": "18.08",
    "S2f": "18.08",
    "S2g": "18.08",
    "S3": "18.72",
    "S4": "13",
}


@pytest.fixture(scope="module")
def sops() -> dict[str, Sop]:
    return load_directory(SOP_DIR)


def _bounds(value: int | tuple[int, int] | None) -> tuple[int, int] | None:
    if value is None or isinstance(value, tuple):
        return value
    return value, value


def test_all_eleven_files_validate(sops: dict[str, Sop]) -> None:
    assert sorted(sops) == sorted(SEED_TIMES)
    assert len(list(SOP_DIR.glob("*.yaml"))) == 11


@pytest.mark.parametrize("code", sorted(SEED_TIMES))
def test_steps_and_times_match_the_seed(code: str) -> None:
    file_name, times = SEED_TIMES[code]
    sop = load_file(SOP_DIR / file_name)
    assert sop.code == code
    assert [step.number for step in sop.steps] == list(range(1, len(times) + 1))
    assert [step.minutes for step in sop.steps] == [_bounds(t) for t in times]
    assert sop.total_minutes == SEED_TOTALS[code]
    assert sop.office == SEED_OFFICES[code]


def test_the_seed_time_texts_are_kept(sops: dict[str, Sop]) -> None:
    assert sops["S4"].step(4).time.text == "1 jam"
    assert sops["S4"].step(6).time.text == "8 jam"
    assert sops["S1"].step(19).time.text == "60 sd. 4320"
    assert sops["S2e"].step(6).time.text == "15 menit"
    assert sops["S3"].step(1).time.text == "-"


def test_every_step_key_is_registered(sops: dict[str, Sop]) -> None:
    for sop in sops.values():
        for step in sop.steps:
            if step.form:
                assert registry.is_registered("form", step.form), (sop.code, step.number)
            if step.action:
                assert registry.is_registered("action", step.action), (sop.code, step.number)


def test_birth_certificate_actors_follow_the_seed_text(sops: dict[str, Sop]) -> None:
    sop = sops["S2e"]
    assert [step.actor for step in sop.steps] == [
        "pemohon",
        "petugas_online",
        "kasi",
        "kabid",
        "kasi",
        "operator",
        "pemohon",
        "petugas_penyerahan",
        "kadis",
        "petugas_penyerahan",
    ]
    assert sop.actor("pemohon").kind == ActorKind.APPLICANT
    assert sop.actor("kadis").position == "kadis"


@pytest.mark.parametrize("code", ["S2e", "S2f"])
def test_certificate_decisions_return_as_the_seed_says(sops: dict[str, Sop], code: str) -> None:
    sop = sops[code]
    returns = {
        step.number: step.decision.if_no.back_to for step in sop.steps if step.decision is not None
    }
    assert returns == {2: APPLICANT, 3: 2, 4: 3}


def test_weekly_report_reviews_go_back_to_the_typing_step(sops: dict[str, Sop]) -> None:
    sop = sops["S0"]
    reviews = {step.number: step.decision for step in sop.steps if step.decision is not None}
    assert sorted(reviews) == [6, 7, 8, 9]
    for decision in reviews.values():
        assert (decision.if_yes.label, decision.if_no.label) == ("Sesuai", "Perbaikan")
        assert decision.if_no.back_to == 5


def test_child_id_card_returns_incomplete_files_to_the_applicant(sops: dict[str, Sop]) -> None:
    decision = sops["S2d"].step(2).decision
    assert decision is not None
    assert (decision.if_yes.label, decision.if_no.label) == ("ya", "tidak")
    assert decision.if_no.back_to == APPLICANT


def test_simple_complaints_end_at_step_3(sops: dict[str, Sop]) -> None:
    decision = sops["S2g"].step(3).decision
    assert decision is not None
    assert decision.if_no.goto == END
    assert sops["S2g"].next_of(sops["S2g"].step(3)) == 4


@pytest.mark.parametrize("code", ["S2a", "S2b", "S2c", "S2d", "S2e", "S2f", "S2g"])
def test_way_kanan_services_finish_in_one_working_day(sops: dict[str, Sop], code: str) -> None:
    sop = sops[code]
    assert sop.deadline is not None
    assert sop.deadline.working_days == 1
    assert sop.deadline.working_minutes == 450
    assert "1 (satu) hari kerja" in sop.deadline.text
    assert sop.deadline.clock_start_step == 2
    assert sop.deadline.clock_stop_step == len(sop.steps)


def test_identity_pages(sops: dict[str, Sop]) -> None:
    assert sops["S2a"].number == "800/109/SOP/DISDUKCAPIL/2022"
    assert sops["S2c"].number == "800/19-a/SOP/DISDUKCAPIL/2022"
    assert sops["S3"].number == "D-11/002"
    assert sops["S0"].number is None
    assert sops["S2e"].approver.nip == "19630804 199203 1 005"
    assert sops["S3"].dates.created is not None
    assert sops["S3"].dates.created.value.isoformat() == "2023-02-03"
    assert sops["S2e"].dates.revised is not None
    assert sops["S2e"].dates.revised.precision == "month"
    assert len(sops["S3"].legal_basis) == 8
    assert sops["S2a"].warnings[1].items[0].startswith("Komplain dari pemohon")


def test_offices_of_outside_positions(sops: dict[str, Sop]) -> None:
    s1 = sops["S1"]
    assert s1.actor("kadis_kabkota").office == ActorOffice.CHILD
    assert s1.actor("ditjen_korwil").office == ActorOffice.NATIONAL
    assert s1.actor("ditjen_korwil").position == "korwil"
    assert s1.actor("badan_penghubung").position == "penghubung"
    assert sops["S3"].actor("pemohon").position == "mitra"
    assert sops["S2g"].actor("pelapor").kind == ActorKind.INFORMANT


def test_stored_form_loads_back_unchanged(sops: dict[str, Sop]) -> None:
    """What storage keeps (the JSON dump) validates again to the same SOP."""
    for sop in sops.values():
        assert Sop.model_validate_json(json.dumps(sop.model_dump(mode="json"))) == sop
        assert Sop.model_validate(sop.model_dump()) == sop
