from typing import Any

from django.core.management.base import BaseCommand

from alur.logistics.demo import load_demo_stock


class Command(BaseCommand):
    help = "Demo blank stock for the Bangka Belitung offices (idempotent; after load_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_demo_stock()
