"""The code two journeys run through, followed call by call, and the shape figures of `alur/`.

    python ops/trace_paths.py           # this checkout's `alur/`, on a fresh SQLite database

Issue 17's closing note compares, before and after a restructuring, the project files a
person's action runs through. Two actions are followed with `sys.setprofile` (call events):

- the Kadis's "sign" click: the POST of the letter page's TTE form with the demo certificate's
  passphrase, for a letter of the Babel office that both paraf have passed;
- a WhatsApp message becoming a task: the signed webhook POST carrying a citizen's final "YA"
  of an akta kelahiran application, with the background work it queues run at once (huey
  `immediate`), as the worker runs it after the webhook answers.

Each action is done once untraced first, so that what a running server has already imported
and cached does not count. For each traced action the script prints the project files it
entered (`.py` under `alur/`, tests and migrations left out), grouped by app, and how many
times control entered each app from another app's frame (library frames between the two,
e.g. Django's template engine, are skipped over; an entry from no project frame at all, e.g.
Django calling a view, is counted apart as "from outside").

Nothing in the product is imported to find its pages: the data is made by the management
commands (`load_demo`, `tte_dev_setup`), the letter is drafted, passed and signed through the
forms its pages show, and the citizen writes to the webhook as Meta does (the local Graph API
server of `peers/` holds the uploaded files). So the script measures a checkout whose modules
have moved as it measures one whose have not.

Then: the modules over 600 lines, and the upward imports and app cycles of
`ops/import_graph.py`. Everything runs in a temporary folder (database, media, development CA)
removed at the end.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "alur"
LONG_MODULE = 600
OUTSIDE = "(outside)"

# -- counting ------------------------------------------------------------------------------


def app_of_path(filename: str, package: Path = PACKAGE) -> str | None:
    """The app a project source file belongs to (`alur/letters/views.py` → `letters`,
    `alur/urls.py` → `project`); None for anything else: libraries, tests, migrations."""
    path = Path(filename)
    if path.suffix != ".py":
        return None
    try:
        parts = path.resolve().relative_to(package.resolve()).parts
    except ValueError:
        return None
    if "tests" in parts or "migrations" in parts:
        return None
    return parts[0] if len(parts) > 1 else "project"


@dataclass
class Trace:
    """What one action ran through: the project files entered, the calls that entered an app
    from another app's frame, and the returns that came back into an app from another's."""

    package: Path = PACKAGE
    files: set[str] = field(default_factory=set)
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, into)
    returns: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, back into)
    _apps: dict[str, str | None] = field(default_factory=dict)

    def app(self, filename: str) -> str | None:
        if filename not in self._apps:
            self._apps[filename] = app_of_path(filename, self.package)
        return self._apps[filename]

    def record(self, event: str, filename: str, callers: Iterable[str]) -> None:
        """A call into (or a return from) `filename`; `callers` are the files of the frames
        below it, innermost first, library frames included: the nearest project frame among
        them is where control came from (or goes back to)."""
        app = self.app(filename)
        if app is None:
            return
        caller = next((a for a in map(self.app, callers) if a is not None), OUTSIDE)
        if event == "call":
            self.files.add(filename)
            if caller != app:
                self.calls[(caller, app)] += 1
        elif event == "return" and caller not in (app, OUTSIDE):
            self.returns[(app, caller)] += 1

    def profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "return") and self.app(frame.f_code.co_filename) is not None:
            self.record(event, frame.f_code.co_filename, _callers(frame))

    def into(self, app: str) -> tuple[int, int, int]:
        """Calls into `app` from another app, returns back into it from another app, and calls
        into it from outside the project (Django calling a view or a middleware)."""
        called = sum(n for (src, dst), n in self.calls.items() if dst == app and src != OUTSIDE)
        back = sum(n for (_, dst), n in self.returns.items() if dst == app)
        return called, back, self.calls[(OUTSIDE, app)]

    def report(self, title: str) -> str:
        by_app: dict[str, list[str]] = {}
        for filename in self.files:
            by_app.setdefault(self.app(filename) or "?", []).append(
                str(Path(filename).resolve().relative_to(self.package.resolve().parent))
            )
        called = sum(n for (src, _), n in self.calls.items() if src != OUTSIDE)
        lines = [
            f"== {title}",
            f"project files entered: {len(self.files)} in {len(by_app)} apps; "
            f"calls from one app into another: {called}, "
            f"returns back into another app: {sum(self.returns.values())}",
            f"{'app':<12} {'files':>5} {'called from other apps':>23} "
            f"{'returned into from other apps':>30} {'from outside':>13}",
        ]
        for app in sorted(by_app, key=lambda a: (-len(by_app[a]), a)):
            into, back, outside = self.into(app)
            lines.append(f"{app:<12} {len(by_app[app]):>5} {into:>23} {back:>30} {outside:>13}")
        for app in sorted(by_app):
            came = Counter({s: n for (s, d), n in self.calls.items() if d == app})
            went = Counter({s: n for (s, d), n in self.returns.items() if d == app})
            lines.append(
                f"  {app}: called from {_counts(came)}; returned into from {_counts(went)}"
            )
            lines += [f"    {name}" for name in sorted(by_app[app])]
        return "\n".join(lines)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counter.most_common()) or "-"


def _callers(frame: FrameType) -> Iterator[str]:
    below = frame.f_back
    while below is not None:
        yield below.f_code.co_filename
        below = below.f_back


def traced(trace: Trace, action: Callable[[], Any]) -> Any:
    sys.setprofile(trace.profile)
    try:
        return action()
    finally:
        sys.setprofile(None)


# -- shape of the package --------------------------------------------------------------------


def long_modules(package: Path = PACKAGE, limit: int = LONG_MODULE) -> list[tuple[int, str]]:
    found = []
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if "tests" in parts or "migrations" in parts:
            continue
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > limit:
            found.append((count, str(path.relative_to(package.parent))))
    return sorted(found, reverse=True)


def graph_report(root: Path = ROOT) -> str:
    script = root / "ops" / "import_graph.py"
    spec = importlib.util.spec_from_file_location("import_graph", script)
    if spec is None or spec.loader is None:
        return f"import graph: {script} cannot be read"
    graph = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = graph  # dataclasses look their module up while defined
    spec.loader.exec_module(graph)
    try:
        imports = graph.all_imports(root / "alur")
    except KeyError as error:
        return f"import graph: {error}"
    up = graph.upward(imports)
    up_module = [i for i in up if not i.in_function]
    at_module = [i for i in imports if not i.in_function]
    return "\n".join(
        [
            f"upward imports: {len(up)} ({len(up_module)} at module level, "
            f"{len(up) - len(up_module)} in functions)",
            f"app cycles: {len(graph.cycles(at_module))} counting module-level imports, "
            f"{len(graph.cycles(imports))} counting all",
            *(f"  cycle {{{', '.join(c)}}}" for c in graph.cycles(imports)),
        ]
    )


# -- pages, as a browser sees them -----------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action") or self.url, a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            self._form.inputs.append(a["name"])
            if tag == "input" and a.get("type") in ("hidden", "text", None, ""):
                self._form.fields.setdefault(a["name"], a.get("value", ""))
        elif self._form is not None and tag == "button":
            self._button = []

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._form is not None and self._button is not None:
            self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None
        elif tag == "form":
            self._form = None


def forms_of(html: str, url: str) -> list[Form]:
    parser = _Forms(url)
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def form_with(html: str, url: str, button: str, having: str = "") -> Form:
    """The POST form whose button starts with `button` (and with a field `having`)."""
    for form in forms_of(html, url):
        if any(b.startswith(button) for b in form.buttons) and (
            not having or having in form.inputs
        ):
            return form
    raise SystemExit(f"{url}: no form with a button {button!r} {having}")


# -- the two actions ---------------------------------------------------------------------------


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code}")
    return response.content.decode()


def _login(client: Any, username: str) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))


def _position(office: str, kind: str) -> str:
    from django.apps import apps

    positions = apps.get_model("org", "Position").objects
    return str(
        positions.filter(office__code=office, kind=kind, is_active=True).order_by("pk")[0].pk
    )


def letter_waiting_for_kadis(client: Any, subject: str) -> str:
    """A letter of the Babel office (19) drafted by its pelaksana, passed by Kabid and
    Sekretaris, all through the letter pages; its page's address."""
    from django.urls import reverse

    _login(client, "babel.pelaksana")
    new = f"{reverse('letters:new')}?kantor=19"
    form = form_with(_page(client, new), new, "", having="subject")
    data = form.fields | {
        "kind": "surat",
        "classification": "400.12.2.1",
        "subject": subject,
        "recipient": "Direktur Jenderal Kependudukan dan Pencatatan Sipil",
        "body": "Dengan hormat,\n\nBersama ini kami mengajukan permohonan blanko KTP-el.",
        "signer": _position("19", "kadis"),
        "paraf_1": _position("19", "kabid"),
        "paraf_2": _position("19", "sekretaris"),
    }
    response = client.post(form.action, data)
    if response.status_code != 302:
        raise SystemExit(f"drafting the letter: {response.status_code}")
    letter = response["Location"]
    for username, button in (
        ("babel.pelaksana", "Ajukan"),
        ("babel.kabid", "Paraf"),
        ("babel.sekretaris", "Paraf"),
    ):
        _login(client, username)
        form = form_with(_page(client, letter), letter, button)
        client.post(form.action, form.fields)
    return letter


