"""Forms of the tracking-book pages: one small form per step of a residence link.

Forms only read input and narrow choices to what the user may use; every rule lives in
``registry.services``. Each step form carries the link's ``version`` so that a step
taken on a stale page is refused by the service instead of overwriting a newer one.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienhe213.accounts.access import AnyUser, Capability
from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.core.text import numbered_sort_key
from lienhe213.members.models import Member
from lienhe213.organizations.models import Community, Organization
from lienhe213.registry.models import REASONS_BY_CATEGORY, Category, Reason, ResidenceLink

_DATE = DateInput()


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=_DATE,
        initial=timezone.localdate if required else None,
    )


def _reason_choices(categories: tuple[str, ...]) -> list[tuple[Any, Any]]:
    """The reasons grouped under their category, so the choice shows which fits."""
    choices: list[tuple[Any, Any]] = [("", _("No reason (normal member)"))]
    for category in categories:
        label = Category(category).label
        choices.append((label, [(r, Reason(r).label) for r in REASONS_BY_CATEGORY[category]]))
    return choices


# Steps that look alike on the link's page, each with one line saying what it means.
STEP_HINTS = {
    "present": _(
        "The member handed the letter in: the date is noted; the commune has not yet "
        "accepted the member."
    ),
    "receive": _(
        "The commune accepts the letter and lists the member in its book; next, assign a cell."
    ),
}


class StepForm(DomainErrorMixin, forms.Form):
    """A step on one link: its date and the version of the link the page showed. The
    step is the form's prefix; ``hint`` tells it apart from a look-alike step."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    on = _date(_("Date"))

    # The services name their inputs; the form names some of them differently.
    aliases = {"date": "on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hint = STEP_HINTS.get(self.prefix or "", "")


class ReturnForm(StepForm):
    reason = forms.CharField(label=_("Reason for return"), max_length=255)


def residential_cells(commune: Organization) -> "QuerySet[Organization]":
    """The current residential cells of ``commune``, the choices of a cell to assign."""
    return (
        Organization.objects.current()
        .in_subtree(commune)
        .filter(kind=Organization.Kind.CELL, side=Organization.Side.RESIDENTIAL)
        .exclude(pk=commune.pk)
        .order_by("name", "pk")
    )


class AssignForm(StepForm):
    """The cells of the commune in the order of their numbers ("Tổ 2" before "Tổ 10"),
    none chosen, except the cell of the member's own community (from the address),
    which is suggested; ``suggested`` is that cell, or None."""

    cell = forms.ModelChoiceField(
        label=_("Residential cell"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose a cell"),
    )

    def __init__(self, *args: Any, link: ResidenceLink, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cell"]
        cells = residential_cells(link.residence_commune_organization).select_related("community")
        field.queryset = cells  # type: ignore[attr-defined]
        ordered = sorted(cells, key=lambda cell: numbered_sort_key(cell.name))
        field.choices = [("", field.empty_label), *((c.pk, c.name) for c in ordered)]  # type: ignore[attr-defined]
        community = link.member.residence_community_id
        matches = [c for c in ordered if community and c.community_id == community]
        self.suggested = matches[0] if len(matches) == 1 else None
        if self.suggested is not None:
            self.initial.setdefault("cell", self.suggested.pk)
            field.help_text = _(
                "Suggested from the member's address: %(cell)s is the cell of %(community)s."
            ) % {"cell": self.suggested.name, "community": self.suggested.community}


class MoveForm(StepForm):
    residence_commune = forms.ModelChoiceField(
        label=_("New residence commune committee"), queryset=Organization.objects.none()
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, link: ResidenceLink, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residence_commune"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.current()
            .filter(kind=Organization.Kind.GRASSROOTS_COMMITTEE, side=Organization.Side.RESIDENTIAL)
            .exclude(pk=link.residence_commune_organization_id)
            .order_by("name", "pk")
        )


class ChangeWorkplaceForm(StepForm):
    workplace = forms.ModelChoiceField(
        label=_("New workplace committee"), queryset=Organization.objects.none()
    )

    def __init__(self, *args: Any, link: ResidenceLink, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces_of(user).exclude(  # type: ignore[attr-defined]
            pk=link.workplace_organization_id
        )


class ExemptForm(StepForm):
    on = _date(_("Decision date"))
    category = forms.ChoiceField(
        label=_("Category"), choices=[(c, Category(c).label) for c in (Category.A, Category.B)]
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=_reason_choices((Category.A, Category.B)))
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=Organization.objects.none())
    valid_until = _date(_("Valid until"), required=False)
    review_on = _date(_("Review date"), required=False)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    aliases = {"date": "on", "valid_from": "on"}

    def __init__(self, *args: Any, link: ResidenceLink, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = deciders_for(user, link.member)  # type: ignore[attr-defined]


class RetireForm(StepForm):
    member_version = forms.IntegerField(widget=forms.HiddenInput)


class EndForm(StepForm):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (r, ResidenceLink.EndReason(r).label)
            for r in (ResidenceLink.EndReason.LEFT_PARTY, ResidenceLink.EndReason.DIED)
        ],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class IssueLettersForm(DomainErrorMixin, forms.Form):
    """The workplace's bulk action: the chosen members get one letter each."""

    members = forms.TypedMultipleChoiceField(label=_("Members"), coerce=int)
    issued_on = _date(_("Issue date"))

    def __init__(self, *args: Any, member_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(pk, pk) for pk in member_ids]  # type: ignore[attr-defined]

    aliases = {"residence_commune": None, "date": "issued_on"}


class ReceiveLettersForm(DomainErrorMixin, forms.Form):
    """The commune's bulk receipt: the chosen letters waiting at the commune, received
    on one day. Each chosen letter carries the version the list showed
    (``version-<pk>``), so a letter changed meanwhile is refused, not overwritten."""

    links = forms.TypedMultipleChoiceField(label=_("Letters"), coerce=int)
    received_on = _date(_("Received on"))

    def __init__(self, *args: Any, link_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["links"].choices = [(pk, pk) for pk in link_ids]  # type: ignore[attr-defined]

    def version_of(self, pk: int) -> int | None:
        """The version of letter ``pk`` posted with the form; None when missing."""
        value = str(self.data.get(f"version-{pk}", ""))
        return int(value) if value.isdigit() else None

    aliases = {"date": "received_on"}


class ClassifyForm(DomainErrorMixin, forms.Form):
    """The workplace's classification of a working member (33-HD §1.3)."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=_reason_choices((Category.A, Category.B)),
        help_text=_("Category A and B need a reason of their own category."),
    )
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=Organization.objects.none())
    proposed_by = forms.ModelChoiceField(
        label=_("Proposed by"), required=False, queryset=Organization.objects.none()
    )
    decided_on = _date(_("Decision date"))
    valid_from = _date(_("Valid from"), required=False)
    valid_until = _date(_("Valid until"), required=False)
    review_on = _date(_("Review date"), required=False)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, member: Member, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deciders = deciders_for(user, member)
        self.fields["decided_by"].queryset = deciders  # type: ignore[attr-defined]
        self.fields["decided_by"].initial = (
            deciders.order_by("path").values_list("pk", flat=True).last()
        )
        self.fields["proposed_by"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.filter(pk__in=_ancestor_ids(member))
            .visible_to(user)
            .filter(kind=Organization.Kind.CELL)
        )


def _ancestor_ids(member: Member) -> list[int]:
    return [int(part) for part in member.unit_path.split(".") if part]


def workplaces_of(user: AnyUser) -> "Any":
    """Current grassroots organizations the user may issue letters for."""
    return (
        Organization.objects.visible_to(user, Capability.MANAGE_LETTERS)
        .current()
        .grassroots()
        .exclude(side=Organization.Side.RESIDENTIAL)
        .order_by("name", "pk")
    )


def deciders_for(user: AnyUser, member: Member) -> "Any":
    """The grassroots organizations above ``member`` for which ``user`` may decide."""
    return workplaces_of(user).filter(pk__in=_ancestor_ids(member))


class _CalendarForm(DomainErrorMixin, forms.Form):
    """A form of the province's deadline calendar; the rules are the services'."""


class DeadlineDaysForm(_CalendarForm):
    days = forms.IntegerField(
        label=_("Working days to present a letter"),
        widget=forms.NumberInput(attrs={"min": 1, "max": 90}),
        help_text=_("Between 1 and 90. Letters already issued keep their deadlines."),
    )


class PublicHolidayForm(_CalendarForm):
    date = forms.DateField(label=_("Date"), widget=_DATE)
    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=150)


class RemapForm(DomainErrorMixin, forms.Form):
    """Restructuring: where the open links held by a merged commune committee or cell
    move to. The cells offered are those of the commune chosen on the page (a commune
    source keeps each link's cell, which the merge moved with it)."""

    commune = forms.ModelChoiceField(
        label=_("Commune committee the links move to"),
        queryset=Organization.objects.none(),
        widget=forms.HiddenInput,
    )
    cell = forms.ModelChoiceField(
        label=_("Cell the links move to"), queryset=Organization.objects.none(), required=False
    )
    community = forms.ModelChoiceField(
        label=_("Only the members living in"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("Every member"),
    )
    effective_on = _date(_("Effective date"))

    def __init__(
        self,
        *args: Any,
        communes: "QuerySet[Organization]",
        commune: Organization | None,
        communities: "QuerySet[Community]",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        if commune is not None:
            self.fields["cell"].queryset = residential_cells(commune)  # type: ignore[attr-defined]
