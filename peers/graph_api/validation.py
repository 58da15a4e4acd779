"""Checks the local Graph API server applies to requests, and the simulated WhatsApp rules.

Structure errors are code 100 (Invalid parameter). The rules that depend on the recipient:
numbers ending in 0000, or written without a country code (leading 0), are not on WhatsApp
(131026); a free-form message to someone who has not written in the last 24 hours is
refused (131047), templates always pass; a template name outside the approved list, when one
is set, does not exist (132001).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from peers.graph_api.catalogue import check_parameters, template_error
from peers.graph_api.state import GraphError, GraphState

SUPPORTED_TYPES = ("text", "template", "document", "image", "interactive")
OTHER_TYPES = ("audio", "video", "sticker", "location", "contacts", "reaction")
IMAGE_TYPES = ("image/jpeg", "image/png")
MB = 1024 * 1024
# Cloud API upload limits by MIME type.
MEDIA_LIMITS: dict[str, int] = {
    "image/jpeg": 5 * MB,
    "image/png": 5 * MB,
    "image/webp": 500 * 1024,
    "application/pdf": 100 * MB,
    "text/plain": 100 * MB,
    "application/msword": 100 * MB,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 * MB,
    "application/vnd.ms-excel": 100 * MB,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 * MB,
    "application/vnd.ms-powerpoint": 100 * MB,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 * MB,
    "audio/aac": 16 * MB,
    "audio/amr": 16 * MB,
    "audio/mpeg": 16 * MB,
    "audio/mp4": 16 * MB,
    "audio/ogg": 16 * MB,
    "video/mp4": 16 * MB,
    "video/3gpp": 16 * MB,
}


def invalid(details: str) -> GraphError:
    return GraphError(100, details)


def normalize_number(to: Any) -> str:
    """The wa_id for a `to` value: digits only ("+62 812-3456-7890" → "6281234567890")."""
    if not isinstance(to, str):
        raise invalid("The parameter to is required.")
    digits = "".join(ch for ch in to if ch.isdigit())
    leftover = to.strip().lstrip("+")
    if any(not (ch.isdigit() or ch in " -().") for ch in leftover) or not 8 <= len(digits) <= 15:
        raise invalid(f"Invalid parameter: to ({to!r} is not a phone number).")
    return digits


def _text(value: Any, name: str, *, limit: int, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(f"The parameter {name} is required and must be a non-empty string.")
    if len(value) > limit:
        raise invalid(f"Param {name} must be at most {limit} characters long.")


def _media_object(content: Any, kind: str, state: GraphState) -> None:
    if not isinstance(content, dict):
        raise invalid(f"The parameter {kind} is required.")
    link, media_id = content.get("link"), content.get("id")
    if (link is None) == (media_id is None):
        raise invalid(f"Param {kind} must have exactly one of link or id.")
    if link is not None:
        parts = urlsplit(str(link))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise invalid(f"Param {kind}.link must be a valid URL.")
    else:
        media = state.get_media(str(media_id))
        if media is None:
            raise invalid(f"Param {kind}.id is not a valid media id.")
        if kind == "image" and media.mime_type not in IMAGE_TYPES:
            raise invalid("Param image must be of type image/jpeg or image/png.")
    _text(content.get("caption"), f"{kind}.caption", limit=1024, required=False)
    if kind == "document":
        _text(content.get("filename"), "document.filename", limit=240, required=False)


def _template(content: Any) -> None:
    if not isinstance(content, dict):
        raise invalid("The parameter template is required.")
    _text(content.get("name"), "template.name", limit=512)
    language = content.get("language")
    if not isinstance(language, dict) or not isinstance(language.get("code"), str):
        raise invalid("The parameter template.language.code is required.")
    components = content.get("components", [])
    if not isinstance(components, list) or not all(
        isinstance(c, dict) and isinstance(c.get("type"), str) for c in components
    ):
        raise invalid("Param template.components must be a list of objects with a type.")
    check_parameters(content)  # one-line text parameters (132018): peers/graph_api/catalogue.py


# Interactive messages (reply buttons, list messages), with the Cloud API's limits. A value over
# a limit is refused as Meta refuses it: 131009 (Parameter value is not valid) naming the limit;
# a missing required part 131008 (Required parameter is missing).
INTERACTIVE_BODY = 1024
INTERACTIVE_HEADER = 60
INTERACTIVE_FOOTER = 60
BUTTONS_MAX = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
LIST_BUTTON = 20
LIST_SECTIONS_MAX = 10
LIST_ROWS_MAX = 10
SECTION_TITLE = 24
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200


def _missing(name: str) -> GraphError:
    return GraphError(131008, f"Required parameter is missing: {name}.")


def _not_valid(details: str) -> GraphError:
    return GraphError(131009, f"Parameter value is not valid: {details}")


def _limited(value: Any, name: str, limit: int, *, required: bool = True) -> str:
    """A string part of an interactive message, at most `limit` characters."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _missing(name)
        return ""
    if not isinstance(value, str):
        raise invalid(f"Param {name} must be a string.")
    if len(value) > limit:
        raise _not_valid(f"{name} length is too long. Max length is {limit}.")
    return value


