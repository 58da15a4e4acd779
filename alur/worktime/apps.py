from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.models import Office


class WorktimeConfig(AppConfig):
    name = "alur.worktime"
    label = "worktime"
    default_auto_field = "django.db.models.BigAutoField"

    def office_section(self, office: Office) -> dict[str, Any]:
        """The office page's calendar (worktime/office_calendar.html): hours, closures ahead,
        national holidays of the next 90 days and the forms that change them."""
        from django.utils import timezone

        from alur.worktime.forms import ClosureForm, WeeklyHoursForm
        from alur.worktime.selectors import closures_for, holidays_between, hours_for

        today = timezone.localdate()
        hours = hours_for(office)
        return {
            "hours": hours,
            "hours_default": all(row.is_default for row in hours),
            "closures": closures_for(office, since=timezone.now()),
            "holidays": holidays_between(today, today + timedelta(days=90)),
            "closure_form": ClosureForm(),
            "hours_form": WeeklyHoursForm(),
        }
