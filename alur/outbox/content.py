"""What one WhatsApp message says: a text or a document, and the approved template that carries
it when the recipient has not written in the last 24 hours.

WhatsApp lets a business send free text or a document only within 24 hours of the citizen's last
message; outside that window only an approved template goes through. Each message is therefore
queued with both forms (`template_fallback`), and the outbox switches to the template when the
provider answers that the window has closed. The template repeats the text as its one body
parameter (and a document as its header), so the recipient reads the same thing either way.

A template's text parameter is built to the Cloud API's rules (`template_parameter`): no new
line or tab and no run of more than four spaces (Meta refuses those with error 132018), and no
longer than `TEMPLATE_PARAMETER_LIMIT`. A notice written on several lines becomes one line, its
lines joined with " · ", so it never fails for its layout. Which templates an office may use is
data (`alur.whatsapp_cloud`: synced from WhatsApp Manager, checked before a template is sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alur.outbox.choices import Kind

# A template's body text may hold 1024 characters once filled in (error 132005 beyond); the
# parameter keeps room for the template's own words around it.
TEMPLATE_PARAMETER_LIMIT = 1000
# How the lines of a multi-line notice are joined into one template parameter.
LINE_JOINER = " · "

__all__ = [
    "LINE_JOINER",
    "TEMPLATE_PARAMETER_LIMIT",
    "WhatsAppContent",
    "template_parameter",
    "whatsapp_document",
    "whatsapp_template",
    "whatsapp_text",
]


@dataclass(frozen=True)
class WhatsAppContent:
    """The `kind`, `payload` and `template_fallback` of one outbox message."""

    kind: str
    payload: dict[str, Any]
    template_fallback: dict[str, Any] | None = None


def template_parameter(text: str, limit: int = TEMPLATE_PARAMETER_LIMIT) -> str:
    """`text` as one template text parameter the Cloud API accepts: its lines (without blank
    ones) joined by `LINE_JOINER` (after a line that ends in a stop, a colon or a semicolon by
    a space), every run of spaces, tabs and other white space as one space, cut to `limit`
    characters with "…". Never empty: WhatsApp refuses an empty parameter too."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    joined = ""
    for line in filter(None, lines):
        if joined:
            joined += " " if joined.endswith((".", ":", ";", "!", "?")) else LINE_JOINER
        joined += line
    joined = joined or "-"
    return joined if len(joined) <= limit else joined[: limit - 1].rstrip() + "…"


def _template(
    name: str, language: str, text: str, header: dict[str, Any] | None = None
) -> dict[str, Any]:
    return _template_payload(name, language, [text], header)


def _template_payload(
    name: str, language: str, texts: list[str], header: dict[str, Any] | None = None
) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if header is not None:
        components.append({"type": "header", "parameters": [header]})
    if texts:
        parameters = [{"type": "text", "text": template_parameter(text)} for text in texts]
        components.append({"type": "body", "parameters": parameters})
    return {"name": name, "language": language, "components": components}


def whatsapp_template(
    name: str,
    parameters: list[str],
    *,
    language: str = "id",
    document: dict[str, str] | None = None,
) -> WhatsAppContent:
    """An approved template sent as it is (a notice that has no free-form form, e.g. a digest
    to staff who never write to the number): its body parameters in order, each made one line
    (`template_parameter`), and with `document` ({"path", "filename"}) a document header."""
    header = {"type": "document", "document": dict(document)} if document is not None else None
    return WhatsAppContent(Kind.TEMPLATE, _template_payload(name, language, parameters, header))


def whatsapp_text(
    body: str, *, template: str | None = None, language: str = "id"
) -> WhatsAppContent:
    """`body` as a text; with `template`, that template carries `body` outside the window."""
    fallback = _template(template, language, body) if template is not None else None
    return WhatsAppContent(Kind.TEXT, {"body": body}, fallback)


