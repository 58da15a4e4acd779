"""Changes through the Django admin and password changes leave audit events."""

from __future__ import annotations

import pytest

from alur.audit.models import AuditEvent
from alur.org.models import User


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(
        username="admin.pusat", password="Kata-Sandi-Kuat-2026!", full_name="Admin Pusat"
    )


@pytest.mark.django_db
def test_admin_password_change_is_audited(client, superuser, persona) -> None:
    target = persona("waykanan.operator")
    client.force_login(superuser)
    answer = client.post(
        f"/admin/org/user/{target.pk}/password/",
        {"password1": "Sandi-Baru-Aman-2026!", "password2": "Sandi-Baru-Aman-2026!"},
    )
    assert answer.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Sandi-Baru-Aman-2026!")
    event = AuditEvent.objects.get(action="user.password_change", object_id=str(target.pk))
    assert event.actor == superuser and event.office is None
    assert "Sandi-Baru" not in str(event.after)


@pytest.mark.django_db
def test_password_change_outside_the_admin_is_audited(persona) -> None:
    user = persona("metro.kadis")
    user.set_password("Sandi-Lain-Aman-2026!")
    user.save()
    event = AuditEvent.objects.get(action="user.password_change", object_id=str(user.pk))
    assert event.actor is None and event.actor_label == "Sistem"


@pytest.mark.django_db
def test_admin_change_is_audited(client, superuser, persona) -> None:
    target = persona("waykanan.operator")
    client.force_login(superuser)
    url = f"/admin/org/user/{target.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "full_name": "Nama Diubah Admin",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": target.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
        }
    )
    for flag in ("is_staff", "is_superuser"):
        data.pop(flag, None)
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.full_name == "Nama Diubah Admin"
    event = AuditEvent.objects.get(action="admin.change", object_id=str(target.pk))
    assert event.actor == superuser
    assert "Nama lengkap" in event.after["fields"] and event.after["model"] == "org.user"


@pytest.mark.django_db
def test_admin_bulk_deletion_is_audited(client, superuser) -> None:
    doomed = [
        User.objects.create_user(username=f"sementara.{i}", password="Sandi-Sementara-2026!")
        for i in range(2)
    ]
    client.force_login(superuser)
    answer = client.post(
        "/admin/org/user/",
        {
            "action": "delete_selected",
            "_selected_action": [str(user.pk) for user in doomed],
            "post": "yes",
        },
    )
    assert answer.status_code == 302
    assert not User.objects.filter(username__startswith="sementara.").exists()
    deleted = AuditEvent.objects.filter(action="admin.delete", actor=superuser)
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        str(user.pk) for user in doomed
    )
