"""The numbers page (for each role the user holds, the numbers that role works with), the
audit page, and the management of accounts and role assignments."""

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lienhe213.accounts import dashboards
from lienhe213.accounts.access import (
    ROLE_RANK,
    AnyUser,
    AuthenticatedHttpRequest,
    Capability,
    has_capability,
    highest_rank_at,
    manages_accounts,
    manages_role,
    own_member_id,
    sees_everything,
)
from lienhe213.accounts.forms import (
    AccountForm,
    AccountSearchForm,
    AuditFilterForm,
    GrantRoleForm,
    LoginForm,
    PasswordChangeForm,
    ResetRequestForm,
)
from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.accounts.queries import (
    accounts_in_scope,
    accounts_with_roles,
    describe_accounts,
    search_accounts,
)
from lienhe213.accounts.services import (
    change_password,
    create_account,
    grant_role,
    new_temporary_password,
    reset_password,
    revoke_role,
    set_account_active,
    unlock_account,
)
from lienhe213.accounts.throttles import (
    Lockout,
    LoginAttemptThrottle,
    PasswordResetThrottle,
    attempted_username,
    locked_usernames,
)
from lienhe213.core import changes
from lienhe213.core.errors import DomainError
from lienhe213.core.models import AuditEvent
from lienhe213.core.pages import PAGE_SIZE, PeekPage, peek_page, query_without_page, render_page
from lienhe213.core.text import fold
from lienhe213.members.models import Member
from lienhe213.members.queries import MemberQuerySet
from lienhe213.organizations.access import get_organization_for_user
from lienhe213.organizations.models import AdministrativeUnit, Organization

_WORKING = Q(employment=Member.Employment.WORKING)


@dataclass
class Section:
    """One block of the home page: a role over an organization and its numbers."""

    kind: str
    role_label: str
    organization: Organization | None
    numbers: dict[str, Any] = field(default_factory=dict)
    dashboard_url: str = ""


def _members(user: AnyUser, org: Organization | None) -> MemberQuerySet:
    members = Member.objects.visible_to(user)
    return members.in_subtree(org) if org is not None else members


def _member_totals(user: AnyUser, org: Organization | None) -> dict[str, int]:
    return _members(user, org).aggregate(members=Count("id"), working=Count("id", filter=_WORKING))


def _overview(user: AnyUser, org: Organization | None, label: str) -> Section:
    orgs = Organization.objects.visible_to(user).current()
    if org is not None:
        orgs = orgs.in_subtree(org)
    kinds = dict(Organization.Kind.choices)
    by_kind = [
        (kinds.get(row["kind"], row["kind"]), row["n"])
        for row in orgs.values("kind").annotate(n=Count("id")).order_by("kind")
    ]
    communes = (
        orgs.filter(administrative_unit__level=AdministrativeUnit.Level.COMMUNE)
        .values("administrative_unit")
        .distinct()
        .count()
    )
    numbers = {"by_kind": by_kind, "communes": communes, **_member_totals(user, org)}
    return Section("overview", label, org, numbers)


def _commune(user: AnyUser, org: Organization, label: str) -> Section:
    cells = Organization.objects.visible_to(user).current().in_subtree(org)
    top_cells = (
        _members(user, org)
        .values("organization_id", "organization__name")
        .annotate(n=Count("id"))
        .order_by("-n", "organization__name")[:10]
    )
    numbers = {
        "cells": cells.filter(kind=Organization.Kind.CELL).count(),
        "top_cells": list(top_cells),
        **_member_totals(user, org),
    }
    return Section("commune", label, org, numbers)


def _section(user: AnyUser, assignment: RoleAssignment) -> Section:
    section = _numbers(user, assignment)
    if Role(assignment.role) in dashboards.KIND_OF_ROLE:
        section.dashboard_url = reverse(
            "accounts:dashboard", args=[assignment.organization_id, assignment.role]
        )
    return section


def _numbers(user: AnyUser, assignment: RoleAssignment) -> Section:
    role, org = Role(assignment.role), assignment.organization
    label = str(role.label)
    if role in (Role.ADMINISTRATOR, Role.PROVINCIAL_OFFICER):
        return _overview(user, org, label)
    if role == Role.COMMUNE_CLERK:
        return _commune(user, org, label)
    if role in (Role.CELL_SECRETARY, Role.WORKPLACE_OFFICER):
        return Section(role.value, label, org, _member_totals(user, org))
    record = (
        Member.objects.visible_to(user)
        .filter(pk=own_member_id(user) or 0)
        .select_related("organization")
        .first()
    )
    return Section("member", label, org, {"record": record})