def whatsapp_document(
    *, path: str, filename: str, caption: str, template: str | None = None, language: str = "id"
) -> WhatsAppContent:
    """The stored file at `path` with its caption; with `template`, that template carries the
    same file as its header and the caption as its body outside the window."""
    fallback = None
    if template is not None:
        header = {"type": "document", "document": {"path": path, "filename": filename}}
        fallback = _template(template, language, caption, header)
    return WhatsAppContent(
        Kind.DOCUMENT, {"path": path, "filename": filename, "caption": caption}, fallback
    )


# -- interactive messages: reply buttons and list messages ----------------------------------
#
# The Cloud API's limits (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/
# interactive-reply-buttons-messages, .../interactive-list-messages): body 1024 characters,
# header and footer 60; at most 3 reply buttons, title 20, id 256; a list's button 20, at most 10
# rows over at most 10 sections, row title 24, description 72, id 200, section title 24 (required
# once there are two sections). Longer lists are split into pages (`page`): each page shows the
# rows that fit and a "Berikutnya"/"Sebelumnya" row whose id is `LIST_PAGE_PREFIX` + the page.
#
# Each interactive message keeps its text fallback as `body`: the body and the options, each
# with what the citizen may type instead (a reply's id equals that word or menu number). The
# outbox sends the fallback when the provider refuses the interactive form, and the template
# fallback carries the same text outside the 24-hour window.

INTERACTIVE_BODY_LIMIT = 1024
INTERACTIVE_HEADER_LIMIT = 60
INTERACTIVE_FOOTER_LIMIT = 60
BUTTON_LIMIT = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
LIST_BUTTON_LIMIT = 20
LIST_ROW_LIMIT = 10
LIST_ROW_TITLE_LIMIT = 24
LIST_ROW_DESCRIPTION_LIMIT = 72
LIST_ROW_ID_LIMIT = 200
LIST_SECTION_TITLE_LIMIT = 24
LIST_PAGE_PREFIX = "HALAMAN "

__all__ += [
    "LIST_PAGE_PREFIX",
    "fallback_text",
    "list_pages",
    "whatsapp_buttons",
    "whatsapp_list",
]


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split()) if limit <= LIST_ROW_DESCRIPTION_LIMIT else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _option_line(number: int, option_id: str, title: str, description: str = "") -> str:
    """One option of the text fallback: numbered when its id is its number (a menu), else with
    the word to type."""
    if option_id == str(number):
        line = f"{number}. {title}"
    elif option_id.upper() == title.upper():
        line = f"• {option_id}"
    else:
        line = f"• {title}: ketik {option_id}"
    if description:
        line += f" — {description}"
    return line


def fallback_text(body: str, options: list[tuple[str, str, str]], *, header: str = "") -> str:
    """The text a citizen reads when the interactive form cannot be shown: the body and each
    option with what to type (its number in a numbered menu, else its word)."""
    lines = [_option_line(i, oid, title, desc) for i, (oid, title, desc) in enumerate(options, 1)]
    head = f"*{header}*\n" if header else ""
    return f"{head}{body}\n\n" + "\n".join(lines)


def _frame(kind: str, body: str, header: str, footer: str) -> dict[str, Any]:
    interactive: dict[str, Any] = {
        "type": kind,
        "body": {"text": _clip(body, INTERACTIVE_BODY_LIMIT)},
    }
    if header:
        interactive["header"] = {"type": "text", "text": _clip(header, INTERACTIVE_HEADER_LIMIT)}
    if footer:
        interactive["footer"] = {"text": _clip(footer, INTERACTIVE_FOOTER_LIMIT)}
    return interactive


def _interactive(
    interactive: dict[str, Any],
    text: str,
    template: str | None,
    language: str,
    options: list[tuple[str, str, str]],
) -> WhatsAppContent:
    fallback = _template(template, language, text) if template is not None else None
    payload = {
        "body": text[:4096],
        "interactive": interactive,
        "options": [oid for oid, _title, _desc in options],
    }
    return WhatsAppContent(Kind.INTERACTIVE, payload, fallback)


