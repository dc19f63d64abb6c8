"""Forms of the meeting pages. They read input only; the rules live in
``meetings.services``. Each form carries the meeting's ``version`` so that a stale page
is refused by the service instead of overwriting a newer record."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe213.core.forms import DateInput, DomainErrorMixin
from lienhe213.meetings.models import Attendance, Meeting

_DATE = DateInput()


class ServiceForm(DomainErrorMixin, forms.Form):
    """A form whose input a meeting service checks; its refusals show on the form."""


class VersionedForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=_DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    include_category_a = forms.BooleanField(
        label=_("Also invite category-A members (exempt from activities)"), required=False
    )


class AttendanceForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Attendance"), choices=Attendance.Status.choices, widget=forms.RadioSelect
    )
    excuse_reason = forms.CharField(
        label=_("Reason for the excuse"), max_length=255, required=False
    )


class AttendanceSheetForm(VersionedForm):
    """The whole meeting's attendance in one form: everyone the meeting has a record of
    is present unless marked absent or excused (with the reason); one save."""

    CHOICES = [
        (status, Attendance.Status(status).label)
        for status in (
            Attendance.Status.PRESENT,
            Attendance.Status.EXCUSED,
            Attendance.Status.ABSENT,
        )
    ]

    def __init__(self, *args: Any, attendances: list[Attendance], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_sheet_%s")
        super().__init__(*args, **kwargs)
        self.attendances = attendances
        for attendance in attendances:
            recorded = attendance.status != Attendance.Status.UNKNOWN
            self.fields[f"status-{attendance.member_id}"] = forms.ChoiceField(
                label=attendance.member.full_name,
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                initial=attendance.status if recorded else Attendance.Status.PRESENT,
            )
            self.fields[f"reason-{attendance.member_id}"] = forms.CharField(
                label=_("Reason for the excuse"),
                max_length=255,
                required=False,
                initial=attendance.excuse_reason,
            )

    def rows(self) -> list[tuple[Attendance, Any, Any]]:
        """Each attendance with its two bound fields, in the page's order."""
        return [
            (a, self[f"status-{a.member_id}"], self[f"reason-{a.member_id}"])
            for a in self.attendances
        ]

    def entries(self) -> list[tuple[Any, str, str]]:
        """``(member, status, excuse reason)`` of every row, for the service."""
        data = self.cleaned_data
        return [
            (a.member, data[f"status-{a.member_id}"], data[f"reason-{a.member_id}"])
            for a in self.attendances
        ]


class HeldForm(VersionedForm):
    """Mark the meeting held: where it took place and its agenda, as planned or now."""

    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_held_%s")
        super().__init__(*args, **kwargs)


class OpinionForm(VersionedForm):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, members: list[tuple[int, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]


class FollowUpForm(VersionedForm):
    description = forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Who does it"), max_length=200)
    member = forms.TypedChoiceField(
        label=_("Member concerned (optional)"),
        help_text=_(
            "The member it is about or who takes it on; it then shows in the "
            "evidence for their annual comment."
        ),
        coerce=int,
        empty_value=None,
        required=False,
    )
    due_on = forms.DateField(label=_("Due date"), widget=_DATE)

    def __init__(self, *args: Any, members: list[tuple[int, Any]], **kwargs: Any) -> None:
        """``members``: the meeting's members (invited or recorded), the only choices.
        Its ids differ from the opinion form's, which sits on the same page."""
        kwargs.setdefault("auto_id", "id_follow_up_%s")
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—"), *members]  # type: ignore[attr-defined]


class DoneForm(VersionedForm):
    done_on = forms.DateField(label=_("Done on"), widget=_DATE, initial=timezone.localdate)


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=255)
