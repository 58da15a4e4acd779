"""Which kind of requirement (an image or a PDF, `catalogue.Kind`) an accepted file answers.

Files are checked by `alur.core.uploads.check_upload`, as every upload is; a service's
requirement then says which kinds it takes.
"""

from __future__ import annotations

from alur.core.uploads import JPEG, PDF, PNG, CheckedFile
from alur.intake.catalogue import Kind

KINDS = {JPEG: Kind.IMAGE, PNG: Kind.IMAGE, PDF: Kind.PDF}


def kind_of(checked: CheckedFile) -> Kind:
    """The requirement kind of an accepted file, from the type its bytes show."""
    return KINDS[checked.mime]
