"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238) with one-time recovery
codes, through django-otp's TOTP and static devices.

An account turns it on by proving one code from its app (``confirm_two_factor``); from
then on every sign-in — the login page and the API's token endpoint — asks for a code
from the app or one of the recovery codes, each usable once. django-otp slows down
wrong codes per device (1, 2, 4 … seconds between attempts). Turning it on or off and
new recovery codes end the account's API tokens, so that every token in use was issued
after a second factor. Every step is audited; the codes themselves never are.
"""

import math
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienhe213.accounts import access, queries
from lienhe213.accounts.models import User
from lienhe213.accounts.services.accounts import end_tokens, home_path, unlock_refusal
from lienhe213.core import audit
from lienhe213.core.errors import DomainError

RECOVERY_CODES = 10
# The name of the devices in django-otp (not shown to users).
APP_DEVICE = "app"
RECOVERY_DEVICE = "recovery"


def clean_code(code: str) -> str:
    """A typed code as stored: digits of any script as ASCII (NFKC), without spaces or
    dashes (recovery codes are shown in two groups), lower case."""
    folded = unicodedata.normalize("NFKC", code)
    digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in folded)
    return "".join(ch for ch in digits if ch not in " -\u00a0\t").lower()


@transaction.atomic
def start_two_factor(*, by: User) -> TOTPDevice:
    """A new secret for ``by``'s authenticator app, not yet in force: it becomes so
    when ``confirm_two_factor`` receives a code computed from it. A secret left
    unconfirmed by an earlier attempt is replaced."""
    User.objects.select_for_update().get(pk=by.pk)
    if queries.authenticator(by) is not None:
        raise DomainError(_("Two-factor sign-in is already on for your account."))
    TOTPDevice.objects.filter(user=by, confirmed=False).delete()
    return TOTPDevice.objects.create(user=by, name=APP_DEVICE, confirmed=False)


@transaction.atomic
def confirm_two_factor(*, by: User, code: str) -> list[str]:
    """Put ``by``'s new authenticator app in force once it shows it computes the right
    codes; returns the recovery codes, shown to the user once."""
    account = User.objects.select_for_update().get(pk=by.pk)
    device = (
        TOTPDevice.objects.select_for_update().filter(user=by, confirmed=False).order_by("-pk")
    ).first()
    if device is None:
        if queries.authenticator(by) is not None:
            raise DomainError(_("Two-factor sign-in is already on for your account."))
        raise DomainError(_("Start the set-up again: scan the new code."))
    if not device.verify_token(clean_code(code)):
        raise DomainError(
            _("This code is not the one your app shows. Check the time on your phone."),
            field="code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    account.two_factor_enabled = by.two_factor_enabled = True
    account.save(update_fields=["two_factor_enabled"])
    codes = _new_recovery_codes(by)
    tokens = end_tokens(user=by)
    audit.record(
        by=by,
        action="update",
        obj=by,
        scope_path=home_path(by),
        changes={"two_factor": [False, True], "api_tokens_deleted": tokens},
        reason="two-factor sign-in turned on",
    )
    return codes


@transaction.atomic
def renew_recovery_codes(*, by: User) -> list[str]:
    """New recovery codes for ``by``; the previous ones stop working."""
    User.objects.select_for_update().get(pk=by.pk)
    if queries.authenticator(by) is None:
        raise DomainError(_("Two-factor sign-in is off for your account."))
    codes = _new_recovery_codes(by)
    audit.record(
        by=by,
        action="update",
        obj=by,
        scope_path=home_path(by),
        changes={"recovery_codes": RECOVERY_CODES},
        reason="new recovery codes",
    )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]  # type: ignore[no-untyped-call]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def turn_off_refusal(by: access.AnyUser, user: User) -> str | None:
    """Why ``by`` may not turn off ``user``'s two-factor sign-in (None when they may).

    An account that must sign in with a second factor cannot drop it itself; whoever
    may unlock an account may reset it, for an owner who lost their phone and their
    recovery codes (the owner sets it up again at the next sign-in)."""
    if user.pk == getattr(by, "pk", None):
        if access.needs_second_factor(user):
            return _("Your role requires two-factor sign-in; it cannot be turned off.")
        return None
    roles = list(user.role_assignments.values_list("role", "organization__path"))
    return unlock_refusal(by, user, roles)


@transaction.atomic
def turn_off_two_factor(*, by: access.AnyUser, user: User) -> User:
    """Remove ``user``'s authenticator app and recovery codes, and end their API
    tokens; allowed only when ``turn_off_refusal`` finds nothing against it."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    refusal = turn_off_refusal(by, locked)
    if refusal is not None:
        raise DomainError(refusal)
    if queries.authenticator(locked) is None:
        raise DomainError(_("Two-factor sign-in is off for this account."))
    TOTPDevice.objects.filter(user=locked).delete()
    StaticDevice.objects.filter(user=locked).delete()
    locked.two_factor_enabled = user.two_factor_enabled = False
    locked.save(update_fields=["two_factor_enabled"])
    tokens = end_tokens(user=locked)
    audit.record(
        by=by,
        action="update",
        obj=locked,
        scope_path=home_path(locked),
        changes={"two_factor": [True, False], "api_tokens_deleted": tokens},
        reason="two-factor sign-in turned off" if by == locked else "two-factor sign-in reset",
    )
    return locked


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` for ``user`` — the authenticator app, or a
    recovery code, which is used up — or None. A right code is audited as a login, a
    wrong one as a failed login, which counts towards the device's slow-down. While the
    device slows down after wrong codes, the attempt is refused with the seconds left,
    and no code is checked."""
    cleaned = clean_code(code)
    devices: list[Device] = []
    if cleaned.isdigit():
        devices.extend(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices.extend(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, details = locked.verify_is_allowed()
            if not allowed:
                wait = (details or {}).get("locked_until")
                seconds = max(1, math.ceil((wait - timezone.now()).total_seconds())) if wait else 1
                raise DomainError(
                    ngettext(
                        "Too many wrong codes. Try again in %(seconds)d second.",
                        "Too many wrong codes. Try again in %(seconds)d seconds.",
                        seconds,
                    )
                    % {"seconds": seconds},
                    field="code",
                )
            if locked.verify_token(cleaned):
                audit.record(
                    by=user,
                    action="login",
                    obj=user,
                    scope_path=home_path(user),
                    reason="second factor: recovery code"
                    if isinstance(locked, StaticDevice)
                    else "second factor: authenticator app",
                )
                return locked
    audit.record(
        by=None,
        action="login_failed",
        obj=user,
        object_repr=user.username,
        scope_path=home_path(user),
        reason="wrong second-factor code",
    )
    return None
