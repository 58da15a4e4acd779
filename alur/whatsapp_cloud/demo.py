"""Way Kanan's WhatsApp service numbers (seed 002), and the Babel province office's number for
letters and reports, as demo business numbers.

The phone_number_id values and their WhatsApp Business Account are the local Graph API
server's; a real deployment takes them from Meta's WhatsApp Manager. The complaints number is
not printed in the seed: a demo one is used.
"""

from __future__ import annotations

from alur.org.models import Office
from alur.whatsapp_cloud.models import DEMO_WABA_ID, BusinessNumber
from alur.whatsapp_cloud.services import business_number_create

APPLICATIONS = BusinessNumber.Purpose.APPLICATIONS
NUMBERS = [
    ("18.08", "108117961500", "08117961500", "KK dan SKPWNI", ["S2a", "S2b"], APPLICATIONS),
    ("18.08", "108117961600", "08117961600", "KTP-el dan KIA", ["S2c", "S2d"], APPLICATIONS),
    ("18.08", "108117961700", "08117961700", "Akta kelahiran", ["S2e"], APPLICATIONS),
    ("18.08", "108117961800", "08117961800", "Akta kematian", ["S2f"], APPLICATIONS),
    (
        "18.08",
        "108117961900",
        "08117961900",
        "Pengaduan (nomor demo)",
        ["S2g"],
        BusinessNumber.Purpose.COMPLAINTS,
    ),
    (
        "19",
        "107174210000",
        "0717421000",
        "Naskah dan laporan (nomor demo)",
        [],
        BusinessNumber.Purpose.REPORTS,
    ),
]


def load_numbers() -> int:
    created = 0
    for code, phone_number_id, display, label, services, purpose in NUMBERS:
        if BusinessNumber.objects.filter(phone_number_id=phone_number_id).exists():
            continue
        business_number_create(
            office=Office.objects.get(code=code),
            phone_number_id=phone_number_id,
            display_number=display,
            label=label,
            service_codes=services,
            purpose=purpose,
            waba_id=DEMO_WABA_ID,
        )
        created += 1
    return created
