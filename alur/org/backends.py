"""Which backend of each national-system port an office runs on: its own choice, or the
deployment's default from settings. The ports themselves live with their apps: signing in
`alur.tte`, the register of record in `alur.registry`, identity checks in `alur.registry`."""

from __future__ import annotations

from typing import Literal

from django.conf import settings

from alur.org.models import Office

__all__ = [
    "BACKEND_LABELS",
    "IdentityBackend",
    "RegistryBackend",
    "SigningBackend",
    "identity_backend",
    "registry_backend",
    "signing_backend",
]

SigningBackend = Literal["local", "bsre"]
RegistryBackend = Literal["standalone", "siak"]
IdentityBackend = Literal["standalone", "webservice"]

BACKEND_LABELS: dict[str, dict[str, str]] = {
    "signing": dict(Office._meta.get_field("signing_backend").choices),  # type: ignore[arg-type]  # choices is a list of pairs
    "registry": dict(Office._meta.get_field("registry_backend").choices),  # type: ignore[arg-type]  # choices is a list of pairs
    "identity": dict(Office._meta.get_field("identity_backend").choices),  # type: ignore[arg-type]  # choices is a list of pairs
}


def _pick(value: str, default: str | None, allowed: tuple[str, ...]) -> str:
    chosen = value or (default or "")
    return chosen if chosen in allowed else allowed[0]


def signing_backend(office: Office | None) -> SigningBackend:
    """ "bsre" or "local" for documents signed in `office`."""
    value = office.signing_backend if office is not None else ""
    return _pick(value, settings.TTE_BACKEND, ("local", "bsre"))  # type: ignore[return-value]  # one of allowed


def registry_backend(office: Office | None) -> RegistryBackend:
    """ "siak" or "standalone": whether `office` records SIAK's numbers or makes its own."""
    value = office.registry_backend if office is not None else ""
    return _pick(value, settings.REGISTRY_BACKEND, ("standalone", "siak"))  # type: ignore[return-value]  # one of allowed


def identity_backend(office: Office | None) -> IdentityBackend:
    """ "webservice" or "standalone": where `office` checks a resident's identity."""
    value = office.identity_backend if office is not None else ""
    return _pick(value, settings.IDENTITY_BACKEND, ("standalone", "webservice"))  # type: ignore[return-value]  # one of allowed
