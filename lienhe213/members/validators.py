"""Checks of the national identifiers a member record carries.

Identifiers are compared as ASCII digits: a value is first normalised (``ascii_digits``:
NFKC, which turns fullwidth ``００２`` into ``002``, then any other script's decimal digits,
such as Arabic-Indic ``٠٠٢``, into their ASCII values), and only then checked.
``Member.refresh_derived`` stores the same normal form, so ``００２…`` and ``002…`` are one
identity to the uniqueness constraints and to search. The patterns match ASCII digits
only (``re.ASCII``) and the whole value (``fullmatch``: ``$`` would let a trailing line
break through), so a value that reached a check without normalisation is refused rather
than stored as a second, unsearchable identity.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_RE = re.compile(r"^\d{12}$", re.ASCII)
PARTY_CARD_RE = re.compile(r"^\d{6,12}$", re.ASCII)
DOSSIER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{1,29}$")
PHONE_RE = re.compile(r"^(\+84|0)\d{9,10}$", re.ASCII)

_CARD_SEPARATORS = re.compile(r"[\s./-]")


def ascii_digits(value: str) -> str:
    """``value`` in NFKC with every decimal digit of any script written in ASCII."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char
        for char in unicodedata.normalize("NFKC", value)
    )


def canonical_citizen_id(value: str) -> str:
    """The citizen ID as stored: ASCII digits (``ascii_digits``) without the spaces,
    dots, hyphens or slashes people type to group them."""
    return _CARD_SEPARATORS.sub("", ascii_digits(value))


def canonical_dossier_number(value: str) -> str:
    """The dossier number as stored: NFKC (fullwidth letters and digits become ASCII),
    other scripts' digits in ASCII, surrounding spaces dropped; its dots, slashes and
    hyphens are part of the number and stay."""
    return ascii_digits(value).strip()


def validate_citizen_id(value: str) -> None:
    """A citizen ID (CCCD) has 12 digits; the first three are a province code (001–096)."""
    value = canonical_citizen_id(value)
    if not CITIZEN_ID_RE.fullmatch(value):
        raise ValidationError(_("A citizen ID has exactly 12 digits."), code="citizen_id")
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError(
            _("The first three digits of a citizen ID are a province code (001–096)."),
            code="citizen_id",
        )


def canonical_party_card_number(value: str) -> str:
    """The party card number as stored: its digits only, in ASCII (``ascii_digits``).
    People type the separators printed on the card (``49.267896``) or none; both are
    the same card."""
    return _CARD_SEPARATORS.sub("", ascii_digits(value))


def validate_party_card_number(value: str) -> None:
    """6 to 12 digits, separators (dots, spaces, hyphens, slashes) allowed."""
    if not PARTY_CARD_RE.fullmatch(canonical_party_card_number(value)):
        raise ValidationError(_("A party card number has 6 to 12 digits."), code="party_card")


def validate_dossier_number(value: str) -> None:
    if not DOSSIER_RE.fullmatch(canonical_dossier_number(value)):
        raise ValidationError(
            _("A dossier number has 2–30 letters, digits, dots, slashes or hyphens."),
            code="dossier",
        )


def validate_phone(value: str) -> None:
    if not PHONE_RE.fullmatch(ascii_digits(value).replace(" ", "").replace(".", "")):
        raise ValidationError(
            _("Enter a Vietnamese phone number, e.g. 0912 345 678."), code="phone"
        )


def mask_citizen_id(value: str) -> str:
    """Show only the province code and the last three digits: ``001•••••••789``."""
    if len(value) < 7:
        return "•" * len(value)
    return value[:3] + "•" * (len(value) - 6) + value[-3:]
