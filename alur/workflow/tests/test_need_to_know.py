"""F1: a case is read by the staff of the unit that handles it (or an office-wide post such as
the Kadis), by the people whose step it is, and by the partner who referred it; not by every
appointment in the office."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from alur.org.choices import PositionKind
from alur.org.models import Office, Unit, User
from alur.org.services import appointment_create, position_create
from alur.workflow import selectors
from alur.workflow.tests.drive import run_until_step, start

pytestmark = pytest.mark.django_db


def hold(office: Office, username: str, kind: str, unit: str | None = None) -> User:
    """A person holding a new post of `kind` in `office` (in unit `unit`)."""
    user = User.objects.create_user(username=username, password="x", first_name=username)
    post = position_create(
        office=office,
        kind=kind,
        title=f"Jabatan {username}",
        unit=Unit.objects.get(office=office, name=unit) if unit else None,
    )
    appointment_create(user=user, position=post, starts_on=date(2020, 1, 1))
    return user


def test_a_case_is_read_in_the_unit_that_handles_it_not_by_every_post_in_the_office(
    client, persona
) -> None:
    case = start("S2e")  # Pencatatan Sipil's
    task = run_until_step(case, 2)
    page = f"/perkara/{case.reference}/"
    for username in ("waykanan.kadis", "waykanan.kasi.capil", "waykanan.petugas.capil"):
        client.force_login(persona(username))
        answer = client.get(page)
        assert answer.status_code == 200 and case.subject in answer.content.decode(), username
    office = case.office
    outsiders = [
        persona(username)
        for username in (
            "waykanan.kabid.dafduk",  # another bidang
            "waykanan.kasi.dafduk",  # another bidang's seksi
            "waykanan.operator",
            "waykanan.sekretaris",
            "waykanan.pengaduan",
        )
    ] + [
        hold(office, "nk.analis", PositionKind.ANALIS),
        hold(office, "nk.mitra", PositionKind.MITRA),
        hold(office, "nk.korwil", PositionKind.KORWIL),
        hold(office, "nk.penghubung", PositionKind.PENGHUBUNG),
        hold(office, "nk.kasubag", PositionKind.KASUBAG, "Sekretariat"),
    ]
    for user in outsiders:
        with pytest.raises(Http404):
            selectors.case_for(user, case.reference)
        client.force_login(user)
        assert client.get(page).status_code == 404, user.username
        assert client.post(f"/tugas/{task.pk}/ambil/").status_code == 404, user.username
    task.refresh_from_db()
    assert task.assignee_id is None


def test_a_step_of_ones_own_opens_the_case_without_the_residents_data(persona) -> None:
    case = start("S2e")
    task = run_until_step(case, 2)
    analis = hold(case.office, "nk.analis", PositionKind.ANALIS)
    assert selectors.case_reach(analis, case) == selectors.Reach.NONE
    task.completed_by = analis  # as if the step had been theirs
    task.save(update_fields=["completed_by"])
    assert selectors.case_reach(analis, case) == selectors.Reach.OWN_STEPS
    assert not selectors.shows_personal(analis, case)
    with pytest.raises(Http404):  # the pages of the resident's data stay closed
        selectors.case_for(analis, case.reference, personal=True)
    kasi = persona("waykanan.kasi.capil")
    assert selectors.case_for(kasi, case.reference, personal=True) == case
    assert selectors.shows_personal(kasi, case)
