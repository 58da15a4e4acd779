"""The conversations a business number holds, one per purpose (`BusinessNumber.purpose`).

Every inbound message is dispatched here by its number's purpose: applications (the citizen
applies for a document), complaints (the reporter files a complaint) or reports (a kab/kota
sends its filled report form to the province's number; any other message on that number is
answered as on an applications number without services).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alur.whatsapp.dialogs import applications, complaints, reports
from alur.whatsapp_cloud.models import BusinessNumber

if TYPE_CHECKING:
    from alur.whatsapp.conversation import Fetched, Turn


@dataclass(frozen=True)
class PurposeDialog:
    """What a purpose's conversation does: greet (`menu`), answer one turn (`respond`),
    optionally take a message whole before any conversation (`take`, True when it did), and
    apply an edited or deleted message where it still holds it (`revise`, True when it did)."""

    menu: Callable[[Turn], None]
    respond: Callable[[Turn, str, Fetched | None], None]
    take: Callable[[int], bool] | None = None
    revise: Callable[[Turn, str, str | None], bool] | None = None
    # Ask the question the conversation stands at once more (the menu when at the menu).
    again: Callable[[Turn], None] | None = None


Purpose = BusinessNumber.Purpose
DIALOGS: dict[str, PurposeDialog] = {
    Purpose.APPLICATIONS: PurposeDialog(
        applications.menu,
        applications.respond,
        revise=applications.revise,
        again=applications.again,
    ),
    Purpose.COMPLAINTS: PurposeDialog(
        complaints.menu, complaints.respond, revise=complaints.revise, again=complaints.again
    ),
    Purpose.REPORTS: PurposeDialog(
        applications.menu,
        applications.respond,
        take=reports.document_receive,
        revise=applications.revise,
        again=applications.again,
    ),
}


def dialog_for(number: BusinessNumber) -> PurposeDialog:
    return DIALOGS[number.purpose]
