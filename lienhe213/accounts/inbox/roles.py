"""The tasks of each committee role over its organization: which rows wait for the
role's next step, since when, and where the step is taken (Regulation 213's steps,
docs/domain.md §4.1–4.5; the reads are the domain apps' QuerySet methods)."""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from lienhe213.accounts.access import AnyUser
from lienhe213.accounts.inbox.items import (
    MEMBER_NAME,
    InboxItem,
    Task,
    about_member,
    cells_task,
    full_name,
    page_url,
)
from lienhe213.accounts.models import RepresentativeKind, Role
from lienhe213.comments.models import CommentRequest
from lienhe213.feedback.models import ResidentReport, Topic
from lienhe213.meetings.models import FollowUp, Meeting
from lienhe213.meetings.queries import cells_to_plan_meeting, cells_without_recent_meeting
from lienhe213.notices.models import Notice
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink
from lienhe213.reminders.queries import MEETING_DUE_MONTHS
from lienhe213.reports.models import Commendation

# Meeting follow-ups come into the inbox this many days before they are due.
FOLLOW_UP_AHEAD_DAYS = 7
PROVINCE_ROLES = (Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER)


def _cell_tasks(user: AnyUser, cell: Organization, today: datetime.date) -> list[Task]:
    """A residential cell's secretary: take members in, plan and record the meetings
    and their follow-ups, write and sign the comments, answer the notices."""
    links = ResidenceLink.objects.visible_to(user).at_residence(cell)
    requests = CommentRequest.objects.visible_to(user).at_residence_cell(cell.pk)
    meetings_page = (
        page_url("meetings:cell", cell.pk)
        if cell.kind == Organization.Kind.CELL
        else page_url("meetings:overdue", cell.pk)
    )
    comments_page = page_url("comments:cell", cell.pk)
    return [
        about_member(
            "acknowledge",
            _("Members to acknowledge"),
            links.waiting_for_acknowledgement(),
            "assigned_on",
            "workplace_organization",
            "registry:link_detail",
            page_url("registry:book", cell.pk, query="status=assigned"),
            since_label=_("Assigned on"),
        ),
        Task(
            "record_meeting",
            _("Meetings to record"),
            Meeting.objects.visible_to(user).in_subtree(cell).to_record(on=today),
            "date",
            ("pk", "cell__name"),
            lambda row: InboxItem(
                _("Meeting of %(day)s") % {"day": row["since"].strftime("%d/%m/%Y")},
                row["cell__name"],
                row["since"],
                page_url("meetings:detail", row["pk"]),
            ),
            meetings_page,
            _("Planned for"),
        ),
        cells_task(
            "plan_meeting",
            _("Meetings to plan"),
            cells_to_plan_meeting(cell, on=today, months=MEETING_DUE_MONTHS).visible_to(user),
            meetings_page,
        ),
        about_member(
            "write_comment",
            _("Comments to write"),
            requests.at_step(CommentRequest.Status.REQUESTED),
            "requested_on",
            "workplace_organization",
            "comments:request",
            comments_page,
            since_label=_("Requested on"),
        ),
        about_member(
            "sign_comment",
            _("Comments to sign"),
            requests.at_step(CommentRequest.Status.DRAFTED),
            "comment__updated_at",
            "workplace_organization",
            "comments:request",
            comments_page,
            since_label=_("Drafted on"),
        ),
        _notices(user, cell),
        _resident_reports(user, cell),
        Task(
            "follow_up",
            _("Follow-ups due"),
            FollowUp.objects.visible_to(user)
            .in_subtree(cell)
            .due_by(today + datetime.timedelta(days=FOLLOW_UP_AHEAD_DAYS)),
            "due_on",
            ("pk", "meeting_id", "description", "owner"),
            lambda row: InboxItem(
                _shorten(row["description"]),
                row["owner"],
                row["since"],
                page_url("meetings:detail", row["meeting_id"]),
            ),
            meetings_page,
            _("Due on"),
        ),
    ]


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _resident_reports(user: AnyUser, org: Organization) -> Task:
    """Residents' reports to ``org``'s cell, or to the cells of its commune, that nobody
    matched or closed yet (ADR 0014), oldest first: a representative's opinion names its
    writer's kind, a resident's report the community it came from."""
    kinds = dict(RepresentativeKind.choices)
    topics = dict(Topic.choices)

    def item(row: dict[str, Any]) -> InboxItem:
        writer = kinds.get(row["representative_kind"])
        return InboxItem(
            f"{topics.get(row['topic'], '')}: {_shorten(row['member_name'], 40)}",
            row["cell__name"],
            row["since"],
            page_url("feedback:detail", row["pk"]),
            note=_("%(kind)s: %(name)s") % {"kind": writer, "name": row["representative_name"]}
            if writer
            else row["community"],
        )

    return Task(
        "resident_reports",
        _("Residents' reports waiting"),
        ResidentReport.objects.visible_to(user).under(org).unhandled(),
        "received_at",
        (
            "pk",
            "topic",
            "member_name",
            "community",
            "cell__name",
            "representative_kind",
            "representative_name",
        ),
        item,
        page_url("feedback:queue", org.pk),
        _("Received on"),
    )


