"""Play the citizen: type messages as if on WhatsApp; see what the office answers.

The local Graph API server (started by `make run`) signs each message and posts it to our
webhook, as Meta does; our replies go out through the outbox and the worker to that server, and
are read back from it here.

    python manage.py whatsapp_simulate --number 08117961700 [--from 6281234567890]

Type text and Enter. `/file PATH` sends a PDF or photo. `/quit` ends. The office's reply
buttons and list messages are shown with their options numbered: `/tap N` (or just the number N)
taps option N, as the citizen's phone would (a `button_reply` or `list_reply`).
"""

from __future__ import annotations

import base64
import mimetypes
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alur.whatsapp_cloud.models import BusinessNumber


@dataclass(frozen=True)
class Option:
    """One option of an interactive message: what a tap on it sends back."""

    kind: str  # "button_reply" or "list_reply"
    id: str
    title: str
    description: str = ""
    context_id: str = ""  # the interactive message's id (the webhook's `context`)

    def reply(self) -> dict[str, str]:
        reply = {"id": self.id, "title": self.title}
        if self.description:
            reply["description"] = self.description
        return reply


def render(message: dict[str, Any]) -> tuple[str, list[Option]]:
    """How a message the office sent reads on the phone, and the options it offers to tap."""
    content = message.get("message", {})
    kind = content.get("type")
    if kind != "interactive":
        return content.get("text", {}).get("body") or f"[{kind}]", []
    interactive = content.get("interactive", {})
    action = interactive.get("action", {})
    lines = []
    if header := interactive.get("header", {}).get("text"):
        lines.append(f"*{header}*")
    lines.append(interactive.get("body", {}).get("text", ""))
    options: list[Option] = []
    context = str(message.get("id", ""))
    if interactive.get("type") == "button":
        for button in action.get("buttons", []):
            reply = button.get("reply", {})
            options.append(Option("button_reply", reply["id"], reply["title"], "", context))
    else:
        lines.append(f"[{action.get('button', 'Pilihan')}]")
        for section in action.get("sections", []):
            rows = section.get("rows", [])
            options += [
                Option("list_reply", r["id"], r["title"], r.get("description", ""), context)
                for r in rows
            ]
    for number, option in enumerate(options, start=1):
        described = f" — {option.description}" if option.description else ""
        lines.append(f"  ({number}) {option.title}{described}")
    if footer := interactive.get("footer", {}).get("text"):
        lines.append(f"_{footer}_")
    return "\n".join(lines), options


def tapped(text: str, options: list[Option]) -> Option | None:
    """The option `/tap N` (or the number N alone) names, if the last message offered it."""
    word = text.removeprefix("/tap").strip()
    if not options or not word.isascii() or not word.isdigit():
        return None
    number = int(word)
    return options[number - 1] if 1 <= number <= len(options) else None


class Command(BaseCommand):
    help = "Play the citizen on a business number through the local Graph API server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--number", default="08117961700", help="the office's WhatsApp number")
        parser.add_argument("--from", dest="citizen", default="6281234567890")
        parser.add_argument("--wait", type=float, default=6.0, help="seconds to wait for replies")

    def handle(self, *args: Any, **options: Any) -> None:
        number = BusinessNumber.objects.filter(display_number=options["number"]).first()
        if number is None:
            known = ", ".join(BusinessNumber.objects.values_list("display_number", flat=True))
            raise CommandError(f"nomor {options['number']} tidak dikenal (ada: {known})")
        if not settings.WHATSAPP_API_BASE:
            raise CommandError("WHATSAPP_API_BASE kosong: arahkan ke server Graph API lokal")
        root = settings.WHATSAPP_API_BASE.rsplit("/v", 1)[0]
        client = httpx.Client(base_url=f"{root}/_control", timeout=30)
        try:
            client.get("health").raise_for_status()
        except httpx.HTTPError as error:
            raise CommandError(
                f"server Graph API lokal tidak menjawab di {root}: {error}"
            ) from error
        citizen = options["citizen"]
        seen = {m["id"] for m in self._replies(client, citizen)}
        self.stdout.write(
            f"Anda {citizen} menulis ke {number}. /file PATH mengirim berkas; /tap N (atau N) "
            "memilih tombol atau baris nomor N."
        )
        offered: list[Option] = []
        for line in sys.stdin:
            text = line.strip()
            if text == "/quit":
                break
            body: dict = {"from": citizen, "phone_number_id": number.phone_number_id}
            option = tapped(text, offered)
            if text.startswith("/tap") and option is None:
                self.stderr.write("! tidak ada pilihan dengan nomor itu")
                continue
            if option is not None:
                body[option.kind] = option.reply()
                if option.context_id:
                    body["context_id"] = option.context_id
                self.stdout.write(f"> [{option.title}]")
            elif text.startswith("/file "):
                path = Path(text[6:].strip()).expanduser()
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                kind = "image" if mime.startswith("image/") else "document"
                body[kind] = {
                    "data_base64": base64.b64encode(path.read_bytes()).decode(),
                    "mime_type": mime,
                    "filename": path.name,
                }
            else:
                body["text"] = text
            answer = client.post("simulate", json=body)
            if answer.status_code >= 400:
                self.stderr.write(f"! {answer.text}")
                continue
            deadline = time.monotonic() + options["wait"]
            while time.monotonic() < deadline:
                new = [m for m in self._replies(client, citizen) if m["id"] not in seen]
                for message in new:
                    seen.add(message["id"])
                    shown, shown_options = render(message)
                    if shown_options:
                        offered = shown_options
                    self.stdout.write(f"< {shown}\n")
                if new:
                    deadline = time.monotonic() + 1.0  # a few more may follow
                time.sleep(0.3)

    @staticmethod
    def _replies(client: httpx.Client, citizen: str) -> list[dict]:
        return client.get("messages", params={"to": citizen}).json()["data"]
