"""Way Kanan's answering team (Tim Penjawab Aduan) for the demo: both Kabid and a Kasi."""

from __future__ import annotations

from alur.complaints.models import TeamMember
from alur.complaints.services import team_member_set
from alur.org.models import Office, User

TEAM = [
    ("18.08", "waykanan.kabid.dafduk", "Ketua tim"),
    ("18.08", "waykanan.kasi.capil", "Anggota (Plt. Kabid Pencatatan Sipil)"),
    ("18.08", "waykanan.kasi.dafduk", "Anggota"),
]


def load_team() -> int:
    """Appoint the demo team members who are not on it yet (idempotent)."""
    added = 0
    for code, username, role in TEAM:
        office = Office.objects.get(code=code)
        user = User.objects.get(username=username)
        if TeamMember.objects.filter(office=office, user=user).exists():
            continue
        team_member_set(office=office, user=user, role=role)
        added += 1
    return added
