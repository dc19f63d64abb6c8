"""Deadlines in working days: weekends and public holidays are skipped."""

import datetime

from lienhe213.registry.holidays import add_working_days, letter_deadline
from lienhe213.registry.models import DeadlinePolicy, PublicHoliday

FRIDAY = datetime.date(2025, 4, 4)


def test_a_weekend_is_skipped():
    assert add_working_days(FRIDAY, 1, set()) == datetime.date(2025, 4, 7)


def test_a_weekend_and_a_holiday_are_skipped():
    hung_kings = datetime.date(2025, 4, 7)

    assert add_working_days(FRIDAY, 2, {hung_kings}) == datetime.date(2025, 4, 9)


def test_zero_days_is_the_start():
    assert add_working_days(FRIDAY, 0, set()) == FRIDAY


def test_the_seeded_calendar_covers_2023_to_2027(db):
    national = PublicHoliday.objects.filter(province__isnull=True)

    assert sorted({d.year for d in national.values_list("date", flat=True)}) == [
        2023,
        2024,
        2025,
        2026,
        2027,
    ]
    for year in range(2023, 2028):
        for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
            assert national.filter(date=datetime.date(year, month, day)).exists()
    assert national.get(date=datetime.date(2025, 4, 7)).name == "Giỗ Tổ Hùng Vương"
    assert national.filter(name="Tết Nguyên đán", date__year=2026).count() == 9


def test_letter_deadline_follows_the_provinces_policy_and_holidays(world):
    DeadlinePolicy.objects.create(province=world.province, letter_deadline_working_days=2)

    # Friday, then the weekend and Hùng Kings day (Monday 7 April 2025)
    assert letter_deadline(world.workplace, FRIDAY) == datetime.date(2025, 4, 9)


def test_a_provincial_holiday_counts_only_in_its_province(world):
    DeadlinePolicy.objects.create(province=world.province, letter_deadline_working_days=1)
    monday = datetime.date(2025, 3, 10)
    PublicHoliday.objects.create(date=monday, name="Ngày lễ của tỉnh", province=world.province)

    assert letter_deadline(world.workplace, datetime.date(2025, 3, 7)) == datetime.date(2025, 3, 11)
    other = PublicHoliday.objects.get(date=monday)
    other.province = None
    other.save()
    PublicHoliday.objects.filter(date=monday).update(
        province=world.workplace  # not a province: ignored for the workplace's province
    )
    assert letter_deadline(world.workplace, datetime.date(2025, 3, 7)) == monday


def test_default_deadline_is_30_working_days(world):
    # 30 working days from Monday 3 March 2025: five weekends and 7 April skipped
    assert letter_deadline(world.workplace, datetime.date(2025, 3, 3)) == datetime.date(2025, 4, 15)
