"""Demo screening records for `seed_demo`."""

import datetime

from django.utils import timezone

from .audit import save_with_audit
from .models import ScreeningRecord

DEMO_PASSWORD = "trialsite-demo-2026"

DEMO_RECORDS = [
    # initials, indication, sex, date of birth, days before today of the screening visit
    ("LM", "SLE", "F", datetime.date(1988, 3, 14), 5),
    ("KT", "AAV", "M", datetime.date(1969, 11, 2), 8),
    ("RD", "IIM", "F", datetime.date(1975, 7, 21), 3),
    ("WS", "DCSSC", "F", datetime.date(1981, 1, 9), 10),
]


def seed_records(site):
    if ScreeningRecord.objects.filter(site=site).exists():
        return
    today = timezone.localdate()
    for initials, indication, sex, dob, days in DEMO_RECORDS:
        screening = today - datetime.timedelta(days=days)
        record = ScreeningRecord(
            site=site, initials=initials, indication=indication, sex=sex, date_of_birth=dob,
            screening_date=screening, consent_date=screening - datetime.timedelta(days=1),
            consent_version="v2.0",
        )
        save_with_audit(record, None, "Demo data")
