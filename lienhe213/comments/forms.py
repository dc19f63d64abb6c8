"""Forms of the comment pages: they only bind and validate input; the rules are in
``comments.services``."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienhe213.comments.models import (
    FORM_ITEMS,
    OUTCOMES_FOR,
    Comment,
    CommentCampaign,
    CommentForm,
    CommentRequest,
    FollowUpOutcome,
    Purpose,
    RatingLevel,
    Recommendation,
)
from lienhe213.core.forms import DateInput
from lienhe213.registry.models import ResidenceLink


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    opens_on = forms.DateField(label=_("Window opens"), widget=DateInput)
    closes_on = forms.DateField(label=_("Window closes"), widget=DateInput)
    deadline = forms.DateField(label=_("Deadline for return"), widget=DateInput)


def campaign_label(campaign: CommentCampaign) -> str:
    """A campaign as a chooser shows it: its year and its window, no database id."""
    return gettext("Year %(year)s (comments from %(opens)s to %(closes)s)") % {
        "year": campaign.year,
        "opens": campaign.opens_on.strftime("%d/%m/%Y"),
        "closes": campaign.closes_on.strftime("%d/%m/%Y"),
    }


class BulkRequestForm(forms.Form):
    """Members of the workplace with an active link, chosen in bulk."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=CommentCampaign.objects.none())
    links = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=ResidenceLink.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.ChoiceField(
        label=_("Purpose (category A only, form 4-213)"),
        choices=[("", "—"), *Purpose.choices],
        required=False,
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput)

    def __init__(self, *args: Any, campaigns: Any, links: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign_field = self.fields["campaign"]
        assert isinstance(campaign_field, forms.ModelChoiceField)
        campaign_field.queryset = campaigns
        campaign_field.empty_label = _("Choose a campaign")
        campaign_field.label_from_instance = campaign_label  # type: ignore[method-assign,assignment]
        # The one campaign whose window is open today is the only choice that can be
        # taken: it is chosen (with two open, or none, nothing is).
        today = timezone.localdate()
        open_now = [c for c in campaigns if c.opens_on <= today <= c.closes_on]
        if len(open_now) == 1:
            self.initial.setdefault("campaign", open_now[0].pk)
            campaign_field.help_text = _("The only campaign open for requests today.")
        links_field = self.fields["links"]
        assert isinstance(links_field, forms.ModelMultipleChoiceField)
        links_field.queryset = links
        links_field.label_from_instance = lambda link: link.member.full_name  # type: ignore[method-assign,assignment]


class DraftForm(forms.Form):
    """The items of the request's form with their three levels, and the free text."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, form: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, scale in FORM_ITEMS[form].items():
            self.fields[name] = forms.ChoiceField(
                label=Comment._meta.get_field(name).verbose_name,  # type: ignore[union-attr]
                choices=scale.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        if form == CommentForm.NORMAL:
            self.fields["recommendation"] = forms.ChoiceField(
                label=_("6. Recommendation"),
                choices=Recommendation.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        self.fields["other_comments"] = forms.CharField(
            label=_("Other comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
        )

    def values(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class FrontMeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    met_on = forms.DateField(label=_("Meeting date"), widget=DateInput)
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.Form):
    # No level is preselected: the committee chooses one (issue: the highest was).
    rating_level = forms.ChoiceField(
        label=_("Rating level"), choices=[("", _("Choose a level")), *RatingLevel.choices]
    )
    rating_note = forms.CharField(
        label=_("How the comment was used"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class FollowUpForm(forms.Form):
    """The workplace committee's decision on the residence's proposal; the outcomes
    offered are those that answer the comment's recommendation."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect)
    # a date input takes ISO dates whatever the language's format
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    decision_reference = forms.CharField(
        label=_("Decision reference (number, date)"), max_length=100, required=False
    )
    note = forms.CharField(
        label=_("Note to the residence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, recommendation: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(FollowUpOutcome.choices)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (value, labels[value]) for value in OUTCOMES_FOR.get(recommendation, ())
        ]


# The follow-up filter of a workplace's list: proposals awaiting it, or done.
AWAITING, DONE = "awaiting", "done"


class WorkplaceFilterForm(forms.Form):
    """The filters of a workplace committee's list of requests: the returned comments'
    recommendation and the follow-up of the proposals; a report's period and the
    committees below (the rows behind a report's figures, ADR 0008)."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("Any recommendation")), *Recommendation.choices],
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up"),
        required=False,
        choices=[
            ("", _("Any")),
            (AWAITING, _("Proposals awaiting follow-up")),
            (DONE, _("Proposals followed up")),
        ],
    )
    requested_from = forms.DateField(label=_("Requested from"), required=False)
    requested_to = forms.DateField(label=_("Requested to"), required=False)
    below = forms.BooleanField(label=_("Include the committees below"), required=False)

    def value(self, name: str) -> Any:
        """The field's cleaned value, or None when it was missing or unreadable."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}))


# The status filter of a commune's list: "" (what waits for the commune) by default,
# "all", one status, or "reached-<step>" (that step or a later one, as the progress
# page counts).
ALL_STATUSES = "all"
REACHED = "reached-"
REACHED_CHOICES = [
    (f"{REACHED}drafted", _("Drafted or further")),
    (f"{REACHED}signed", _("Signed or further")),
    (f"{REACHED}confirmed", _("Confirmed or further")),
    (f"{REACHED}returned", _("Returned or further")),
    (f"{REACHED}acknowledged", _("Acknowledged or further")),
]


class RequestedPeriodForm(forms.Form):
    """A period of request dates replacing the campaign (a report's period)."""

    requested_from = forms.DateField(label=_("Requested from"), required=False)
    requested_to = forms.DateField(label=_("Requested to"), required=False)

    def period(self) -> tuple[Any, Any] | None:
        """``(from, to)`` when either was given and readable, else None."""
        if not self.is_valid():
            return None
        start, end = self.cleaned_data["requested_from"], self.cleaned_data["requested_to"]
        return (start, end) if start or end else None


class CommuneFilterForm(forms.Form):
    """The filters of a commune's list of requests; an unreadable value means the
    default (the chosen campaign, what waits for the commune, every cell)."""

    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Waiting for the commune")),
            (ALL_STATUSES, _("All statuses")),
            (_("At the step"), CommentRequest.Status.choices),
            (_("At the step or further"), REACHED_CHOICES),
        ],
    )
    cell = forms.TypedChoiceField(label=_("Cell"), coerce=int, required=False)
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)
    # The rows behind a report's figures (ADR 0008) — a period, returned on time, a
    # good example, a recommendation — are ``comments.filters.CommentRequestFilter``'s,
    # the same parameters as the API's.

    def __init__(
        self, *args: Any, campaigns: list[CommentCampaign], cells: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.pk, c.year) for c in campaigns]  # type: ignore[attr-defined]
        self.fields["cell"].choices = [  # type: ignore[attr-defined]
            ("", _("All cells")),
            *((cell.pk, cell.name) for cell in cells),
        ]

    def value(self, name: str) -> Any:
        """The field's cleaned value, or None when it was missing or unreadable."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get(name) or None


class BulkReturnForm(forms.Form):
    """The commune's bulk step: the chosen comments of its list, to confirm (where
    signed) and return. Each chosen comment carries the version the list showed
    (``version-<pk>``), so one changed meanwhile is refused, not overwritten."""

    requests = forms.TypedMultipleChoiceField(
        label=_("Comments"),
        coerce=int,
        error_messages={"required": _("Choose at least one comment.")},
    )
    campaign = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, request_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = [(pk, pk) for pk in request_ids]  # type: ignore[attr-defined]

    def version_of(self, pk: int) -> int | None:
        """The version of request ``pk`` posted with the form; None when missing."""
        value = str(self.data.get(f"version-{pk}", ""))
        return int(value) if value.isdigit() else None


class SubtreeFilterForm(CommuneFilterForm):
    """The page's own filters of the comment requests of any subtree: the commune
    list's status and escalation (the figures' conditions and the side are
    ``CommentRequestFilter``'s). Unlike the commune list, which falls back to its
    defaults, an unreadable value is an error shown on the page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, campaigns=[], cells=[], **kwargs)
        del self.fields["campaign"]
        del self.fields["cell"]
