from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from alur.org.demo import DEMO_PASSWORD, load_demo
from alur.whatsapp_cloud.demo import load_numbers


class Command(BaseCommand):
    help = "Load regions, SOP files, demo offices, personas and WhatsApp numbers (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_regions", verbosity=0, stdout=self.stdout)
        call_command("load_sops", verbosity=options["verbosity"], stdout=self.stdout)
        logins = load_demo()
        load_numbers()
        call_command("load_demo_complaints", verbosity=0, stdout=self.stdout)
        call_command("load_demo_chat", verbosity=0, stdout=self.stdout)
        call_command("load_demo_stock", verbosity=0, stdout=self.stdout)
        call_command("load_demo_outreach", verbosity=0, stdout=self.stdout)
        call_command("load_demo_reports", verbosity=0, stdout=self.stdout)
        call_command("load_demo_survey", verbosity=0, stdout=self.stdout)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo siap. Semua akun demo memakai kata sandi: {DEMO_PASSWORD}")
            for username, name, positions in logins:
                self.stdout.write(f"  {username:<28} {name} — {positions}")
