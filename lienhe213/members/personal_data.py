"""What the system holds about one member, gathered for the member themselves: the data
subject's right of access (Personal Data Protection Law 91/2025/QH15, Decree
356/2025/ND-CP).

``collect`` reads the member's record and every row about them — previous card numbers,
classifications, residence links and their steps, the meetings they were invited to
with their own attendance, their own opinions, the meetings' follow-ups about them, the
comments on them, the notices about them — into sections of labelled values. The
workbook (``members.exports.personal_data_xlsx``) and the API (``GET /api/v1/me/data/``)
write the same sections: the workbook what a reader sees (choice labels in the user's
language, date cells), the API what a program reads (codes, ISO dates).

Only the member's own rows are read, never another member's: attendance, absence
reasons and opinions are filtered on the member, so the other members of a meeting do
not appear. A comment's content is given once it is returned to the workplace, as on
the pages (the member may read it from then on); before, only the request and its
step. Internal ids are left out: they mean nothing to the member.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienhe213.comments.models import Comment, CommentRequest, RecommendationFollowUp
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.members.models import Member, PreviousPartyCard
from lienhe213.members.services import EDITABLE_FIELDS
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.registry.models import ExemptionDecision, LinkEvent, ResidenceLink


@dataclass(frozen=True)
class Value:
    """One value twice: ``raw`` for a program (a code, an ISO date, a name), ``shown``
    for a reader (the choice's label, a date, "Yes")."""

    raw: Any
    shown: Any


EMPTY = Value(None, "")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    read: Callable[[Any], Value]
    width: int = 16


@dataclass
class Section:
    """One kind of record: a sheet of the workbook, a key of the API's answer."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Value]] = field(default_factory=list)

    def fill(self, objects: Iterable[Any]) -> "Section":
        self.rows = [[column.read(obj) for column in self.columns] for obj in objects]
        return self

    def as_data(self) -> list[dict[str, Any]]:
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, (value.raw for value in row), strict=True)) for row in self.rows]


@dataclass
class PersonalData:
    member: Member
    today: datetime.date
    record: Section  # one row
    sections: list[Section]

    @property
    def rows(self) -> int:
        """How many records the download carries (the export audit's row count)."""
        return 1 + sum(len(section.rows) for section in self.sections)

    def as_data(self) -> dict[str, Any]:
        record = self.record.as_data()[0]
        return {
            "generated_on": self.today.isoformat(),
            "member": record,
            **{section.key: section.as_data() for section in self.sections},
        }


# --- reading one value ---------------------------------------------------------------


def _shown_moment(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def value_of(obj: models.Model | None, name: str) -> Value:
    """The value of the model field ``name`` on ``obj``: a choice as its code and its
    label, a related row by its name, a moment in local time."""
    if obj is None:
        return EMPTY
    model_field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value is None or value == "":
        return Value(value if value == "" else None, "")
    if getattr(model_field, "choices", None):
        return Value(value, str(getattr(obj, f"get_{name}_display")()))
    if model_field.is_relation:
        return Value(str(value), str(value))
    if isinstance(value, datetime.datetime):
        return Value(timezone.localtime(value).isoformat(), _shown_moment(value))
    if isinstance(value, datetime.date):
        return Value(value.isoformat(), value)
    if isinstance(value, bool):
        return Value(value, _("Yes") if value else _("No"))
    return Value(value, value)


def label_of(model: type[models.Model], name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def column(
    model: type[models.Model],
    name: str,
    *,
    via: Callable[[Any], Any] | None = None,
    key: str = "",
    label: str = "",
    width: int = 16,
) -> Column:
    """The column of field ``name`` of ``model``, read on the row (or on ``via(row)``)."""

    def read(obj: Any) -> Value:
        return value_of(via(obj) if via is not None else obj, name)

    return Column(key or name, label or label_of(model, name), read, width)


def computed(key: str, label: str, read: Callable[[Any], Any], width: int = 16) -> Column:
    """A column whose text is computed from the row (the same for a program and a reader)."""

    def value(obj: Any) -> Value:
        text = read(obj)
        return Value(text, text)

    return Column(key, label, value, width)


def _letter(link: ResidenceLink) -> str:
    return f"{link.letter_number}/{link.letter_year}"


# --- the sections ---------------------------------------------------------------------

TEXT = 40
NAME = 28

# Every field of the record a member may have written about them: the editable ones.
RECORD_FIELDS = EDITABLE_FIELDS

LINK_DATES = (
    "issued_on",
    "deadline",
    "presented_on",
    "received_on",
    "returned_on",
    "assigned_on",
    "acknowledged_on",
    "ended_on",
)

# The comment's items and results, in the order of forms 3-213 and 4-213.
COMMENT_FIELDS = (
    "item_1",
    "item_2",
    "item_3",
    "item_4",
    "item_5",
    "recommendation",
    "other_comments",
    "item_a",
    "item_b",
    "item_c",
    "returned_at",
    "rating_level",
    "rating_note",
    "member_answer",
    "answered_at",
)
COMMENT_WIDTHS = {"other_comments": TEXT, "rating_note": TEXT, "member_answer": TEXT}


def _record(member: Member) -> Section:
    names = RECORD_FIELDS + (("anonymised_on",) if member.is_anonymised else ())
    columns = [column(Member, name, width=NAME) for name in names]
    return Section("member", _("Member record"), columns).fill([member])


def _previous_cards(member: Member) -> Section:
    columns = [column(PreviousPartyCard, "number"), column(PreviousPartyCard, "replaced_on")]
    rows = PreviousPartyCard.objects.filter(member=member).order_by("replaced_on", "pk")
    return Section("previous_party_cards", _("Previous party cards"), columns).fill(rows)


def _classifications(member: Member) -> Section:
    names = (
        "category",
        "reason",
        "proposed_by",
        "decided_by",
        "decided_on",
        "valid_from",
        "valid_until",
        "review_on",
        "revoked_on",
    )
    columns = [column(ExemptionDecision, name) for name in names]
    columns.append(column(ExemptionDecision, "evidence", width=TEXT))
    rows = (
        ExemptionDecision.objects.filter(member=member)
        .select_related("proposed_by", "decided_by")
        .order_by("valid_from", "pk")
    )
    return Section("classifications", _("Classifications"), columns).fill(rows)


def _links(member: Member) -> tuple[Section, Section]:
    letter = computed("letter", label_of(ResidenceLink, "letter_number"), _letter, 10)
    columns = [
        letter,
        column(ResidenceLink, "letter_form"),
        column(ResidenceLink, "category"),
        column(ResidenceLink, "issued_by_organization", width=NAME),
        column(ResidenceLink, "workplace_organization", width=NAME),
        column(ResidenceLink, "residence_commune_organization", width=NAME),
        column(ResidenceLink, "residence_cell", width=NAME),
        *(column(ResidenceLink, name, width=12) for name in LINK_DATES),
        column(ResidenceLink, "return_reason", width=TEXT),
        column(ResidenceLink, "end_reason"),
        column(ResidenceLink, "status"),
    ]
    links = list(
        ResidenceLink.objects.filter(member=member)
        .select_related(
            "issued_by_organization",
            "workplace_organization",
            "residence_commune_organization",
            "residence_cell",
        )
        .order_by("issued_on", "pk")
    )
    event_columns = [
        computed("letter", label_of(ResidenceLink, "letter_number"), lambda e: _letter(e.link), 10),
        column(LinkEvent, "kind", width=24),
        column(LinkEvent, "on", width=12),
        column(LinkEvent, "note", width=TEXT),
    ]
    events = (
        LinkEvent.objects.filter(link__member=member)
        .select_related("link")
        .order_by("on", "at", "pk")
    )
    return (
        Section("residence_links", _("Residence links"), columns).fill(links),
        Section("link_events", _("Residence link history"), event_columns).fill(events),
    )


def _meeting(row: Attendance | Opinion | FollowUp) -> Meeting:
    return row.meeting


def _meeting_columns() -> list[Column]:
    return [
        column(Meeting, "date", via=_meeting, key="meeting_date", width=12),
        column(Meeting, "cell", via=_meeting, width=NAME),
    ]


def _meetings(member: Member) -> tuple[Section, Section, Section]:
    meeting = _meeting
    attendance_columns = [
        *_meeting_columns(),
        column(Meeting, "kind", via=meeting, key="meeting_kind"),
        column(Meeting, "place", via=meeting, width=NAME),
        column(Meeting, "status", via=meeting, key="meeting_status", label=_("Meeting status")),
        column(Attendance, "invited"),
        column(Attendance, "status", key="attendance"),
        column(Attendance, "excuse_reason", width=TEXT),
    ]
    # Only the member's own rows: the others' attendance and reasons are not theirs.
    attendances = (
        Attendance.objects.filter(member=member)
        .select_related("meeting__cell")
        .order_by("meeting__date", "meeting_id")
    )
    opinion_columns = [*_meeting_columns(), column(Opinion, "text", width=TEXT)]
    opinions = (
        Opinion.objects.filter(member=member)
        .select_related("meeting__cell")
        .order_by("meeting__date", "pk")
    )
    follow_up_columns = [
        *_meeting_columns(),
        column(FollowUp, "description", width=TEXT),
        column(FollowUp, "owner", width=NAME),
        column(FollowUp, "due_on", width=12),
        column(FollowUp, "done_on", width=12),
    ]
    follow_ups = (
        FollowUp.objects.about_member(member.pk)
        .select_related("meeting__cell")
        .order_by("meeting__date", "due_on", "pk")
    )
    return (
        Section("meetings", _("Meetings and attendance"), attendance_columns).fill(attendances),
        Section("opinions", _("Opinions at meetings"), opinion_columns).fill(opinions),
        Section("follow_ups", _("Meeting follow-ups"), follow_up_columns).fill(follow_ups),
    )


def _comments(member: Member) -> Section:
    def returned_comment(request: CommentRequest) -> Comment | None:
        if not request.is_returned:
            return None
        return getattr(request, "comment", None)

    def follow_up(request: CommentRequest) -> RecommendationFollowUp | None:
        return getattr(request, "follow_up", None) if request.is_returned else None

    columns = [
        computed("year", _("Year"), lambda r: r.campaign.year, 8),
        column(CommentRequest, "form", width=10),
        column(CommentRequest, "purpose"),
        column(CommentRequest, "workplace_organization", width=NAME),
        column(CommentRequest, "requested_on", width=12),
        column(CommentRequest, "status"),
        *(
            column(Comment, name, via=returned_comment, width=COMMENT_WIDTHS.get(name, 24))
            for name in COMMENT_FIELDS
        ),
        column(
            RecommendationFollowUp,
            "outcome",
            via=follow_up,
            key="follow_up_outcome",
            label=_("Outcome of the recommendation"),
            width=24,
        ),
        column(
            RecommendationFollowUp,
            "decided_on",
            via=follow_up,
            key="follow_up_decided_on",
            label=_("Outcome decided on"),
            width=12,
        ),
    ]
    requests = (
        CommentRequest.objects.filter(member=member)
        .select_related("campaign", "workplace_organization", "comment", "follow_up")
        .order_by("campaign__year", "requested_on", "pk")
    )
    return Section("comments", _("Comments"), columns).fill(requests)


def _notices(member: Member) -> tuple[Section, Section]:
    columns = [
        column(Notice, "sent_on", width=12),
        column(Notice, "kind", width=28),
        column(Notice, "sender", width=NAME),
        column(Notice, "recipient", width=NAME),
        column(Notice, "status"),
        column(Notice, "response_due", width=12),
        column(Notice, "body", width=TEXT),
        column(Notice, "outcome", width=TEXT),
        column(Notice, "closed_at"),
    ]
    notices = (
        Notice.objects.about(member.pk)
        .select_related("sender", "recipient")
        .order_by("sent_on", "sent_at", "pk")
    )

    def notice(reply: NoticeReply) -> Notice:
        return reply.notice

    reply_columns = [
        column(Notice, "sent_on", via=notice, key="notice_sent_on", label=_("Notice sent on")),
        column(Notice, "kind", via=notice, key="notice_kind", label=_("Notice"), width=28),
        column(NoticeReply, "at"),
        column(NoticeReply, "organization", width=NAME),
        column(NoticeReply, "body", width=TEXT),
    ]
    replies = (
        NoticeReply.objects.filter(notice__member=member)
        .select_related("notice", "organization")
        .order_by("notice__sent_on", "notice_id", "at", "pk")
    )
    return (
        Section("notices", _("Notices"), columns).fill(notices),
        Section("notice_replies", _("Notice replies"), reply_columns).fill(replies),
    )


def collect(member: Member, *, today: datetime.date | None = None) -> PersonalData:
    """Everything the system holds about ``member``, for ``member`` themselves.

    The caller has established that the user is this member (``access.get_own_member``);
    nothing here is scoped to a role, since the rows are all the member's own.
    """
    links, events = _links(member)
    meetings, opinions, follow_ups = _meetings(member)
    notices, replies = _notices(member)
    return PersonalData(
        member=member,
        today=today or timezone.localdate(),
        record=_record(member),
        sections=[
            _previous_cards(member),
            _classifications(member),
            links,
            events,
            meetings,
            opinions,
            follow_ups,
            _comments(member),
            notices,
            replies,
        ],
    )


# The title of the download, folded into its file name ("du-lieu-ca-nhan-2026-12-06").
TITLE = gettext_lazy("Personal data")
