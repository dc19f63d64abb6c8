"""The home page: what waits for this user (the inbox of each committee role, see
``accounts.inbox``), a member's own record; the numbers are one tap away
(``accounts:numbers``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lienhe213.accounts import inbox
from lienhe213.accounts.access import (
    AuthenticatedHttpRequest,
    own_member_id,
    representative_assignments,
)
from lienhe213.accounts.models import RepresentativeKind, Role, RoleAssignment, User
from lienhe213.accounts.views.accounts import Section
from lienhe213.members.models import Member


def _member_sections(request: HttpRequest) -> list[Section]:
    """A section per member role held, with the member's own record (one query each
    way, none for an account without the member role)."""
    user = request.user
    own = own_member_id(user)
    if own is None:
        return []
    record = Member.objects.visible_to(user).filter(pk=own).select_related("organization").first()
    assignments = (
        RoleAssignment.objects.held_by(user)
        .current()
        .filter(role=Role.MEMBER)
        .select_related("organization")
        .order_by("organization__path")
    )
    label = str(Role.MEMBER.label)
    return [Section("member", label, a.organization, {"record": record}) for a in assignments]


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The items waiting for the user, by task and oldest first, for every committee
    role held (a bounded number of queries per role, none per item), and the member's
    own record for the member role; the statistics are on ``accounts:numbers``."""
    user = request.user
    has_inbox = inbox.has_inbox(user)
    sections = inbox.inbox(user, today=timezone.localdate()) if has_inbox else []
    member_sections = _member_sections(request)
    records = [s.numbers["record"] for s in member_sections if s.numbers["record"]]
    context = {
        # The person's name: the account's, else the member record's, else the login.
        "greeting": (user.get_full_name() if isinstance(user, User) else "")
        or (records[0].full_name if records else "")
        or user.get_username(),
        "has_inbox": has_inbox,
        "inbox": sections,
        "inbox_total": sum(section.total for section in sections),
        "sections": member_sections,
        "representative_of": [
            (str(RepresentativeKind(a.representative_kind).label), a.organization)
            for a in representative_assignments(user)
        ],
    }
    return render(request, "accounts/home.html", context)
