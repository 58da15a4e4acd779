from alur.letters.models_letter import (  # noqa: F401
    Letter,
    LetterEvent,
    LetterVersion,
    ParafSlot,
    Recipient,
)
from alur.letters.models_numbering import IssuedNumber, NumberSeries  # noqa: F401