def sign(client: Any, letter: str, trace: Trace | None) -> None:
    """The Kadis's TTE on the letter page, with the demo certificate's passphrase."""
    _login(client, "babel.kadis")
    form = form_with(_page(client, letter), letter, "Tandatangani (TTE)", having="passphrase")
    data = form.fields | {"passphrase": "TTE-Demo-2026"}
    post = lambda: client.post(form.action, data)  # noqa: E731
    response = traced(trace, post) if trace else post()
    shown = _page(client, response["Location"])
    if "ditandatangani secara elektronik" not in shown:
        raise SystemExit(f"the letter {letter} was not signed")


AKTA_LAHIR = ("108117961700", "628117961700")  # the demo's akta kelahiran number (load_demo)
WABA_ID = "102290129340398"


@dataclass
class Citizen:
    """A citizen writing to the webhook as Meta delivers messages, signed with the app
    secret; files are uploaded to the local Graph API server first, as WhatsApp holds them."""

    client: Any
    graph: Any
    wa_id: str
    secret: str
    token: str

    def _post(self, message: dict[str, Any], trace: Trace | None = None) -> list[str]:
        seen = len(self.replies())
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": AKTA_LAHIR[1], "phone_number_id": AKTA_LAHIR[0]},
            "contacts": [{"profile": {"name": "Warga"}, "wa_id": self.wa_id}],
            "messages": [
                {
                    "from": self.wa_id,
                    "id": f"wamid.{secrets.token_hex(16)}",
                    "timestamp": str(int(time.time())),
                    **message,
                }
            ],
        }
        envelope = {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}
            ],
        }
        body = json.dumps(envelope, separators=(",", ":")).encode("ascii")
        digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        post = lambda: self.client.post(  # noqa: E731
            "/whatsapp/webhook/",
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=f"sha256={digest}",
        )
        response = traced(trace, post) if trace else post()
        if response.status_code != 200:
            raise SystemExit(f"webhook: {response.status_code}")
        return self.replies()[seen:]

    def replies(self) -> list[str]:
        import httpx

        sent = httpx.get(self.graph.control("messages"), params={"to": self.wa_id}).json()
        return [m["message"].get("text", {}).get("body", "") for m in sent["data"]]

    def say(self, text: str, trace: Trace | None = None) -> list[str]:
        return self._post({"type": "text", "text": {"body": text}}, trace)

    def send_pdf(self, data: bytes) -> list[str]:
        import httpx

        uploaded = httpx.post(
            f"{self.graph.base_url}/{AKTA_LAHIR[0]}/media",
            headers={"Authorization": f"Bearer {self.token}"},
            data={"messaging_product": "whatsapp", "type": "application/pdf"},
            files={"file": ("berkas.pdf", data, "application/pdf")},
        ).json()
        document = {
            "id": uploaded["id"],
            "filename": "berkas.pdf",
            "mime_type": "application/pdf",
            "sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        }
        return self._post({"type": "document", "document": document})


SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def application_by_whatsapp(citizen: Citizen, nik: str, trace: Trace | None) -> str:
    """An akta kelahiran application told to the dialog, its files sent; the final "YA" (the
    message that makes the case and its first task) traced when `trace` is given."""
    from django.utils import timezone

    today = timezone.localdate()
    for text in (
        "Halo, saya mau urus akta kelahiran anak",
        "Siti Aminah",
        nik,
        "SAMA",
        "Putri Aminah",
        (today - timedelta(days=10)).strftime("%d-%m-%Y"),
        "Blambangan Umpu",
    ):
        last = citizen.say(text)
    for _ in range(8):
        if not last or not last[-1].startswith("Kirim foto atau PDF"):
            break
        last = citizen.send_pdf(SMALL_PDF + secrets.token_hex(8).encode())
    if not last or "YA" not in last[-1]:
        raise SystemExit(f"the dialog did not reach its confirmation: {last}")
    done = citizen.say("YA", trace)
    if not done or not re.search(r"[A-Z]+-?\d", done[-1]):
        raise SystemExit(f"no case reference in the answer to YA: {done}")
    return done[-1]


# -- the run ---------------------------------------------------------------------------------


def _describe_checkout() -> str:
    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return run.stdout.strip()

    changed = len(git("status", "--porcelain", "--", "alur").splitlines())
    return f"{ROOT} at {git('rev-parse', '--short', 'HEAD')}, {changed} uncommitted paths in alur/"


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="trace-paths-"))
    os.environ.pop("REDIS_URL", None)
    os.environ["ALUR_VAR_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'alur.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "alur.settings"
    sys.path.insert(0, str(ROOT))
    try:
        return _run(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(scratch: Path) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from huey.contrib.djhuey import HUEY

    setup_test_environment()
    logging.disable(logging.WARNING)  # the workers' and the Graph API server's chatter
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    HUEY.immediate = True
    print(f"checkout: {_describe_checkout()}")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("tte_dev_setup", verbosity=0)
    print(f"database ready in {time.monotonic() - started:.0f} s\n")

    client = Client()
    sign(client, letter_waiting_for_kadis(client, "Permohonan Blanko KTP-el (pemanasan)"), None)
    letter = letter_waiting_for_kadis(client, "Permohonan Blanko KTP-el Triwulan IV")
    signing = Trace()
    sign(client, letter, signing)
    print(signing.report("the Kadis's \"sign\" click (POST of the letter page's TTE form)"))

    from peers.graph_api.server import start_server

    graph = start_server(
        port=0,
        app_secret=settings.WHATSAPP_APP_SECRET,
        access_token=settings.WHATSAPP_ACCESS_TOKEN,
    )
    settings.WHATSAPP_API_BASE = graph.base_url
    try:
        import httpx

        message = Trace()
        answers = []
        for wa_id, nik, trace in (
            ("6281234567890", "1808015503950001", None),
            ("6281234567891", "1808014507900003", message),
        ):
            httpx.post(graph.control("inbound"), json={"from": wa_id})  # the 24-hour window
            citizen = Citizen(
                Client(), graph, wa_id, settings.WHATSAPP_APP_SECRET, settings.WHATSAPP_ACCESS_TOKEN
            )
            answers.append(application_by_whatsapp(citizen, nik, trace))
    finally:
        graph.stop()
    print()
    print(message.report('a WhatsApp message becoming a task (the webhook POST of the final "YA")'))
    print(f"  (its answer: {answers[-1][:100]!r})")

    print(f"\n== modules over {LONG_MODULE} lines (tests and migrations left out)")
    found = long_modules()
    print(f"{len(found)} modules")
    for count, name in found:
        print(f"  {count:>5}  {name}")
    print("\n== import graph (ops/import_graph.py)")
    print(graph_report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
