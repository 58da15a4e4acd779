"""The message templates of the local server's WhatsApp Business Account, as Meta keeps them.

Seeded with the templates Alur's notices use (alur/whatsapp_cloud/notices.py names them; a
test there keeps both lists equal), all approved, in Bahasa Indonesia. They are served by
`GET /{WABA-ID}/message_templates` (fields, limit, before/after cursors and `paging` as the
Graph API pages) and checked when a template message is sent, as Meta checks it:

- a template of the catalogue that is not APPROVED does not exist for sending (132001), a
  PAUSED one answers 132015, a DISABLED one 132016;
- the number of body parameters must match the template's placeholders (132000), and a
  document header is sent exactly when the template has one (132012);
- every text parameter must be one line: no new line or tab, no more than four consecutive
  spaces (132018), not empty, and at most 1024 characters when the template has a header
  (32768 for a body-only template).

A template name outside the catalogue follows the server's older rule (`GraphState.templates`:
every name exists unless a list of approved names is set). The peer imports nothing from
Alur: it speaks the protocol on its own.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlencode

from peers.graph_api.state import GraphError

# Meta's template parameter rule: "Param text cannot have new-line/tab characters or more than
# 4 consecutive spaces".
_BAD_TEXT = re.compile(r"[\n\r\t]| {5,}")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
BODY_PARAMETER_LIMIT = 32768  # a body-only template's text parameter
BODY_WITH_HEADER_LIMIT = 1024  # when the template has other components


def _template(template_id: str, name: str, body: str, *, document: bool = False) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if document:
        components.append(
            {
                "type": "HEADER",
                "format": "DOCUMENT",
                "example": {"header_handle": ["https://scontent.whatsapp.net/v/t61/contoh.pdf"]},
            }
        )
    examples = [f"contoh {n + 1}" for n in range(len(set(_PLACEHOLDER.findall(body))))]
    components.append({"type": "BODY", "text": body, "example": {"body_text": [examples]}})
    return {
        "name": name,
        "parameter_format": "POSITIONAL",
        "components": components,
        "language": "id",
        "status": "APPROVED",
        "category": "UTILITY",
        "id": template_id,
    }


# Alur's notice templates (alur/whatsapp_cloud/notices.py), approved.
SEED: tuple[dict[str, Any], ...] = (
    _template(
        "1024000000000001",
        "permohonan_dikembalikan",
        "Permohonan dokumen kependudukan Anda perlu dilengkapi: {{1}} "
        "Balas pesan ini untuk melengkapinya.",
    ),
    _template(
        "1024000000000002",
        "permohonan_ditolak",
        "Keputusan atas permohonan dokumen kependudukan Anda: {{1}} "
        "Hubungi kantor Disdukcapil bila ada pertanyaan.",
    ),
    _template(
        "1024000000000003",
        "pembaruan_permohonan",
        "Pembaruan permohonan dokumen kependudukan Anda: {{1}} Terima kasih.",
    ),
    _template(
        "1024000000000004",
        "pembaruan_pengaduan",
        "Pembaruan pengaduan Anda kepada Disdukcapil: {{1}} Terima kasih.",
    ),
    _template(
        "1024000000000005",
        "naskah_dinas_terbit",
        "Naskah dinas untuk Anda: {{1}} Berkasnya terlampir.",
        document=True,
    ),
    _template(
        "1024000000000006",
        "formulir_laporan_berkala",
        "Formulir laporan berkala: {{1}} Isi dan kirim kembali sebelum batas waktu.",
        document=True,
    ),
    _template(
        "1024000000000007",
        "porsi_blanko_ktp_el",
        "Informasi pembagian blanko KTP-el: {{1}} Terima kasih.",
    ),
    _template(
        "1024000000000008",
        "alur_tugas_menunggu",
        "Pekerjaan menunggu Anda di Alur: {{1}} Buka Pemberitahuan untuk menindaklanjuti.",
    ),
)

DEFAULT_FIELDS = ("name", "parameter_format", "components", "language", "status", "category", "id")
KNOWN_FIELDS = frozenset(
    (*DEFAULT_FIELDS, "rejected_reason", "quality_score", "previous_category", "sub_category")
)
STATUSES = (
    "APPROVED",
    "PENDING",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "IN_APPEAL",
    "PENDING_DELETION",
    "DELETED",
    "LIMIT_EXCEEDED",
    "ARCHIVED",
)
CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
PAGE_LIMIT = 25  # Graph's default page size
MAX_LIMIT = 1000


def invalid(details: str) -> GraphError:
    return GraphError(100, details)


def check_definition(item: Any) -> dict[str, Any]:
    """A template definition given to `/_control/templates`, completed with Meta's defaults."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise ValueError("each template needs a name")
    status = str(item.get("status", "APPROVED"))
    category = str(item.get("category", "UTILITY"))
    if status not in STATUSES or category not in CATEGORIES:
        raise ValueError(f"status must be one of {STATUSES}, category one of {CATEGORIES}")
    components = item.get("components")
    if components is None:
        components = [{"type": "BODY", "text": str(item.get("body") or "Pemberitahuan: {{1}}.")}]
    if not isinstance(components, list) or not all(isinstance(c, dict) for c in components):
        raise ValueError("components must be a list of objects")
    return {
        "name": item["name"],
        "parameter_format": str(item.get("parameter_format", "POSITIONAL")),
        "components": components,
        "language": str(item.get("language", "id")),
        "status": status,
        "category": category,
        "id": str(item.get("id") or abs(hash((item["name"], item.get("language", "id"))))),
        **({"rejected_reason": item["rejected_reason"]} if "rejected_reason" in item else {}),
    }


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"template:{index}".encode()).decode().rstrip("=")


