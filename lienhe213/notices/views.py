"""Notice pages: an organization's inbox and outbox, one notice with its thread and
steps, sending a notice from a link, and a member's thread.

Every page fetches through a gatekeeper (404 when the user may not see the object);
every step checks that the user acts for a side of the notice (403 otherwise); the
services decide the rest, and their refusal is shown on the form.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest, Capability
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS
from lienhe213.core.filters import BooleanCheckbox
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.members.access import get_member_for_user
from lienhe213.notices import access, exports, forms, services
from lienhe213.notices.filters import NoticeFilter
from lienhe213.notices.models import Notice
from lienhe213.notices.queries import box_counts
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry.access import get_link_for_user

LIST_RELATED = ("member", "sender", "recipient")


def _notices(request: HttpRequest) -> Any:
    return Notice.objects.visible_to(request.user).select_related(*LIST_RELATED)


def _notice_organizations(user: Any) -> list[Organization]:
    """The organizations whose notices ``user`` reads: the top of each subtree they
    hold a committee role over (the whole tree's roots for an administrator)."""
    orgs = Organization.objects.entry_points(user, [Capability.VIEW_MEMBERS])
    return list(orgs.order_by("path"))


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the navigation's "Notices" leads: one organization's inbox directly, or
    the list of the user's organizations with what waits and what is overdue in each
    box. A member without a committee role reads no notices (403)."""
    orgs = _notice_organizations(request.user)
    if not orgs:
        raise PermissionDenied
    if len(orgs) == 1:
        return redirect("notices:inbox", org_pk=orgs[0].pk)
    today = timezone.localdate()
    visible = Notice.objects.visible_to(request.user)
    # the organizations a person holds roles in are a handful: one query each
    rows = [(org, box_counts(visible, org, on=today)) for org in orgs]
    return render(request, "notices/index.html", {"rows": rows})


@login_required
def box(request: AuthenticatedHttpRequest, org_pk: int, box: str) -> HttpResponse:
    """The notices an organization's subtree received (inbox) or sent (outbox),
    newest first, filtered by ``filters.NoticeFilter`` (the API's parameters), paged
    without a count; ``?format=xlsx`` exports every matching notice."""
    org = get_organization_for_user(request.user, org_pk)
    today = timezone.localdate()
    # The box's organization comes from the address; ``both`` widens it to the notices
    # sent or received below it (the API's ``involving``).
    both = BooleanCheckbox().value_from_datadict(request.GET, None, "both") is True
    notices = _notices(request)
    if both:
        notices = notices.involving(org)
    else:
        notices = notices.inbox(org) if box == "inbox" else notices.outbox(org)
    filters = NoticeFilter(request.GET, queryset=notices, request=request)
    notices = filters.qs
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return exports.box_xlsx(notices.iterator(chunk_size=500), org, box, fmt=fmt)
    context = {
        "organization": org,
        "box": box,
        "both": both,
        "filter": filters.form,
        "page": peek_page(notices, request.GET.get("page")),
        "query": query_without_page(request),
        "today": today,
    }
    return render_page(request, "notices/notice_box.html", context, "results")


def _detail_page(
    request: HttpRequest, notice: Notice, bound: dict[str, Any] | None = None
) -> HttpResponse:
    bound = bound or {}
    sides = access.acting_sides(request.user, notice)
    initial = {"version": notice.version}
    steps: list[tuple[str, str, forms.DomainErrorForm]] = []
    if "recipient" in sides and notice.can_be_acknowledged():
        steps.append(("acknowledge", _("Acknowledge"), forms.AcknowledgeForm(initial=initial)))
    if sides and notice.can_be_replied_to():
        steps.append(("reply", _("Reply"), forms.ReplyForm(initial=initial)))
    if sides and notice.can_be_closed():
        steps.append(("close", _("Close with the outcome"), forms.CloseForm(initial=initial)))
    steps = [(name, title, bound.get(name, form)) for name, title, form in steps]
    context = {
        "notice": notice,
        "replies": notice.replies.select_related("organization", "by"),
        "steps": steps,
        "today": timezone.localdate(),
    }
    return render(request, "notices/notice_detail.html", context)


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, access.get_notice_for_user(request.user, pk))


def _take_step(request: AuthenticatedHttpRequest, pk: int, step: str, done: str) -> HttpResponse:
    notice = access.get_notice_for_user(request.user, pk, write=True)
    form_class = {
        "acknowledge": forms.AcknowledgeForm,
        "reply": forms.ReplyForm,
        "close": forms.CloseForm,
    }[step]
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "acknowledge":
                if "recipient" not in access.acting_sides(request.user, notice):
                    raise PermissionDenied
                services.acknowledge_notice(by=request.user, notice=notice, version=data["version"])
            elif step == "reply":
                services.reply_to_notice(
                    by=request.user, notice=notice, body=data["body"], version=data["version"]
                )
            else:
                services.close_notice(
                    by=request.user, notice=notice, outcome=data["outcome"], version=data["version"]
                )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, done)
            return redirect("notices:detail", pk=notice.pk)
    return _detail_page(request, notice, {step: form})


@login_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "acknowledge", _("The notice was acknowledged."))


@login_required
@require_POST
def reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "reply", _("Your reply was added."))


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _take_step(request, pk, "close", _("The notice was closed."))


@login_required
def send(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send a notice about the member of the link ``?link=<id>``, from a side of it the
    user acts for to the other side."""
    link = get_link_for_user(request.user, request.GET.get("link", ""))
    form = forms.SendForm(request.POST or None, link=link, user=request.user)
    if not form.routes:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        sender, recipient = form.routes[form.cleaned_data["route"]]
        try:
            notice = services.send_notice(
                by=request.user,
                link=link,
                kind=form.cleaned_data["kind"],
                sender=sender,
                recipient=recipient,
                body=form.cleaned_data["body"],
                sent_on=timezone.localdate(),
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The notice was sent."))
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/notice_send.html", {"link": link, "form": form})


@login_required
def member_thread(request: AuthenticatedHttpRequest, member_pk: int) -> HttpResponse:
    """Every notice about a member that the user may see, from both sides. The
    residence side keeps seeing the notices after the member left its scope."""
    notices = list(_notices(request).about(member_pk).prefetch_related("replies__organization"))
    try:
        member = get_member_for_user(request.user, member_pk)
    except Http404:
        if not notices:
            raise
        member = notices[0].member
    context = {"member": member, "notices": notices, "today": timezone.localdate()}
    return render(request, "notices/member_thread.html", context)