def _notices(user: AnyUser, org: Organization) -> Task:
    """Notices addressed to ``org`` or below it, not yet answered nor closed."""
    return about_member(
        "answer_notice",
        _("Notices to answer"),
        Notice.objects.visible_to(user).inbox(org).waiting(),
        "sent_on",
        "sender",
        "notices:detail",
        page_url("notices:inbox", org.pk, query="waiting=on"),
        since_label=_("Sent on"),
    )


def _commune_tasks(user: AnyUser, commune: Organization, today: datetime.date) -> list[Task]:
    """A commune committee's clerk: receive the letters and assign the members to
    cells, confirm and return the comments, see that the cells meet, answer the
    notices."""
    links = ResidenceLink.objects.visible_to(user).at_residence(commune)
    requests = CommentRequest.objects.visible_to(user).at_residence_commune(commune.pk)
    book = "registry:book"
    return [
        about_member(
            "receive",
            _("Letters to receive"),
            links.waiting_for_receipt(),
            "issued_on",
            "workplace_organization",
            "registry:link_detail",
            page_url(book, commune.pk, query="status=issued"),
            since_label=_("Issued on"),
        ),
        about_member(
            "assign",
            _("Members to assign to a cell"),
            links.waiting_for_assignment(),
            "received_on",
            "workplace_organization",
            "registry:link_detail",
            page_url(book, commune.pk, query="status=received"),
            since_label=_("Received on"),
        ),
        about_member(
            "confirm_comment",
            _("Comments to confirm"),
            requests.at_step(CommentRequest.Status.SIGNED),
            "comment__signed_at",
            "link__residence_cell",
            "comments:request",
            page_url("comments:commune", commune.pk, query="status=signed"),
            since_label=_("Signed on"),
        ),
        about_member(
            "return_comment",
            _("Comments to return to the workplace"),
            requests.at_step(CommentRequest.Status.CONFIRMED),
            "comment__confirmed_at",
            "link__residence_cell",
            "comments:request",
            page_url("comments:commune", commune.pk, query="status=confirmed"),
            since_label=_("Confirmed on"),
        ),
        cells_task(
            "cells_without_meeting",
            _("Cells without a meeting in six months"),
            cells_without_recent_meeting(commune, on=today).visible_to(user),
            page_url("meetings:overdue", commune.pk),
        ),
        _notices(user, commune),
        _resident_reports(user, commune),
    ]


