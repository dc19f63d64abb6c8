"""Member pages: the scoped list with search, the record, and its create/edit forms;
the member's download of their own data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lienhe213.accounts.access import (
    AuthenticatedHttpRequest,
    Capability,
    has_capability,
    own_member_id,
)
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import EXPORT_FORMATS
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.members import exports, personal_data, services
from lienhe213.members.access import (
    can_edit,
    get_member_for_user,
    get_own_member,
    reveal_citizen_id,
)
from lienhe213.members.filters import MemberFilter
from lienhe213.members.forms import MemberForm
from lienhe213.members.models import Member
from lienhe213.organizations.addresses import commune_on
from lienhe213.organizations.queries import communities_of

# What a row of the list shows (members/member_list.html): a province's page reads
# these columns only, not the whole record and its party unit's.
LIST_COLUMNS = (
    "family_name",
    "middle_name",
    "given_name",
    "anonymised_on",
    "birth_date",
    "citizen_id",
    "employment",
    "organization__name",
)


@login_required
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Members the user may see, searched and filtered; htmx gets the results only;
    ``?format=xlsx`` exports every matching row; 400 for a filter that cannot be read
    (an organization out of sight among them, as in the API).

    Paged without a total (``peek_page``): counting a province's members costs as much
    as showing the page, and prev/next is all a phone needs.
    """
    user = request.user
    if not (has_capability(user, Capability.VIEW_MEMBERS) or own_member_id(user)):
        raise PermissionDenied
    members = Member.objects.visible_to(user).select_related("organization")
    filterset = MemberFilter(request.GET, queryset=members, request=request)
    valid = filterset.is_valid()
    if valid and (fmt := request.GET.get("format")) in EXPORT_FORMATS:
        rows = filterset.qs.select_related("residence_commune", "residence_community")
        scope = filterset.organization_obj.name if filterset.organization_obj else ""
        return exports.members_xlsx(rows.iterator(chunk_size=500), scope, fmt=fmt)
    rows = (filterset.qs if valid else members.none()).only(*LIST_COLUMNS)
    page = peek_page(rows, request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": query_without_page(request),
        "can_create": has_capability(user, Capability.EDIT_MEMBERS),
    }
    response = render_page(request, "members/member_list.html", context, "results")
    if not valid:
        response.status_code = 400  # a filter that cannot be read, as in the API
    return response


@login_required
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_member_for_user(request.user, pk)
    commune = member.residence_commune
    context = {
        "member": member,
        # Today's view shows today's units: a pre-2025 commune as its 2025 successor.
        "residence_commune": commune and commune_on(commune, timezone.localdate()),
        "can_edit": can_edit(request.user, member),
        "citizen_id": reveal_citizen_id(request.user, member),
        "is_own": getattr(request.user, "member_id", None) == member.pk,
    }
    return render(request, "members/member_detail.html", context)


@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in member's own data as one workbook (the data subject's right of
    access); audited as an export. An account linked to no member record gets a page
    saying so (404)."""
    try:
        member = get_own_member(request.user)
    except Http404 as exc:
        return render(request, "members/my_data_missing.html", {"reason": exc}, status=404)
    return exports.personal_data_xlsx(personal_data.collect(member))


@login_required
def member_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.EDIT_MEMBERS):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = MemberForm(data, user=request.user)
    if form.is_valid():
        try:
            member = services.create_member(by=request.user, **form.changes())
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The member was registered."))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form})


@login_required
def member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_member_for_user(request.user, pk, write=True)
    name = member.full_name  # binding the form writes the posted values onto ``member``
    data = request.POST if request.method == "POST" else None
    if data is None:
        reveal_citizen_id(request.user, member)  # the form shows it in full: audited
    form = MemberForm(data, instance=member, user=request.user)
    if form.is_valid():
        try:
            services.update_member(
                by=request.user,
                member=member,
                version=form.cleaned_data["version"],
                **form.changes(),
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("members:detail", pk=member.pk)
    context = {"form": form, "member": member, "name": name}
    return render(request, "members/member_form.html", context)


@login_required
def community_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The ``<option>``s of a commune's communities, for the member form (htmx)."""
    if not has_capability(request.user, Capability.EDIT_MEMBERS):
        raise PermissionDenied
    communities = communities_of(request.GET.get("residence_commune"))
    context = {"communities": communities}
    return render(request, "members/member_form.html#community_options", context)