@login_required
def numbers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The numbers, one tap below the home page: a section per role held (several roles
    give several sections); every number is counted through the gatekeepers, a few
    aggregate queries per section."""
    assignments = (
        RoleAssignment.objects.held_by(request.user)
        .current()
        # A community representative counts nothing here: their opinions are theirs.
        .exclude(role=Role.COMMUNITY_REPRESENTATIVE)
        .select_related("organization")
        .order_by("organization__path", "role")
    )
    sections = [_section(request.user, a) for a in assignments]
    if not sections and sees_everything(request.user):
        sections.append(_overview(request.user, None, str(Role.ADMINISTRATOR.label)))
    return render(request, "accounts/numbers.html", {"sections": sections})


def _year(value: str | None, today: datetime.date) -> int:
    try:
        year = int(value or today.year)
    except ValueError:
        return today.year
    return year if 2020 <= year <= 2100 else today.year


@login_required
def dashboard(request: AuthenticatedHttpRequest, pk: int, role: str) -> HttpResponse:
    """The dashboard of one role the user holds over an organization (the current
    year, or ``?year=``); the home page loads it with htmx once shown, so the home page
    itself stays fast (ADR 0010). 404 for an organization out of sight or a role
    without a dashboard, 403 when the user does not hold that role there."""
    user = request.user
    org = get_organization_for_user(user, pk)
    if role not in dashboards.KIND_OF_ROLE:
        raise Http404
    held = (
        RoleAssignment.objects.held_by(user).current().filter(organization=org, role=role).exists()
    )
    if not held:
        raise PermissionDenied
    today = timezone.localdate()
    board = dashboards.cached(
        user=user,
        kind=dashboards.KIND_OF_ROLE[Role(role)],
        organization=org,
        year=_year(request.GET.get("year"), today),
        today=today,
    )
    context = {"organization": org, "role_label": Role(role).label, "dashboard": board}
    return render_page(request, "accounts/dashboard.html", context, "dashboard")


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit trail of the user's scope; events outside any subtree (logins of
    unassigned accounts, system jobs) only for superusers."""
    if not has_capability(request.user, Capability.VIEW_AUDIT):
        raise PermissionDenied
    events = AuditEvent.objects.visible_to(request.user)
    form = AuditFilterForm(request.GET)
    page = peek_page(form.filter(events), request.GET.get("page"))
    described = changes.describe(
        (changes.model_named(event.object_type), changes.change_rows(event.changes))
        for event in page.rows
    )
    for event, rows in zip(page.rows, described, strict=True):
        event.change_rows = rows  # type: ignore[attr-defined]
        event.object_kind = changes.object_kind(event.object_type)  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render_page(request, "accounts/auditevent_list.html", context, "results")


@login_required
def role_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The role assignments of an organization's subtree, with the grant form; a POST
    grants a role through ``grant_role``."""
    user = request.user
    org = get_organization_for_user(user, pk)
    if not manages_accounts(user, org.path):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = GrantRoleForm(data, user=user, organization=org)
    if form.is_valid():
        try:
            chosen: dict[str, Any] = form.cleaned_data
            grant_role(
                by=user,
                user=chosen["username"],
                organization=chosen["organization"],
                role=chosen["role"],
                representative_kind=chosen["representative_kind"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("accounts:roles", pk=org.pk)
    assignments = (
        RoleAssignment.objects.visible_to(user)
        .filter(organization__path__under=org.path)
        .select_related("user", "organization", "granted_by")
        .order_by("organization__path", "user__username", "role")
    )
    page = peek_page(assignments, request.GET.get("page"))
    rank = highest_rank_at(user, org.path)
    for assignment in page.rows:
        assignment.can_revoke = ROLE_RANK[  # type: ignore[attr-defined]
            Role(assignment.role)
        ] <= rank and manages_role(user, assignment.role, assignment.organization.path)
    context = {
        "organization": org,
        "form": form,
        "page": page,
        "query": query_without_page(request),
    }
    return render_page(request, "accounts/roleassignment_list.html", context, "results")


@login_required
@require_POST
def role_revoke(request: AuthenticatedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Withdraw one role of the organization's subtree through ``revoke_role``."""
    user = request.user
    org = get_organization_for_user(user, pk)
    if not manages_accounts(user, org.path):
        raise PermissionDenied
    assignment = get_object_or_404(
        RoleAssignment.objects.visible_to(user)
        .select_related("user", "organization")
        .filter(organization__path__under=org.path),
        pk=assignment_pk,
    )
    try:
        revoke_role(by=user, assignment=assignment)
    except DomainError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("The role was withdrawn."))
    return redirect("accounts:roles", pk=org.pk)