def _workplace_tasks(user: AnyUser, org: Organization, today: datetime.date) -> list[Task]:
    """A workplace committee's officer: acknowledge the returned comments, record their
    use in the rating and follow up the residence's proposals, answer the notices,
    chase the letters past their deadline."""
    requests = CommentRequest.objects.visible_to(user).filter(workplace_organization=org)
    commune = "link__residence_commune_organization"
    page = "comments:workplace"
    return [
        about_member(
            "acknowledge_comment",
            _("Returned comments to acknowledge"),
            requests.at_step(CommentRequest.Status.RETURNED),
            "comment__returned_at",
            commune,
            "comments:request",
            page_url(page, org.pk),
            since_label=_("Returned on"),
        ),
        about_member(
            "record_rating",
            _("Ratings to record"),
            requests.at_step(CommentRequest.Status.ACKNOWLEDGED),
            "comment__acknowledged_at",
            commune,
            "comments:request",
            page_url(page, org.pk),
            since_label=_("Acknowledged on"),
        ),
        about_member(
            "follow_up_proposal",
            _("Proposals to follow up"),
            requests.awaiting_follow_up(),
            "comment__returned_at",
            commune,
            "comments:request",
            page_url(page, org.pk, query="follow_up=awaiting"),
            since_label=_("Returned on"),
        ),
        _notices(user, org),
        about_member(
            "overdue_letter",
            _("Letters past their deadline"),
            ResidenceLink.objects.visible_to(user).at_workplace(org).overdue(on=today),
            "deadline",
            "residence_commune_organization",
            "registry:link_detail",
            page_url("registry:workplace", org.pk, query="state=overdue"),
            since_label=_("Deadline"),
        ),
    ]


def _province_tasks(user: AnyUser, org: Organization, today: datetime.date) -> list[Task]:
    """The province: decide the commendations proposed, and the escalations — comments
    and notices past their deadline anywhere below."""
    proposals = Commendation.objects.visible_to(user).under([org.path]).proposed()
    return [
        Task(
            "decide_commendation",
            _("Commendations to decide"),
            proposals,
            "proposed_on",
            ("pk", *MEMBER_NAME, "organization__name", "proposed_by_organization__name"),
            lambda row: InboxItem(
                full_name(row) or row["organization__name"] or "",
                row["proposed_by_organization__name"],
                row["since"],
                page_url("reports:decide", row["pk"]),
            ),
            page_url("reports:commendations", org.pk, today.year),
            _("Proposed on"),
        ),
        about_member(
            "late_comment",
            _("Comments past their deadline"),
            CommentRequest.objects.visible_to(user).in_subtree(org).past_deadline(on=today),
            "campaign__deadline",
            "link__residence_commune_organization",
            "comments:request",
            page_url("comments:subtree", org.pk, query="escalated=1"),
            since_label=_("Deadline"),
        ),
        about_member(
            "late_notice",
            _("Notices unanswered past their deadline"),
            Notice.objects.visible_to(user).involving(org).overdue(on=today),
            "response_due",
            "recipient",
            "notices:detail",
            page_url("notices:inbox", org.pk, query="both=1&overdue=1"),
            since_label=_("Answer due"),
        ),
    ]


TASKS: dict[Role, Callable[[AnyUser, Organization, datetime.date], list[Task]]] = {
    Role.ADMINISTRATOR: _province_tasks,
    Role.PROVINCIAL_OFFICER: _province_tasks,
    Role.COMMUNE_CLERK: _commune_tasks,
    Role.CELL_SECRETARY: _cell_tasks,
    Role.WORKPLACE_OFFICER: _workplace_tasks,
}


def shortcuts(role: Role, org: Organization) -> list[tuple[str, str]]:
    """The pages where the role starts work that nothing brings to the inbox: the
    workplace introduces members and asks for their comments, the residence keeps its
    book and (the cell) its meetings, the province reconciles."""
    if role in PROVINCE_ROLES:
        return [(_("Reconciliation worklist"), page_url("registry:worklist", org.pk))]
    if role == Role.WORKPLACE_OFFICER:
        return [
            (_("Introduce members (letters)"), page_url("registry:workplace", org.pk)),
            (_("Request comments"), page_url("comments:workplace", org.pk)),
        ]
    if role == Role.COMMUNE_CLERK:
        return [(_("Tracking book"), page_url("registry:book", org.pk))]
    if role == Role.CELL_SECRETARY:
        meetings = "meetings:cell" if org.kind == Organization.Kind.CELL else "meetings:overdue"
        return [
            (_("Tracking book"), page_url("registry:book", org.pk)),
            (_("Meetings"), page_url(meetings, org.pk)),
        ]
    return []