def _interactive(content: Any) -> None:
    if not isinstance(content, dict):
        raise _missing("interactive")
    kind = content.get("type")
    if kind not in ("button", "list"):
        raise invalid("Param interactive.type must be one of button, list.")
    body = content.get("body")
    _limited(body.get("text") if isinstance(body, dict) else None, "body.text", INTERACTIVE_BODY)
    header = content.get("header")
    if header is not None:
        if not isinstance(header, dict) or header.get("type") != "text":
            raise invalid("Param interactive.header must be a text header.")
        _limited(header.get("text"), "header.text", INTERACTIVE_HEADER)
    footer = content.get("footer")
    if footer is not None:
        text = footer.get("text") if isinstance(footer, dict) else None
        _limited(text, "footer.text", INTERACTIVE_FOOTER)
    action = content.get("action")
    if not isinstance(action, dict):
        raise _missing("action")
    if kind == "button":
        _reply_buttons(action)
    else:
        _list_action(action)


def _reply_buttons(action: dict[str, Any]) -> None:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not buttons:
        raise _missing("action.buttons")
    if len(buttons) > BUTTONS_MAX:
        raise _not_valid(f"Buttons count exceed max allowed count: {BUTTONS_MAX}.")
    ids, titles = set(), set()
    for button in buttons:
        if not isinstance(button, dict) or button.get("type") != "reply":
            raise invalid("Param action.buttons[].type must be reply.")
        reply = button.get("reply")
        if not isinstance(reply, dict):
            raise _missing("action.buttons[].reply")
        ids.add(_limited(reply.get("id"), "button id", BUTTON_ID))
        titles.add(_limited(reply.get("title"), "button title", BUTTON_TITLE))
    if len(ids) != len(buttons):
        raise _not_valid("Button IDs must be unique.")
    if len(titles) != len(buttons):
        raise _not_valid("Button titles must be unique.")


def _list_action(action: dict[str, Any]) -> None:
    _limited(action.get("button"), "action.button", LIST_BUTTON)
    sections = action.get("sections")
    if not isinstance(sections, list) or not sections:
        raise _missing("action.sections")
    if len(sections) > LIST_SECTIONS_MAX:
        raise _not_valid(f"Sections count exceed max allowed count: {LIST_SECTIONS_MAX}.")
    ids: set[str] = set()
    count = 0
    for section in sections:
        if not isinstance(section, dict):
            raise invalid("Param action.sections[] must be an object.")
        _limited(section.get("title"), "section title", SECTION_TITLE, required=len(sections) > 1)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise _missing("action.sections[].rows")
        for row in rows:
            if not isinstance(row, dict):
                raise invalid("Param action.sections[].rows[] must be an object.")
            ids.add(_limited(row.get("id"), "row id", ROW_ID))
            _limited(row.get("title"), "row title", ROW_TITLE)
            _limited(row.get("description"), "row description", ROW_DESCRIPTION, required=False)
        count += len(rows)
    if count > LIST_ROWS_MAX:
        raise _not_valid(f"Total row count exceed max allowed count: {LIST_ROWS_MAX}.")
    if len(ids) != count:
        raise _not_valid("Row IDs must be unique.")


