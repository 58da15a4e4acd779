"""The letterhead (kop) every printed document of an office carries: its government, its agency
and, below them, its address or its full contacts. Drawn by `core/kop.html` (through the
`{% letterhead %}` tag) in HTML-rendered PDFs, and read line by line by those drawn directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

NBSP = "\u00a0"

# What is printed under the agency's name: nothing, the street address, or the address with
# city, postal code and the office's telephone, e-mail and web site (naskah dinas).
NONE, ADDRESS, CONTACTS = "", "address", "contacts"

__all__ = ["ADDRESS", "CONTACTS", "NONE", "Kop", "letterhead_context", "letterhead_html"]


@dataclass(frozen=True)
class Kop:
    """The letterhead (kop naskah dinas)."""

    government: str
    agency: str
    address: str
    city: str
    postal_code: str
    phone: str
    email: str
    website: str

    @classmethod
    def of(cls, office: Any) -> Kop:
        """The letterhead of an `alur.org.models.Office` (reads its attributes only)."""
        if isinstance(office, Kop):
            return office

        def value(name: str) -> str:
            return str(getattr(office, name, "") or "")

        return cls(
            government=value("kop_government"),
            agency=value("kop_agency") or value("name"),
            address=value("address"),
            city=value("city"),
            postal_code=value("postal_code"),
            phone=value("phone"),
            email=value("email"),
            website=value("website"),
        )

    def contact_lines(self) -> list[str]:
        """The address and contact lines under the agency's name."""
        place = NBSP.join(part for part in (self.city, self.postal_code) if part)
        first = ", ".join(part for part in (self.address, place) if part)
        contacts = [
            f"{label}{NBSP}{value}"
            for label, value in (
                ("Telepon", self.phone),
                ("Pos-el", self.email),
                ("Laman", self.website),
            )
            if value
        ]
        return [line for line in (first, " · ".join(contacts)) if line]

    def lines(self, below: str = NONE) -> list[str]:
        """What is printed under the agency's name (`NONE`, `ADDRESS` or `CONTACTS`)."""
        if below == CONTACTS:
            return self.contact_lines()
        if below == ADDRESS:
            return [self.address] if self.address else []
        return []


def letterhead_context(source: Any, below: str = NONE) -> dict[str, Any]:
    """What `core/kop.html` draws: the letterhead of an office (or a `Kop`) and its lines."""
    kop = Kop.of(source)
    return {"kop": kop, "lines": kop.lines(below)}


def letterhead_html(source: Any, below: str = NONE) -> str:
    """The letterhead as HTML, for documents not rendered from a template."""
    return render_to_string("core/kop.html", letterhead_context(source, below))
