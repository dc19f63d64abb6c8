"""Bulk steps of the tracking book, each with a summary page that asks once before the
step is taken (it works without JavaScript): the commune's letters waiting to be
received, and the summary before the workplace issues letters to many members."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest
from lienhe213.core.pages import peek_page, query_without_page, render_page
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import Organization
from lienhe213.registry import access, forms, services
from lienhe213.registry.models import Category, LetterForm, ResidenceLink
from lienhe213.registry.queries import classifications_on
from lienhe213.registry.views.pages import _working_members, _workplace_org, _workplace_page

# --- the commune: letters waiting to be received ---------------------------------------


def _commune_for_user(request: HttpRequest, org_pk: int) -> Organization:
    """A commune committee the user sees (404) and may receive letters for (403)."""
    org = get_organization_for_user(request.user, org_pk)
    if not org.is_commune_committee:
        raise Http404
    access.require_side(request.user, access.LinkSide.COMMUNE, org)
    return org


def _waiting(request: HttpRequest, org: Organization) -> Any:
    return (
        ResidenceLink.objects.visible_to(request.user)
        .filter(residence_commune_organization=org)
        .select_related("member", "workplace_organization")
    )


@login_required
@require_http_methods(["GET", "POST"])
def receive_letters(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The commune's letters issued to it and not yet received, oldest first, to
    receive many at once: choose, see the summary, confirm. Each letter goes through
    ``receive_letter`` on its own; one refused (received meanwhile, changed) is named
    with its reason and the others are received."""
    org = _commune_for_user(request, org_pk)
    waiting = _waiting(request, org).filter(status=ResidenceLink.Status.ISSUED)
    if request.method == "GET":
        form = forms.ReceiveLettersForm(link_ids=[])
        return _waiting_page(request, org, waiting, form, selected=set())
    posted = [int(v) for v in request.POST.getlist("links") if v.isdigit()]
    # every letter of the commune the user sees: one no longer waiting is refused by name
    candidates = {link.pk: link for link in _waiting(request, org).filter(pk__in=posted)}
    form = forms.ReceiveLettersForm(request.POST, link_ids=list(candidates))
    if not form.is_valid():
        return _waiting_page(request, org, waiting, form, selected=set(posted))
    chosen = [candidates[pk] for pk in form.cleaned_data["links"]]
    chosen.sort(key=lambda link: (link.member.name_sort_key, link.pk))
    received_on = form.cleaned_data["received_on"]
    if request.POST.get("confirmed") != "1":
        context = {
            "organization": org,
            "links": [(link, form.version_of(link.pk)) for link in chosen],
            "received_on": received_on,
        }
        return render(request, "registry/receive_confirm.html", context)
    done, refused = services.receive_letters(
        by=request.user,
        links=[(link, form.version_of(link.pk)) for link in chosen],
        received_on=received_on,
    )
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d letter was received and the member listed in the book; next, "
                "assign the member to a residential cell.",
                "%(count)d letters were received and the members listed in the book; next, "
                "assign each member to a residential cell.",
                len(done),
            )
            % {"count": len(done)},
        )
    for link, reason in refused:
        messages.error(
            request,
            _("The letter of %(member)s was not received: %(reason)s")
            % {"member": link.member.full_name, "reason": reason},
        )
    return redirect("registry:receive_letters", org_pk=org.pk)


def _waiting_page(
    request: HttpRequest,
    org: Organization,
    waiting: Any,
    form: forms.ReceiveLettersForm,
    *,
    selected: set[int],
) -> HttpResponse:
    page = peek_page(
        waiting.order_by("issued_on", "member__name_sort_key", "pk"), request.GET.get("page")
    )
    context = {
        "organization": org,
        "page": page,
        "query": query_without_page(request),
        "form": form,
        "selected": selected,
        "today": timezone.localdate(),
    }
    return render_page(request, "registry/receive_letters.html", context, "results")


# --- the workplace: the summary before a bulk issue ------------------------------------


@login_required
@require_POST
def issue_letters_confirm(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """What the bulk issue will do — which member gets which form, sent to which
    commune committee, dated when — and the one button that issues them
    (``registry:issue_letters``). Nothing is written here."""
    org = _workplace_org(request.user, org_pk)
    access.require_side(request.user, access.LinkSide.WORKPLACE, org)
    posted = {int(v) for v in request.POST.getlist("members") if v.isdigit()}
    candidates = _working_members(request.user, org).filter(pk__in=posted)
    form = forms.IssueLettersForm(
        request.POST, member_ids=list(candidates.values_list("pk", flat=True))
    )
    if not form.is_valid():
        return _workplace_page(request, org, selected=posted, form=form)
    chosen = list(candidates.filter(pk__in=form.cleaned_data["members"]).vietnamese_order())
    issued_on = form.cleaned_data["issued_on"]
    categories = classifications_on([m.pk for m in chosen], issued_on)
    communes = services.residence_committees_for(chosen)
    forms_of: dict[str, Any] = {
        Category.NORMAL: LetterForm.NORMAL.label,
        Category.A: LetterForm.CATEGORY_A.label,
    }
    context = {
        "organization": org,
        "issued_on": issued_on,
        "rows": [
            (
                member,
                forms_of.get(categories.get(member.pk, ""), ""),
                categories.get(member.pk),
                communes.get(member.residence_commune_id or 0),
            )
            for member in chosen
        ],
    }
    return render(request, "registry/issue_confirm.html", context)
