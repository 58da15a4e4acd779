"""What a conversation remembers between messages (`Conversation.data`), one type per state.

The JSON kept in `Conversation.data` is the one these types write: the same keys as before they
were typed, so conversations stored by an earlier release read on. An empty `data` is the menu.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class StagedUpload:
    """A file the citizen sent, kept in storage until the application is sent or dropped."""

    path: str
    mime: str
    filename: str
    media_id: str = ""  # the WhatsApp media id it came with (kept on its attachment)


@dataclass
class ApplicationForm:
    """Filling in an application (FIELDS, FILES, CONFIRM): the answers so far, the files per
    requirement (None when an optional one was skipped), the question being asked, and which
    citizen's message (WhatsApp message id) gave each answer (`sources`: a field's key, or
    `file_source(key)` for a file), so an edited or deleted message can be applied."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, StagedUpload | None] = field(default_factory=dict)
    index: int = 0
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApplicationForm:
        return cls(
            fields=dict(data.get("fields") or {}),
            files={
                key: StagedUpload(**stored) if stored else None
                for key, stored in (data.get("files") or {}).items()
            },
            index=int(data.get("index", 0)),
            sources=dict(data.get("sources") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": dict(self.fields),
            "files": {key: asdict(file) if file else None for key, file in self.files.items()},
            "index": self.index,
            "sources": dict(self.sources),
        }

    def answered_by(self, message_id: str) -> str | None:
        """The field key or `file_source(key)` that the message `message_id` answered."""
        return next((key for key, source in self.sources.items() if source == message_id), None)

    def staged_paths(self) -> list[str]:
        return [file.path for file in self.files.values() if file is not None]


def file_source(requirement_key: str) -> str:
    """The key under which `ApplicationForm.sources` keeps the message that sent a file."""
    return f"file:{requirement_key}"


@dataclass
class Resubmission:
    """Sending the papers an application was returned for (RESUBMIT): the application, the
    requirement the next file is for, and how many files were added."""

    application_id: int
    requirement_key: str | None = None
    added: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Resubmission:
        return cls(
            application_id=int(data["application"]),
            requirement_key=data.get("key") or None,
            added=int(data.get("added", 0)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "application": self.application_id,
            "key": self.requirement_key,
            "added": self.added,
        }


@dataclass
class ComplaintForm:
    """Filing a complaint: the question being asked (`step`: name, text, application, confirm)
    and the answers so far."""

    step: str = "name"
    name: str = ""
    text: str = ""
    application: str = ""  # the related application's tracking number, or empty
    # Which citizen's message (WhatsApp message id) gave each answer: name, text, application.
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ComplaintForm:
        return cls(
            step=str(data.get("step", "")),
            name=str(data.get("name", "")),
            text=str(data.get("text", "")),
            application=str(data.get("application", "")),
            sources=dict(data.get("sources") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