def whatsapp_buttons(
    body: str,
    buttons: list[tuple[str, str]],
    *,
    header: str = "",
    footer: str = "",
    template: str | None = None,
    language: str = "id",
) -> WhatsAppContent:
    """A question with up to three reply buttons `(id, title)`; the id is what a tap answers
    (and the word the citizen may type instead)."""
    if not 1 <= len(buttons) <= BUTTON_LIMIT:
        raise ValueError(f"a reply-button message takes 1 to {BUTTON_LIMIT} buttons")
    if len({oid for oid, _ in buttons}) != len(buttons):
        raise ValueError("reply button ids must be unique")
    interactive = _frame("button", body, header, footer)
    interactive["action"] = {
        "buttons": [
            {
                "type": "reply",
                "reply": {"id": oid[:BUTTON_ID_LIMIT], "title": _clip(title, BUTTON_TITLE_LIMIT)},
            }
            for oid, title in buttons
        ]
    }
    options = [(oid, title, "") for oid, title in buttons]
    return _interactive(
        interactive, fallback_text(body, options, header=header), template, language, options
    )


def list_pages(count: int) -> int:
    """How many pages a list of `count` rows takes (10 rows fit one page; beyond that each page
    keeps room for its navigation rows)."""
    if count <= LIST_ROW_LIMIT:
        return 1
    per_page = LIST_ROW_LIMIT - 2
    return -(-count // per_page)


def _page_rows(
    rows: list[tuple[str, str, str]], page: int
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The rows shown on `page` and its navigation rows."""
    pages = list_pages(len(rows))
    if pages == 1:
        return list(rows), []
    per_page = LIST_ROW_LIMIT - 2
    page = min(max(page, 1), pages)
    shown = list(rows[(page - 1) * per_page : page * per_page])
    navigation = []
    if page > 1:
        navigation.append((f"{LIST_PAGE_PREFIX}{page - 1}", "Sebelumnya", f"Halaman {page - 1}"))
    if page < pages:
        navigation.append((f"{LIST_PAGE_PREFIX}{page + 1}", "Berikutnya", f"Halaman {page + 1}"))
    return shown, navigation


def whatsapp_list(
    body: str,
    button: str,
    rows: list[tuple[str, str, str]],
    *,
    header: str = "",
    footer: str = "",
    section: str = "",
    template: str | None = None,
    language: str = "id",
    page: int = 1,
) -> WhatsAppContent:
    """A list message: `button` opens the rows `(id, title ≤24, description ≤72)`. Over ten rows
    the list is split into pages (`page` chooses one); the text fallback lists every row."""
    if not rows:
        raise ValueError("a list message takes at least one row")
    if len({oid for oid, _t, _d in rows}) != len(rows):
        raise ValueError("list row ids must be unique")
    shown, navigation = _page_rows(rows, page)
    pages = list_pages(len(rows))
    sections: list[dict[str, Any]] = []

    def _section(title: str, items: list[tuple[str, str, str]]) -> dict[str, Any]:
        built: dict[str, Any] = {
            "rows": [
                {
                    "id": oid[:LIST_ROW_ID_LIMIT],
                    "title": _clip(title_, LIST_ROW_TITLE_LIMIT),
                    **({"description": _clip(desc, LIST_ROW_DESCRIPTION_LIMIT)} if desc else {}),
                }
                for oid, title_, desc in items
            ]
        }
        if title:
            built["title"] = _clip(title, LIST_SECTION_TITLE_LIMIT)
        return built

    if navigation:
        label = section or "Pilihan"
        sections.append(_section(f"{label} {min(max(page, 1), pages)}/{pages}", shown))
        sections.append(_section("Halaman lain", navigation))
    else:
        sections.append(_section(section, shown))
    interactive = _frame("list", body, header, footer)
    interactive["action"] = {"button": _clip(button, LIST_BUTTON_LIMIT), "sections": sections}
    all_options = list(rows)
    return _interactive(
        interactive,
        fallback_text(body, all_options, header=header),
        template,
        language,
        all_options,
    )
