from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from alur.org.menu import MenuItem


class SurveyConfig(AppConfig):
    name = "alur.survey"
    label = "survey"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Survei kepuasan masyarakat"

    def ready(self) -> None:
        from alur.survey import panels
        from alur.survey.services import survey_on_case_done
        from alur.workflow.notices import register_on_done

        panels.register()
        register_on_done(survey_on_case_done)

    def menu(self) -> list[MenuItem]:
        from alur.org.access import Capability
        from alur.org.menu import MenuItem
        from alur.survey.selectors import sees_ikm

        return [
            MenuItem(
                "Indeks Kepuasan Masyarakat", "survey:ikm", Capability.VIEW_REPORTS, 62, sees_ikm
            )
        ]
