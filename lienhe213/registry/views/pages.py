"""The tracking-book pages: entry, the residence book, the workplace mirror, a member's
links and classification, the reconciliation worklist."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import (
    AnyUser,
    AuthenticatedHttpRequest,
    Capability,
    has_capability,
)
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS, xlsx_response
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.members.access import get_member_for_user
from lienhe213.members.models import Member
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry import access, exports, forms, services
from lienhe213.registry.filters import BookFilter, WorkplaceFilter, exemption_reasons, latest_links
from lienhe213.registry.history import history_lines
from lienhe213.registry.models import Category, ExemptionDecision, ResidenceLink
from lienhe213.registry.queries import classifications_on
from lienhe213.registry.reconciliation import reconcile
from lienhe213.registry.views._common import (
    BOOK_PAGE_COLUMNS,
    BOOK_RELATED,
    REGISTRY_CAPABILITIES,
    WORKLIST_ROWS,
)
from lienhe213.registry.views.restructure import ended_holders

# --- entry ----------------------------------------------------------------------------


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the user's tracking books are: their organizations and, under a higher
    committee, its grassroots organizations."""
    user = request.user
    roots = list(Organization.objects.entry_points(user, REGISTRY_CAPABILITIES))
    if not roots:
        raise PermissionDenied
    below = (
        Organization.objects.current()
        .filter(
            parent__in=[o for o in roots if not o.has_tracking_book and not o.is_workplace_unit]
        )
        .grassroots()
        .order_by("side", "name", "pk")
    )
    context = {"roots": roots, "below": below}
    return render(request, "registry/index.html", context)


# --- the book (residence side) --------------------------------------------------------


