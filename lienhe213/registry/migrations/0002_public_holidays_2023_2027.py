"""The national days off of 2023–2027 (Labour Code 2019, Art. 112), with the
compensatory and swapped days the government announced for each year.

2027 follows the Labour Code and the pattern of earlier years until the official
calendar is published; provinces and administrators edit the calendar afterwards.
"""

import datetime

from django.db import migrations

NEW_YEAR = "Tết Dương lịch"
TET = "Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương"
REUNIFICATION = "Ngày Giải phóng miền Nam, thống nhất đất nước"
LABOUR_DAY = "Ngày Quốc tế Lao động"
NATIONAL_DAY = "Quốc khánh"
COMPENSATORY = " (nghỉ bù)"


def _span(first: str, last: str, name: str) -> list[tuple[str, str]]:
    start = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last)
    days = (end - start).days
    return [((start + datetime.timedelta(days=n)).isoformat(), name) for n in range(days + 1)]


HOLIDAYS: list[tuple[str, str]] = [
    # 2023
    ("2023-01-01", NEW_YEAR),
    ("2023-01-02", NEW_YEAR + COMPENSATORY),
    *_span("2023-01-20", "2023-01-26", TET),
    ("2023-04-29", HUNG_KINGS),
    ("2023-04-30", REUNIFICATION),
    ("2023-05-01", LABOUR_DAY),
    ("2023-05-02", HUNG_KINGS + COMPENSATORY),
    ("2023-05-03", REUNIFICATION + COMPENSATORY),
    ("2023-09-01", NATIONAL_DAY),
    ("2023-09-02", NATIONAL_DAY),
    ("2023-09-04", NATIONAL_DAY + COMPENSATORY),
    # 2024
    ("2024-01-01", NEW_YEAR),
    *_span("2024-02-08", "2024-02-14", TET),
    ("2024-04-18", HUNG_KINGS),
    ("2024-04-29", REUNIFICATION + " (nghỉ hoán đổi)"),
    ("2024-04-30", REUNIFICATION),
    ("2024-05-01", LABOUR_DAY),
    ("2024-09-02", NATIONAL_DAY),
    ("2024-09-03", NATIONAL_DAY),
    # 2025
    ("2025-01-01", NEW_YEAR),
    *_span("2025-01-25", "2025-02-02", TET),
    ("2025-04-07", HUNG_KINGS),
    ("2025-04-30", REUNIFICATION),
    ("2025-05-01", LABOUR_DAY),
    ("2025-05-02", LABOUR_DAY + " (nghỉ hoán đổi)"),
    ("2025-09-01", NATIONAL_DAY),
    ("2025-09-02", NATIONAL_DAY),
    # 2026
    ("2026-01-01", NEW_YEAR),
    *_span("2026-02-14", "2026-02-22", TET),
    ("2026-04-26", HUNG_KINGS),
    ("2026-04-27", HUNG_KINGS + COMPENSATORY),
    ("2026-04-30", REUNIFICATION),
    ("2026-05-01", LABOUR_DAY),
    ("2026-09-01", NATIONAL_DAY),
    ("2026-09-02", NATIONAL_DAY),
    # 2027 (Labour Code pattern; confirm against the official calendar)
    ("2027-01-01", NEW_YEAR),
    *_span("2027-02-04", "2027-02-10", TET),
    ("2027-04-16", HUNG_KINGS),
    ("2027-04-30", REUNIFICATION),
    ("2027-05-01", LABOUR_DAY),
    ("2027-05-03", LABOUR_DAY + COMPENSATORY),
    ("2027-09-02", NATIONAL_DAY),
    ("2027-09-03", NATIONAL_DAY),
]


def seed(apps, schema_editor):
    PublicHoliday = apps.get_model("registry", "PublicHoliday")
    PublicHoliday.objects.bulk_create(
        PublicHoliday(date=datetime.date.fromisoformat(day), name=name, province=None)
        for day, name in HOLIDAYS
    )


def unseed(apps, schema_editor):
    PublicHoliday = apps.get_model("registry", "PublicHoliday")
    PublicHoliday.objects.filter(
        province__isnull=True,
        date__in=[datetime.date.fromisoformat(day) for day, _name in HOLIDAYS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_tracking_book")]

    operations = [migrations.RunPython(seed, unseed)]
