"""The row filters built into every template (core/templatetags/display.py) print what
Django's ``date`` filter and ``get_FOO_display`` print, at a fraction of the cost."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from lienhe213.members.models import Member
from lienhe213.registry.models import ResidenceLink


def render(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2025, 3, 7),
        datetime.date(999, 12, 31),
        None,
        "",
        "2025-03-07",
        datetime.datetime(2025, 3, 7, 23, 59),
    ],
)
def test_dmy_prints_what_the_date_filter_prints(value):
    assert render("{{ v|dmy }}", v=value) == render('{{ v|date:"d/m/Y" }}', v=value)


def test_dmy_prints_a_moment_by_its_local_day():
    # 18:30 UTC on 6 March is 01:30 on 7 March in Hà Nội.
    moment = datetime.datetime(2025, 3, 6, 18, 30, tzinfo=datetime.UTC)
    with timezone.override("Asia/Ho_Chi_Minh"):
        assert render("{{ v|dmy }}", v=moment) == "07/03/2025"
        assert render('{{ v|date:"d/m/Y" }}', v=moment) == "07/03/2025"


def test_label_is_the_translated_label_of_the_choice():
    link = ResidenceLink(status=ResidenceLink.Status.ASSIGNED)
    member = Member(gender=Member.Gender.FEMALE)
    for language in ("vi", "en"):
        with translation.override(language):
            assert render('{{ l|label:"status" }}', l=link) == link.get_status_display()
            assert render('{{ m|label:"gender" }}', m=member) == member.get_gender_display()
    with translation.override("vi"):
        assert render('{{ m|label:"gender" }}', m=member) == "Nữ"


def test_label_of_a_value_outside_the_choices_is_the_value():
    link = ResidenceLink(status="lost")
    assert render('{{ l|label:"status" }}', l=link) == "lost" == link.get_status_display()
