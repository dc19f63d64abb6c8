"""The notifications page: a user's own reminders, newest first, and "mark all read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.reminders import services
from lienhe213.reminders.models import Notification


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications (only their own), newest first, paged without a count."""
    notifications = Notification.objects.visible_to(request.user)
    context = {
        "page": peek_page(notifications, request.GET.get("page")),
        "query": query_without_page(request),
    }
    return render_page(request, "reminders/notification_list.html", context, "results")


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every unread notification of the user read."""
    count = services.mark_notifications_read(by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("reminders:list")
