"""Two-factor sign-in pages: the code asked after the password, setting up the
authenticator app, the recovery codes, turning it off, and the reset of another
account's by whoever may unlock it. The writes are in ``accounts.services.two_factor``."""

from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe213.accounts.access import (
    AuthenticatedHttpRequest,
    manages_accounts,
    needs_second_factor,
)
from lienhe213.accounts.forms import SecondFactorForm
from lienhe213.accounts.models import User
from lienhe213.accounts.queries import accounts_in_scope, authenticator
from lienhe213.accounts.services import (
    confirm_two_factor,
    renew_recovery_codes,
    start_two_factor,
    turn_off_refusal,
    turn_off_two_factor,
    verify_second_factor,
)
from lienhe213.accounts.views.accounts import back_to_accounts
from lienhe213.core.errors import DomainError


def _next_url(request: HttpRequest) -> str:
    """The page asked for before the code, when it is on this site; else home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("accounts:home")


def _signed_in_with(request: HttpRequest, device: object) -> None:
    """The session has given its second factor: a new session key, as at a login."""
    request.session.cycle_key()
    django_otp.login(request, device)  # type: ignore[no-untyped-call]


@login_required
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's sign-in settings: the password, and two-factor sign-in with what
    is left of the recovery codes."""
    user = request.user
    assert isinstance(user, User)
    app = authenticator(user)
    codes_left = StaticToken.objects.filter(device__user=user).count() if app else 0
    return render(
        request,
        "accounts/security.html",
        {
            "app": app,
            "codes_left": codes_left,
            "required": needs_second_factor(user),
            "may_turn_off": app is not None and turn_off_refusal(user, user) is None,
        },
    )


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up the authenticator app: a POST without a code makes a new secret (shown
    by the GET as a link for the app on this phone, a QR code for another device, and
    the key to type); a POST with a code puts it in force and shows the recovery codes
    once."""
    user = request.user
    assert isinstance(user, User)
    if authenticator(user) is not None:
        return redirect("accounts:security")
    form = SecondFactorForm(request.POST if "code" in request.POST else None)
    if request.method == "POST" and "code" not in request.POST:
        try:
            start_two_factor(by=user)
        except DomainError as err:
            messages.error(request, str(err))
        return redirect("accounts:two_factor_setup")
    if form.is_valid():
        try:
            codes = confirm_two_factor(by=user, code=form.cleaned_data["code"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            _signed_in_with(request, authenticator(user))
            messages.success(request, _("Two-factor sign-in is on."))
            return _show_codes(request, codes)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    context: dict[str, object] = {"form": form, "required": needs_second_factor(user)}
    if pending is not None:
        url = pending.config_url
        key = b32encode(pending.bin_key).decode()
        context.update(
            {
                "pending": pending,
                "config_url": url,
                "qr_svg": segno.make(url, error="m").svg_inline(scale=4, dark="#000"),
                "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            }
        )
    return render(request, "accounts/two_factor_setup.html", context)


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The recovery codes, on this response only (pages are never cached)."""
    shown = [f"{code[:4]} {code[4:]}" for code in codes]
    return render(request, "accounts/recovery_codes.html", {"codes": shown})


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    assert isinstance(user, User)
    if getattr(user, "is_verified", lambda: False)() or not user.two_factor_enabled:
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            device = verify_second_factor(user=user, code=form.cleaned_data["code"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if device is not None:
                _signed_in_with(request, device)
                return redirect(_next_url(request))
            form.add_error("code", _("This code is not right. Enter the code your app shows now."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@login_required
@require_POST
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes for one's own account; the previous ones stop working."""
    user = request.user
    assert isinstance(user, User)
    try:
        codes = renew_recovery_codes(by=user)
    except DomainError as err:
        messages.error(request, str(err))
        return redirect("accounts:security")
    return _show_codes(request, codes)


@login_required
@require_POST
def two_factor_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn off one's own two-factor sign-in, where one's roles allow it."""
    user = request.user
    assert isinstance(user, User)
    try:
        turn_off_two_factor(by=user, user=user)
    except DomainError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:security")


@login_required
@require_POST
def account_two_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reset the two-factor sign-in of an account in one's scope whose owner lost their
    phone and recovery codes; they set it up again at their next sign-in."""
    user = request.user
    if not manages_accounts(user):
        raise PermissionDenied
    account = get_object_or_404(accounts_in_scope(user), pk=pk)
    try:
        turn_off_two_factor(by=user, user=account)
    except DomainError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Two-factor sign-in of the account was reset."))
    return redirect(back_to_accounts(request))
