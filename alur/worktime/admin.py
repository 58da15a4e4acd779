"""Read-only admin views of working time: every change goes through alur.worktime.services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from alur.worktime.models import Closure, WeeklyHours


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Changes here would skip the audit trail; the office pages call the services instead."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(_ReadOnlyAdmin):
    list_display = ["office", "weekday", "opens", "closes", "break_starts", "break_ends"]
    list_filter = ["weekday", "office"]
    list_select_related = ["office"]
    search_fields = ["office__code", "office__name"]
    ordering = ["office__code", "weekday"]


@admin.register(Closure)
class ClosureAdmin(_ReadOnlyAdmin):
    list_display = ["office", "starts_at", "ends_at", "reason", "created_by", "created_at"]
    list_filter = ["office"]
    list_select_related = ["office", "created_by"]
    search_fields = ["office__code", "office__name", "reason"]
    date_hierarchy = "starts_at"
    ordering = ["office__code", "-starts_at"]
