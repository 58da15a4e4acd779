"""Admin for reference data. Offices, positions and appointments change through services."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from alur.audit.signals import acting, admin_deletions
from alur.core.admin import ReadOnlyAdmin
from alur.org.models import Appointment, Office, Position, Region, Unit, User


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ["code", "short_name", "level", "parent", "timezone", "is_active"]
    list_filter = ["level", "timezone"]
    search_fields = ["code", "name", "short_name"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "office"]
    list_filter = ["kind"]
    search_fields = ["name", "office__code"]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "office", "unit", "superior"]
    list_filter = ["kind"]
    search_fields = ["title", "office__code"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "position", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["user__username", "position__title"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "nip", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "nip"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Alur", {"fields": ("full_name", "nip", "phone")}),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """The new password and its audit event (by the admin who set it) in one transaction;
        every other admin change is audited from its log entry (alur.audit.signals)."""
        with acting(request.user), transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_deletions(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> list[LogEntry] | LogEntry:
        admin_deletions(request.user, queryset)
        return super().log_deletions(request, queryset)
