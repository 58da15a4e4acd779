from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from alur.documents.models import CitizenDocument
from alur.org.access import Capability, scope
from alur.org.models import User


def documents_of(user: User | AnonymousUser) -> QuerySet[CitizenDocument]:
    return scope(CitizenDocument.objects.all(), user, Capability.HANDLE_CASES).select_related(
        "case", "case__sop", "office", "resident", "family", "issued"
    )


def document_for(user: User | AnonymousUser, pk: int) -> CitizenDocument:
    """Document `pk` when `user` handles cases in its office; 404 otherwise."""
    document = documents_of(user).filter(pk=pk).first()
    if document is None:
        raise Http404("Dokumen tidak ditemukan.")
    return document
