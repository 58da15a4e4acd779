"""Broken SOP files: every problem reported, located as file:step:field: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from alur.sop.loader import (
    SopLoadError,
    check_file,
    check_paths,
    load_directory,
    load_file,
    parse_sop,
)
from alur.sop.tests.factories import minimal_sop, shown, write_sop


def errors_of(path: Path) -> list[str]:
    sop, errors = check_file(path)
    assert sop is None, "a file with errors must not load"
    return [str(error) for error in errors]


def test_the_minimal_sop_is_valid(tmp_path: Path) -> None:
    sop = load_file(write_sop(tmp_path, minimal_sop()))
    assert [step.number for step in sop.steps] == [1, 2, 3]
    assert sop.deadline is not None and sop.deadline.working_minutes == 450


def test_unknown_actor(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["actor"] = "kabag"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 3:actor: unknown actor 'kabag' (actors: pemohon, petugas, kasi)"
    ]


def test_decision_to_a_nonexistent_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["decision"]["if_yes"]["goto"] = 7
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [f"{shown(path)}:step 3:decision.if_yes.goto: there is no step 7"]


def test_back_to_a_nonexistent_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["decision"]["if_no"]["back_to"] = 0
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 3:decision.if_no.back_to: must be a step number or 'applicant', not 0"
    ]


def test_back_to_a_later_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["decision"]["if_no"]["back_to"] = 3
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:decision.if_no.back_to: must go back to an earlier step than 2, "
        "not to step 3"
    ]


def test_back_to_the_same_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["decision"]["if_no"]["back_to"] = 3
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 3:decision.if_no.back_to: must go back to an earlier step than 3, "
        "not to step 3"
    ]


def test_next_must_go_forward(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["next"] = 1
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:next: must go forward to a step after 2, not to step 1; "
        "a decision's back_to returns a case"
    ]


def test_next_to_a_nonexistent_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][0]["next"] = 12
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [f"{shown(path)}:step 1:next: there is no step 12"]


def test_back_to_the_applicant_needs_an_outside_party(tmp_path: Path) -> None:
    data = minimal_sop()
    data["actors"][0] = {"id": "pemohon", "label": "Mitra", "kind": "position", "position": "mitra"}
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:decision.if_no.back_to: no actor of kind 'applicant' or "
        "'informant' to return the case to"
    ]


def test_unknown_form_and_action_keys(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["form"] = "letters.parap"
    data["steps"][2]["action"] = "letters.shred"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 3:form: unknown form key 'letters.parap' (not in "
        "alur.sop.registry); did you mean 'letters.paraf'?",
        f"{shown(path)}:step 3:action: unknown action key 'letters.shred' (not in "
        "alur.sop.registry)",
    ]


def test_an_action_key_used_as_a_form(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["form"] = "letters.number"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 3:form: 'letters.number' is registered as an action, not a form"
    ]


def test_malformed_key(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][0]["form"] = "Intake"
    path = write_sop(tmp_path, data)
    [error] = errors_of(path)
    assert error.startswith(f"{shown(path)}:step 1:form: String should match pattern")


def test_extra_unknown_field_in_a_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["waktu"] = "10 menit"
    path = write_sop(tmp_path, data)
    [error] = errors_of(path)
    assert error.startswith(f"{shown(path)}:step 2:waktu: unknown field; allowed: number, actor,")


def test_extra_unknown_field_at_the_top_and_in_a_decision(tmp_path: Path) -> None:
    data = minimal_sop()
    data["keterangan"] = "lain"
    data["steps"][2]["decision"]["if_maybe"] = {"label": "Mungkin"}
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:keterangan: unknown field; allowed: code, revision, number, name, "
        "flow_title, office, unit, section, dates, approver, legal_basis, qualifications, "
        "related, equipment, warnings, records, deadline, actors, steps",
        f"{shown(path)}:step 3:decision.if_maybe: unknown field; allowed: question, if_yes, "
        "if_no, reject",
    ]


def test_duplicate_step_number(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["number"] = 1
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 1:number: step number 1 is used twice (steps[0] and steps[1])"
    ]


def test_steps_out_of_order(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][2]["number"] = 4
    data["deadline"]["clock_stop_step"] = 4
    data["steps"][2]["decision"]["if_no"]["back_to"] = 2
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 4:number: expected step 3 here: steps are numbered 1, 2, 3, … in order"
    ]


def test_negative_time(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["time"] = {"text": "-10 menit", "minutes": -10}
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:time.minutes: Input should be greater than or equal to 0 (got -10)"
    ]


def test_time_that_contradicts_its_text(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["time"] = {"text": "1 jam", "minutes": 10}
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:time: the text '1 jam' reads as 60 minutes, but 10 are given"
    ]


def test_time_range_the_wrong_way_round(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["time"] = {"text": "kurang lebih 2 hari", "min": 60, "max": 30}
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [f"{shown(path)}:step 2:time: min (60) must be less than max (30)"]


def test_unreadable_time_needs_minutes(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["time"] = {"text": "2 hari"}
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:time: cannot read '2 hari' as minutes: give minutes (or min and max)"
    ]


def test_unknown_position_kind(tmp_path: Path) -> None:
    data = minimal_sop()
    data["actors"][2]["position"] = "kabag"
    path = write_sop(tmp_path, data)
    [error] = errors_of(path)
    assert error.startswith(
        f"{shown(path)}:-:actors[2].position: Input should be 'kadis', 'sekretaris', 'kabid'"
    )
    assert error.endswith("(got 'kabag')")


def test_position_actor_needs_a_position_and_outside_parties_have_none(tmp_path: Path) -> None:
    data = minimal_sop()
    del data["actors"][2]["position"]
    data["actors"][0]["position"] = "petugas"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:actors[0].position: only an actor of kind 'position' has a position "
        "(this one is 'applicant')",
        f"{shown(path)}:-:actors[2].position: required for an actor of kind 'position'",
    ]


def test_office_relation_must_fit_the_office_level(tmp_path: Path) -> None:
    data = minimal_sop()
    data["actors"][2]["office"] = "child"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:actors[2].office: office 18.08 is a kab/kota office: it has no child "
        "offices"
    ]


def test_duplicate_actor_id(tmp_path: Path) -> None:
    data = minimal_sop()
    data["actors"][2]["id"] = "petugas"
    data["steps"][2]["actor"] = "petugas"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [f"{shown(path)}:-:actors[2].id: duplicate actor id 'petugas'"]


def test_clock_steps_must_exist_and_be_in_order(tmp_path: Path) -> None:
    data = minimal_sop()
    data["deadline"]["clock_start_step"] = 3
    data["deadline"]["clock_stop_step"] = 2
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:deadline.clock_stop_step: the clock stops at step 2, before it starts "
        "at step 3"
    ]
    data["deadline"]["clock_start_step"] = 1
    data["deadline"]["clock_stop_step"] = 9
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [f"{shown(path)}:-:deadline.clock_stop_step: there is no step 9"]


def test_deadline_days_and_minutes_agree(tmp_path: Path) -> None:
    data = minimal_sop()
    data["deadline"]["working_minutes"] = 480
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:deadline.working_days: 1 working day(s) are 450 working minutes, not 480"
    ]


def test_deadline_shorter_than_its_steps(tmp_path: Path) -> None:
    data = minimal_sop()
    data["deadline"] = {
        "text": "10 menit",
        "working_minutes": 10,
        "clock_start_step": 2,
        "clock_stop_step": 3,
    }
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:deadline.working_minutes: steps 2–3 take at least 15 minutes, more "
        "than the deadline's 10"
    ]


def test_unreadable_date_and_bad_nip(tmp_path: Path) -> None:
    data = minimal_sop()
    data["dates"]["effective"] = "awal tahun"
    data["approver"]["nip"] = "1963"
    path = write_sop(tmp_path, data)
    [date_error, nip_error] = errors_of(path)
    assert date_error == (
        f"{shown(path)}:-:dates.effective: cannot read the date 'awal tahun': write "
        "'19 Januari 2022', 'Januari 2022' or '03-02-2023'"
    )
    assert nip_error.startswith(f"{shown(path)}:-:approver.nip: String should match pattern")


def test_office_code_must_be_text(tmp_path: Path) -> None:
    data = minimal_sop()
    data["office"] = 18.08
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:-:office: Input should be a valid string (got 18.08)"
    ]


def test_unreachable_step(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][0]["next"] = "end"
    data["steps"][1]["decision"]["if_yes"]["goto"] = "end"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:step 2:number: unreachable: no step leads here",
        f"{shown(path)}:step 3:number: unreachable: no step leads here",
    ]


def test_errors_are_collected_not_first_only(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][0]["time"]["minutes"] = -5
    data["steps"][1]["actor"] = "nobody"
    data["steps"][2]["decision"]["if_no"]["back_to"] = 3
    data["steps"][2]["action"] = "letters.nope"
    data["colour"] = "red"
    path = write_sop(tmp_path, data)
    errors = errors_of(path)
    assert [error.split(": ")[0] for error in errors] == [
        f"{shown(path)}:-:colour",
        f"{shown(path)}:step 1:time.minutes",
        f"{shown(path)}:step 2:actor",
        f"{shown(path)}:step 3:decision.if_no.back_to",
        f"{shown(path)}:step 3:action",
    ]


def test_a_step_without_a_usable_number_is_located_by_position(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["number"] = "dua"
    path = write_sop(tmp_path, data)
    assert errors_of(path) == [
        f"{shown(path)}:steps[1]:number: Input should be a valid integer (got 'dua')"
    ]


def test_yaml_duplicate_key_and_syntax(tmp_path: Path) -> None:
    path = tmp_path / "S9-uji.yaml"
    path.write_text("code: S9\ncode: S8\n", encoding="utf-8")
    assert errors_of(path) == [
        f"{shown(path)}:-:-: YAML error at line 2, column 1: the key 'code' appears twice"
    ]
    path.write_text("code: [S9\n", encoding="utf-8")
    [error] = errors_of(path)
    assert error.startswith(f"{shown(path)}:-:-: YAML error at line 2")


def test_yes_and_no_stay_text(tmp_path: Path) -> None:
    data = minimal_sop()
    data["steps"][1]["decision"]["if_yes"]["label"] = "yes"
    data["steps"][1]["decision"]["if_no"]["label"] = "no"
    text = write_sop(tmp_path, data).read_text(encoding="utf-8")
    path = tmp_path / "S9-uji.yaml"
    path.write_text(text.replace("'yes'", "yes").replace("'no'", "no"), encoding="utf-8")
    decision = load_file(path).step(2).decision
    assert decision is not None
    assert (decision.if_yes.label, decision.if_no.label) == ("yes", "no")


def test_file_name_must_start_with_the_code(tmp_path: Path) -> None:
    path = write_sop(tmp_path, minimal_sop(), name="S8-uji.yaml")
    assert errors_of(path) == [
        f"{shown(path)}:-:code: the file name must start with 'S9-' (the SOP's code)"
    ]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "S9-uji.yaml"
    path.write_text("", encoding="utf-8")
    assert errors_of(path) == [f"{shown(path)}:-:-: the file is empty"]


def test_directory_with_a_duplicate_code(tmp_path: Path) -> None:
    first = write_sop(tmp_path, minimal_sop(), name="S9-a.yaml")
    second = write_sop(tmp_path, minimal_sop(), name="S9-b.yaml")
    report = check_paths([tmp_path])
    assert [str(error) for error in report.errors] == [
        f"{shown(second)}:-:code: the code S9 is also used by {shown(first)}"
    ]
    assert list(report.by_code()) == ["S9"]
    with pytest.raises(SopLoadError):
        load_directory(tmp_path)


def test_a_broken_file_in_a_directory_does_not_stop_the_others(tmp_path: Path) -> None:
    write_sop(tmp_path, minimal_sop(), name="S9-uji.yaml")
    broken = minimal_sop()
    broken["code"] = "S8"
    broken["steps"][0]["actor"] = "nobody"
    write_sop(tmp_path, broken, name="S8-rusak.yaml")
    report = check_paths([tmp_path])
    assert list(report.by_code()) == ["S9"]
    assert len(report.errors) == 1
    with pytest.raises(SopLoadError) as raised:
        load_directory(tmp_path)
    assert raised.value.errors == report.errors


def test_parse_sop_raises_with_every_error() -> None:
    data = minimal_sop()
    data["steps"][0]["actor"] = "x"
    data["steps"][1]["actor"] = "y"
    with pytest.raises(SopLoadError) as raised:
        parse_sop(data, file="uji.yaml")
    assert [str(e).split(":")[1] for e in raised.value.errors] == ["step 1", "step 2"]
