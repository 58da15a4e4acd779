"""Changes through the Django admin and password changes leave audit events."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

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
def test_admin_change_is_audited(superuser, persona) -> None:
    target = persona("waykanan.operator")
    request = RequestFactory().post("/admin/")
    request.user = superuser
    admin.site._registry[User].log_change(
        request, target, [{"changed": {"fields": ["full_name", "is_staff"]}}]
    )
    event = AuditEvent.objects.get(action="admin.change", object_id=str(target.pk))
    assert event.actor == superuser
    assert event.after["fields"] == ["full_name", "is_staff"]
    assert event.after["model"] == "org.user"