@login_required
def book(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The tracking book of a residential cell or commune: one row per linked member,
    filtered, in Vietnamese name order, paged without a count; ``?format=xlsx`` exports
    every matching row."""
    org = get_organization_for_user(request.user, org_pk)
    if not org.has_tracking_book:
        raise Http404
    today = timezone.localdate()
    links = (
        ResidenceLink.objects.visible_to(request.user)
        .at_residence(org)
        .select_related(*BOOK_RELATED)
    )
    filterset = BookFilter(request.GET, queryset=links, request=request, organization=org, on=today)
    on_commune = org.is_commune_committee
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return _export_book(filterset.qs, org, today, on_commune, fmt=fmt)
    page = peek_page(filterset.qs.only(*BOOK_PAGE_COLUMNS), request.GET.get("page"))
    reasons = exemption_reasons([link.member_id for link in page.rows], today)
    context = {
        "organization": org,
        "filter": filterset,
        "page": page,
        "rows": [(link, reasons.get(link.member_id, "")) for link in page.rows],
        "query": query_without_page(request),
        "on_commune": on_commune,
        "today": today,
    }
    return render_page(request, "registry/book.html", context, "results")


def _export_book(
    links: Any, org: Organization, today: Any, on_commune: bool, *, fmt: str
) -> HttpResponse:
    reasons = exemption_reasons(links.values("member_id"), today)
    rows = (
        exports.book_row(number, link, reasons.get(link.member_id, ""), today, on_commune)
        for number, link in enumerate(links.iterator(chunk_size=500), start=1)
    )
    return xlsx_response(
        title=_("Tracking book"),
        filename=f"{org.name} {today.isoformat()}",
        columns=exports.book_columns(on_commune),
        rows=rows,
        fmt=fmt,
    )


# --- the workplace mirror -------------------------------------------------------------


def _workplace_org(user: AnyUser, org_pk: object) -> Organization:
    org = get_organization_for_user(user, org_pk)
    if not org.is_workplace_unit:
        raise Http404
    return org


@login_required
def workplace(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """A workplace organization's working members, their classification, where each is
    registered and the state of each letter; the bulk letter form on top."""
    org = _workplace_org(request.user, org_pk)
    return _workplace_page(request, org, selected=set(), form=None)


def _working_members(user: AnyUser, org: Organization) -> Any:
    return (
        Member.objects.visible_to(user)
        .in_subtree(org)
        .filter(employment=Member.Employment.WORKING)
        .select_related("organization")
    )


def _workplace_page(
    request: HttpRequest,
    org: Organization,
    *,
    selected: set[int],
    form: forms.IssueLettersForm | None,
) -> HttpResponse:
    today = timezone.localdate()
    members = _working_members(request.user, org)
    filterset = WorkplaceFilter(request.GET, queryset=members, request=request, on=today)
    if (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        return _export_workplace(filterset.qs, org, today, fmt=fmt)
    page = peek_page(filterset.qs, request.GET.get("page"))
    ids = [member.pk for member in page.rows]
    categories = classifications_on(ids, today)
    links = latest_links(ids)
    context = {
        "organization": org,
        "filter": filterset,
        "page": page,
        "rows": [(m, categories.get(m.pk), links.get(m.pk)) for m in page.rows],
        "query": query_without_page(request),
        "can_issue": has_capability(request.user, Capability.MANAGE_LETTERS, org.path),
        "form": form or forms.IssueLettersForm(member_ids=ids),
        "selected": selected,
        "today": today,
    }
    return render_page(request, "registry/workplace.html", context, "results")


def _export_workplace(members: Any, org: Organization, today: Any, *, fmt: str) -> HttpResponse:
    members = list(members)
    ids = [m.pk for m in members]
    categories = classifications_on(ids, today)
    links = latest_links(ids)
    labels = dict(Category.choices)

    def row(number: int, member: Member) -> list[Any]:
        link = links.get(member.pk)
        category = categories.get(member.pk)
        return [
            number,
            member.full_name,
            member.birth_date,
            member.organization.name,
            str(labels[category]) if category else _("Not yet classified"),
            link.residence_commune_organization.name if link else "",
            link.residence_cell.name if link and link.residence_cell else "",
            f"{link.letter_number}/{link.letter_year}" if link else "",
            link.issued_on if link else None,
            link.get_status_display() if link else _("No letter"),
            link.deadline if link else None,
            _("Yes") if link and link.is_overdue(today) else "",
        ]

    return xlsx_response(
        title=_("Working members"),
        filename=f"{org.name} {today.isoformat()}",
        columns=exports.workplace_columns(),
        rows=(row(n, m) for n, m in enumerate(members, start=1)),
        fmt=fmt,
    )


@login_required
@require_POST
def issue_letters(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The bulk action: one letter for each chosen member, all or nothing."""
    org = _workplace_org(request.user, org_pk)
    access.require_side(request.user, access.LinkSide.WORKPLACE, org)
    posted = {int(v) for v in request.POST.getlist("members") if v.isdigit()}
    candidates = _working_members(request.user, org).filter(pk__in=posted)
    form = forms.IssueLettersForm(
        request.POST, member_ids=list(candidates.values_list("pk", flat=True))
    )
    if form.is_valid():
        chosen = list(candidates.filter(pk__in=form.cleaned_data["members"]).vietnamese_order())
        try:
            letters = services.issue_letters(
                by=request.user,
                workplace=org,
                members=chosen,
                issued_on=form.cleaned_data["issued_on"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _issued_message(org, letters))
            return redirect("registry:workplace", org_pk=org.pk)
    return _workplace_page(request, org, selected=posted, form=form)


def _issued_message(org: Organization, letters: list[ResidenceLink]) -> str:
    """What was done, what comes next, and the link to print the letters just issued
    (the letter batch of that issue day, ``documents:batches``)."""
    count = len(letters)
    text = ngettext(
        "%(count)d letter was issued; the residence commune committee is told and receives "
        "it when the member presents it.",
        "%(count)d letters were issued; the residence commune committees are told and "
        "receive them when the members present them.",
        count,
    ) % {"count": count}
    query = urlencode({"issued_on": letters[0].issued_on.isoformat()})
    url = f"{reverse('documents:batches', args=[org.pk])}?{query}"
    return format_html('{} <a href="{}">{}</a>', text, url, _("Print the letters just issued"))


# --- a member's links and classification ----------------------------------------------


@login_required
def member_links(request: AuthenticatedHttpRequest, member_pk: int) -> HttpResponse:
    """A member's classifications and every link the user may see, with their history.
    The residence side keeps seeing a closed link (the book keeps its history) even
    when the member is no longer visible to it."""
    links = list(
        ResidenceLink.objects.visible_to(request.user)
        .filter(member_id=member_pk)
        .select_related(*BOOK_RELATED)
        .prefetch_related("events__by")
        .order_by("-issued_on", "-pk")
    )
    for link in links:
        link.history = history_lines(link, link.events.all())  # type: ignore[attr-defined]
    try:
        member = get_member_for_user(request.user, member_pk)
    except Http404:
        if not links:
            raise
        member = links[0].member
    context = {
        "member": member,
        "links": links,
        "decisions": member.exemption_decisions.select_related(
            "decided_by", "proposed_by"
        ).order_by("-valid_from", "-pk"),
        "can_classify": forms.deciders_for(request.user, member).exists(),
        "residence_only": access.residence_only(request.user, member),
    }
    return render(request, "registry/member_links.html", context)


@login_required
def classify(request: AuthenticatedHttpRequest, member_pk: int) -> HttpResponse:
    """Record the workplace's classification of a working member: normal, or an
    exemption of category A or B with its reason."""
    member = get_member_for_user(request.user, member_pk)
    if not forms.deciders_for(request.user, member).exists():
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = forms.ClassifyForm(data, member=member, user=request.user)
    if form.is_valid():
        try:
            _record_classification(request.user, member, form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The classification was recorded."))
            return redirect("registry:member_links", member_pk=member.pk)
    return render(request, "registry/classify.html", {"form": form, "member": member})


def _record_classification(
    user: AnyUser, member: Member, data: dict[str, Any]
) -> ExemptionDecision:
    common = {
        "by": user,
        "member": member,
        "decided_by": data["decided_by"],
        "decided_on": data["decided_on"],
        "valid_from": data["valid_from"],
        "proposed_by": data["proposed_by"],
        "evidence": data["evidence"],
    }
    if data["category"] == Category.NORMAL:
        if data["reason"]:
            raise DomainError(_("This reason does not fit the category."), field="reason")
        return services.classify_member(**common)
    return services.record_exemption(
        **common,
        category=data["category"],
        reason=data["reason"],
        valid_until=data["valid_until"],
        review_on=data["review_on"],
    )


# --- reconciliation worklist ----------------------------------------------------------


@login_required
def worklist(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """No member lost: the reconciliation of the organization's subtree today, grouped by
    problem, each row leading to the page where it is put right."""
    org = get_organization_for_user(request.user, org_pk)
    today = timezone.localdate()
    check = reconcile(on=today, organization=org)
    groups = [
        (finding, _worklist_rows(request.user, finding)) for finding in check.findings.values()
    ]
    context = {
        "organization": org,
        "check": check,
        "groups": groups,
        "limit": WORKLIST_ROWS,
        "ended_holders": ended_holders(request.user, org, today),
    }
    return render(request, "registry/worklist.html", context)


def _worklist_rows(user: AnyUser, finding: Any) -> list[Any]:
    ids = finding.ids[:WORKLIST_ROWS]
    if not ids:
        return []
    if finding.object_type == "member":
        return list(Member.objects.visible_to(user).filter(pk__in=ids).vietnamese_order())
    if finding.object_type == "link":
        return list(
            ResidenceLink.objects.visible_to(user)
            .filter(pk__in=ids)
            .select_related(*BOOK_RELATED)
            .order_by("member__name_sort_key", "pk")
        )
    return list(
        ExemptionDecision.objects.filter(pk__in=ids, member__in=Member.objects.visible_to(user))
        .select_related("member")
        .order_by("member__name_sort_key", "pk")
    )