def check_message(body: Any, state: GraphState) -> tuple[str, str]:
    """The message type and the recipient's wa_id, or a GraphError for a malformed body."""
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    if body.get("messaging_product") != "whatsapp":
        raise invalid("The parameter messaging_product is required and must be whatsapp.")
    if body.get("recipient_type", "individual") != "individual":
        raise invalid("Param recipient_type must be individual.")
    wa_id = normalize_number(body.get("to"))
    _text(
        body.get("biz_opaque_callback_data"), "biz_opaque_callback_data", limit=512, required=False
    )
    kind = body.get("type", "text")
    if kind in OTHER_TYPES:
        raise GraphError(131051, f"This local server does not simulate messages of type {kind}.")
    if kind not in SUPPORTED_TYPES:
        raise invalid(f"Param type must be one of {', '.join(SUPPORTED_TYPES + OTHER_TYPES)}.")
    content = body.get(kind)
    if kind == "text":
        if not isinstance(content, dict):
            raise invalid("The parameter text is required.")
        _text(content.get("body"), "text.body", limit=4096)
        if not isinstance(content.get("preview_url", False), bool):
            raise invalid("Param text.preview_url must be a boolean.")
    elif kind == "template":
        _template(content)
    elif kind == "interactive":
        _interactive(content)
    else:
        _media_object(content, kind, state)
    return kind, wa_id


def delivery_error(
    state: GraphState, phone_number_id: str, kind: str, wa_id: str, body: dict[str, Any]
) -> GraphError | None:
    """The error WhatsApp's rules give this message, if any."""
    if kind == "template":
        name = str(body["template"]["name"])
        language = body["template"]["language"]["code"]
        definition = state.template_definition(name, language)
        if not state.template_exists(name) or (definition is None and state.templates_listed()):
            return GraphError(132001, f"template name ({name}) does not exist in {language}")
        if definition is not None:  # the account's catalogue: status, parameters, header
            error = template_error(definition, body["template"])
            if error is not None:
                return error
    if wa_id.endswith("0000") or wa_id.startswith("0"):
        return GraphError(131026, "Message Undeliverable.")
    if kind != "template" and not state.in_window(phone_number_id, wa_id, time.time()):
        return GraphError(
            131047,
            "Message failed to send because more than 24 hours have passed since the "
            "customer last replied to this number.",
        )
    return None


@dataclass
class FormPart:
    name: str
    filename: str | None
    content_type: str
    data: bytes


def parse_multipart(content_type: str, body: bytes) -> dict[str, FormPart]:
    """The parts of a multipart/form-data body, by field name."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise invalid("The request must be multipart/form-data.")
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise invalid("The multipart body is malformed.")
    parts: dict[str, FormPart] = {}
    for chunk in chunks[1:-1]:
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise invalid("The multipart body is malformed.")
        headers = Message()
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip()] = value.strip()
        name = headers.get_param("name", header="content-disposition")
        filename = headers.get_param("filename", header="content-disposition")
        if not isinstance(name, str):
            raise invalid("Every multipart part needs a name.")
        parts[name] = FormPart(
            name=name,
            filename=filename if isinstance(filename, str) else None,
            content_type=headers.get_content_type(),
            data=data,
        )
    return parts


def check_upload(parts: dict[str, FormPart]) -> tuple[bytes, str, str]:
    """The file's bytes, MIME type and name from an upload, or a GraphError."""
    product = parts.get("messaging_product")
    if product is None or product.data != b"whatsapp":
        raise invalid("The parameter messaging_product is required and must be whatsapp.")
    upload = parts.get("file")
    if upload is None or upload.filename is None:
        raise invalid("The parameter file is required.")
    declared = parts.get("type")
    mime_type = declared.data.decode("latin-1").strip() if declared else upload.content_type
    limit = MEDIA_LIMITS.get(mime_type)
    if limit is None:
        raise GraphError(131053, f"Unsupported file type {mime_type}.")
    if not upload.data:
        raise GraphError(131053, "The uploaded file is empty.")
    if len(upload.data) > limit:
        raise GraphError(
            131053, f"File is too big: {mime_type} files may be at most {limit} bytes."
        )
    return upload.data, mime_type, upload.filename