@login_required
def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Accounts holding a role the user manages, with those roles; searched by
    username or name."""
    user = request.user
    if not manages_accounts(user):
        raise PermissionDenied
    accounts = accounts_in_scope(user).order_by("username", "pk")
    form = AccountSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    if fold(text):
        # Page over the matching ids, then fetch only that page's accounts.
        number = _page_number(request.GET.get("page"))
        ids = search_accounts(accounts, text)[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1]
        rows = list(accounts_with_roles(accounts.filter(pk__in=ids)))
        page = PeekPage(rows=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)
    else:
        page = peek_page(accounts_with_roles(accounts), request.GET.get("page"))
    describe_accounts(user, page.rows)
    locked = locked_usernames([account.username for account in page.rows])
    for account in page.rows:
        account.locked = account.username in locked  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render_page(request, "accounts/user_list.html", context, "results")


def _page_number(value: object) -> int:
    try:
        return max(1, int(str(value)))
    except ValueError:
        return 1


@login_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create an account; a temporary password, when asked for, is shown once on the
    answer to the POST and stored nowhere in clear."""
    user = request.user
    if not manages_accounts(user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = AccountForm(data, user=user)
    if form.is_valid():
        password = new_temporary_password() if form.cleaned_data["generate_password"] else None
        try:
            account = create_account(by=user, password=password, **form.changes())
        except DomainError as err:
            form.add_domain_error(err)
        else:
            context = {"account": account, "password": password}
            response = render(request, "accounts/user_created.html", context)
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_POST
def account_set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enable or disable an account of the user's scope through ``set_account_active``."""
    user = request.user
    if not manages_accounts(user):
        raise PermissionDenied
    account = get_object_or_404(accounts_in_scope(user), pk=pk)
    is_active = request.POST.get("is_active") == "1"
    try:
        set_account_active(by=user, user=account, is_active=is_active)
    except DomainError as err:
        messages.error(request, str(err))
    else:
        if is_active:
            messages.success(request, _("The account was enabled."))
        else:
            messages.success(request, _("The account was disabled."))
    return redirect(back_to_accounts(request))


@login_required
@require_POST
def account_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End an account's lockout after failed logins through ``unlock_account``."""
    user = request.user
    if not manages_accounts(user):
        raise PermissionDenied
    account = get_object_or_404(accounts_in_scope(user), pk=pk)
    try:
        unlock_account(by=user, user=account)
    except DomainError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("The account was unlocked."))
    return redirect(back_to_accounts(request))


def back_to_accounts(request: HttpRequest) -> str:
    query = request.POST.get("query", "")
    url = reverse("accounts:account_list")
    return f"{url}?{query}" if query and "//" not in query else url


class LoginView(auth_views.LoginView):
    """Django's login form, with the attempts per client address and username limited
    (``LIENHE213_LOGIN_RATE``, ten a minute by default) and a username locked after
    wrong passwords from any address (``LIENHE213_LOCKOUT_*``, see
    ``accounts.throttles``): either way the form answers 429 without checking the
    password, and the attempt is recorded as a failed login."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = LoginAttemptThrottle()
        username = attempted_username(request.POST)
        lockout = Lockout(username)
        if not throttle.allow_login(request):
            refused = "throttled"
            seconds = max(1, math.ceil(throttle.wait() or 60))
            refusal = ngettext(
                "Too many attempts to log in. Try again in %(seconds)d second.",
                "Too many attempts to log in. Try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        elif lockout.is_locked():
            refused = "locked"
            seconds = max(1, math.ceil(lockout.remaining()))
            refusal = ngettext(
                "Too many failed attempts to log in with this username. "
                "Try again in %(seconds)d second.",
                "Too many failed attempts to log in with this username. "
                "Try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        else:
            return super().post(request, *args, **kwargs)
        user_login_failed.send(
            sender=__name__,
            credentials={"username": username},
            request=request,
            refused=refused,
        )
        form = self.get_form_class()(request, initial={"username": username})
        context = self.get_context_data(form=form, refusal=refusal)
        return self.render_to_response(context, status=429)


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change one's own password through ``change_password``; this session stays, the
    others and the API tokens end. The only page an account with a temporary password
    may open (``accounts.middleware.PasswordChangeRequiredMiddleware``)."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = PasswordChangeForm(data)
    if form.is_valid():
        try:
            changed = change_password(
                by=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            update_session_auth_hash(request, changed)
            messages.success(
                request,
                _("Your password was changed. Your other sessions and API tokens were ended."),
            )
            return redirect("accounts:home")
    forced = getattr(user, "must_change_password", False)
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail (Django's view). The answer is the same whether
    or not an account holds the address; requests per address are limited
    (``LIENHE213_RESET_RATE``), over it the form answers 429 and sends nothing. The
    link points at ``SITE_URL``, never at the Host header of the request."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        throttle = PasswordResetThrottle()
        if throttle.allow_reset(request):
            return super().post(request, *args, **kwargs)
        minutes = max(1, math.ceil((throttle.wait() or 60) / 60))
        refusal = ngettext(
            "Too many requests for this address. Try again in %(minutes)d minute.",
            "Too many requests for this address. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        context = self.get_context_data(form=self.get_form(), refusal=refusal)
        return self.render_to_response(context, status=429)

    @property
    def extra_email_context(self) -> dict[str, Any]:
        return {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password through the link (Django's view and token, valid
    ``PASSWORD_RESET_TIMEOUT`` seconds and once); saved by ``reset_password``."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            reset_password(user=self.user, new_password=form.cleaned_data["new_password1"])
        except DomainError as err:
            form.add_error(None, str(err))
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
