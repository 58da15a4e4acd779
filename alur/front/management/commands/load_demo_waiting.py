from typing import Any

from django.core.management.base import BaseCommand

from alur.letters.demo import load_letters_to_sign
from alur.workflow.demo import load_case_about_to_miss


class Command(BaseCommand):
    help = (
        "Demo work that waits (idempotent, `make run`): three letters for waykanan.kadis to "
        "sign and a Capil case about to miss its promise."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        load_letters_to_sign()
        load_case_about_to_miss()
