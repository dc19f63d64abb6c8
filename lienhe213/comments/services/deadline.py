"""Requests not returned by the campaign's deadline are escalated."""

import datetime

from django.db import transaction

from lienhe213.comments.models import (
    CommentRequest,
)
from lienhe213.core.escalation import stamp_escalated


@transaction.atomic
def escalate_overdue_requests(*, on: datetime.date) -> list[CommentRequest]:
    """Mark every request not returned by its campaign's deadline on ``on`` as
    escalated, once (docs/domain.md §4.4: the commune and the province chase late comments).

    Running it again escalates nothing twice; returns the requests escalated now, for
    the reminder command to tell the residence commune and the province. The version is
    left alone: escalation changes nothing a person is editing.
    """
    requests = list(
        CommentRequest.objects.overdue(on=on)
        .filter(escalated_at__isnull=True)
        .select_related("link__residence_commune_organization")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    stamp_escalated(
        requests, scope_path=lambda request: request.link.residence_commune_organization.path
    )
    return requests