def _index(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "template" or not number.isdigit():
            raise ValueError(cursor)
        return int(number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("Invalid cursor.") from exc


def list_page(templates: list[dict[str, Any]], query: dict[str, str], url: str) -> dict[str, Any]:
    """One page of `GET /{WABA-ID}/message_templates`, filtered and paged as Graph does:
    `fields` (comma-separated; `id` always), `limit`, `after`/`before` cursors, and the filters
    `name` (contains), `status`, `category`, `language`. `url` is the request's own URL without
    query, for `paging.next`/`previous`."""
    fields = [f.strip() for f in query.get("fields", "").split(",") if f.strip()]
    unknown = [f for f in fields if f not in KNOWN_FIELDS]
    if unknown:
        raise invalid(f"(#100) Tried accessing nonexisting field ({unknown[0]}).")
    fields = list(dict.fromkeys([*(fields or DEFAULT_FIELDS), "id"]))
    raw_limit = query.get("limit", str(PAGE_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise invalid(f"Param limit must be a number between 1 and {MAX_LIMIT}.")
    limit = int(raw_limit)
    chosen = [
        t
        for t in templates
        if query.get("name", "").lower() in t["name"].lower()
        and query.get("status", t["status"]) == t["status"]
        and query.get("category", t["category"]) == t["category"]
        and query.get("language", t["language"]) == t["language"]
    ]
    if "after" in query:
        start = _index(query["after"]) + 1
    elif "before" in query:
        start = max(_index(query["before"]) - limit, 0)
    else:
        start = 0
    page = chosen[start : start + limit]
    data = [{key: t[key] for key in fields if key in t} for t in page]
    result: dict[str, Any] = {"data": data}
    if page:
        first, last = start, start + len(page) - 1
        base = {k: v for k, v in query.items() if k not in ("after", "before")}
        paging: dict[str, Any] = {"cursors": {"before": _cursor(first), "after": _cursor(last)}}
        if last + 1 < len(chosen):
            paging["next"] = _url(url, base | {"after": _cursor(last)})
        if first > 0:
            paging["previous"] = _url(url, base | {"before": _cursor(first)})
        result["paging"] = paging
    return result


def _url(url: str, query: dict[str, str]) -> str:
    return f"{url}?{urlencode(query)}"


def _placeholders(component: dict[str, Any]) -> int:
    return len(set(_PLACEHOLDER.findall(str(component.get("text") or ""))))


def check_parameters(template: dict[str, Any]) -> None:
    """The text parameters of a template message, by Meta's rule (132018)."""
    for component in template.get("components", []):
        parameters = component.get("parameters", [])
        if not isinstance(parameters, list):
            raise GraphError(132018, "Param components.parameters must be a list.")
        for parameter in parameters:
            if not isinstance(parameter, dict) or parameter.get("type") != "text":
                continue
            text = parameter.get("text")
            if not isinstance(text, str) or not text.strip():
                raise GraphError(132018, "Param text is required and cannot be empty.")
            if _BAD_TEXT.search(text):
                raise GraphError(
                    132018,
                    "Param text cannot have new-line/tab characters or more than 4 consecutive "
                    "spaces.",
                )


def template_error(definition: dict[str, Any], template: dict[str, Any]) -> GraphError | None:
    """What Meta answers for a template message against its definition in the catalogue."""
    name, status = definition["name"], definition["status"]
    if status == "PAUSED":
        return GraphError(132015, f"Template {name} is paused.")
    if status == "DISABLED":
        return GraphError(132016, f"Template {name} is disabled.")
    if status != "APPROVED":
        return GraphError(132001, f"template name ({name}) does not exist in the translation")
    sent = {str(c.get("type", "")).lower(): c for c in template.get("components", [])}
    kept = {str(c.get("type", "")).lower(): c for c in definition["components"]}
    body = kept.get("body", {})
    parameters = sent.get("body", {}).get("parameters", [])
    if len(parameters) != _placeholders(body):
        return GraphError(
            132000,
            f"body: number of localizable_params ({len(parameters)}) does not match the "
            f"expected number of params ({_placeholders(body)})",
        )
    header = kept.get("header")
    document = str((header or {}).get("format", "")).upper() == "DOCUMENT"
    header_parameters = sent.get("header", {}).get("parameters", [])
    sent_document = any(p.get("type") == "document" for p in header_parameters)
    if document != sent_document:
        return GraphError(
            132012,
            "header: Format mismatch, expected DOCUMENT, received none."
            if document
            else "header: the template has no document header.",
        )
    limit = BODY_WITH_HEADER_LIMIT if header else BODY_PARAMETER_LIMIT
    texts = [str(p.get("text", "")) for p in parameters]
    if any(len(text) > limit for text in texts):
        return GraphError(132018, f"Param text is too long: at most {limit} characters.")
    return None
