"""The rules every app asks in one place: the kind of an organization, and where a
service's refusal shows on a form."""

import pytest
from django import forms

from lienhe213.core.errors import DomainError
from lienhe213.core.forms import DomainErrorMixin


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # (provincial committee, commune committee, residential cell, tracking book, workplace)
        ("province", (True, False, False, False, False)),
        ("commune_a_committee", (False, True, False, True, False)),
        ("cell_a2", (False, False, True, True, False)),
        ("workplace", (False, False, False, False, True)),
        ("workplace_cell", (False, False, False, False, False)),
    ],
)
def test_organization_predicates(world, name, expected):
    org = getattr(world, name)

    assert (
        org.is_provincial_committee,
        org.is_commune_committee,
        org.is_residential_cell,
        org.has_tracking_book,
        org.is_workplace_unit,
    ) == expected


class StepForm(DomainErrorMixin, forms.Form):
    on = forms.DateField()
    note = forms.CharField(required=False)
    aliases = {"date": "on", "member": None}


@pytest.mark.parametrize(
    ("field", "errors"),
    [
        ("date", {"on": ["Too early."]}),
        ("note", {"note": ["Too early."]}),
        ("member", {"__all__": ["Too early."]}),
        ("cell", {"__all__": ["Too early."]}),
        (None, {"__all__": ["Too early."]}),
    ],
)
def test_a_refusal_shows_on_the_field_it_names(field, errors):
    form = StepForm({"on": "2025-03-10"})
    form.is_valid()

    form.add_domain_error(DomainError("Too early.", field=field))

    assert form.errors == errors
