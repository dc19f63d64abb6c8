"""The project's select widget (templates/django/forms/widgets/select.html) writes its
options inline: the markup is Django's own but for the blank lines between options."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates


class Choices(forms.Form):
    single = forms.ChoiceField(
        choices=[("", "—"), ("x", "Xã <A> & “B”"), ("Nhóm", [("1", "Một"), ("2", "Hai")])],
        initial="2",
        widget=forms.Select(attrs={"class": "wide", "disabled": True, "data-x": False}),
    )
    several = forms.MultipleChoiceField(choices=[("1", "Một"), ("2", "Hai")], initial=["1", "2"])


def without_blank_lines(html):
    return re.sub(r"\n\s*\n", "\n", html)


def test_the_select_renders_as_djangos_own_select():
    for name in ("single", "several"):
        ours = Choices()[name].as_widget()
        djangos = Choices(renderer=DjangoTemplates())[name].as_widget()

        assert ours != djangos  # the project's template is the one used
        assert ours == without_blank_lines(djangos)
    assert '<option value="2" selected>Hai</option>' in Choices()["single"].as_widget()
    assert "Xã &lt;A&gt; &amp; “B”" in Choices()["single"].as_widget()
