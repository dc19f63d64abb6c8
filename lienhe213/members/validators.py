"""Checks of the national identifiers a member record carries."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
PARTY_CARD_RE = re.compile(r"^\d{6,12}$")
DOSSIER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{1,29}$")
PHONE_RE = re.compile(r"^(\+84|0)\d{9,10}$")


def validate_citizen_id(value: str) -> None:
    """A citizen ID (CCCD) has 12 digits; the first three are a province code (001–096)."""
    if not CITIZEN_ID_RE.match(value):
        raise ValidationError(_("A citizen ID has exactly 12 digits."), code="citizen_id")
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError(
            _("The first three digits of a citizen ID are a province code (001–096)."),
            code="citizen_id",
        )


_CARD_SEPARATORS = re.compile(r"[\s./-]")


def canonical_party_card_number(value: str) -> str:
    """The party card number as stored: its digits only. People type the separators
    printed on the card (``49.267896``) or none; both are the same card."""
    return _CARD_SEPARATORS.sub("", value)


def validate_party_card_number(value: str) -> None:
    """6 to 12 digits, separators (dots, spaces, hyphens, slashes) allowed."""
    if not PARTY_CARD_RE.match(canonical_party_card_number(value)):
        raise ValidationError(_("A party card number has 6 to 12 digits."), code="party_card")


def validate_dossier_number(value: str) -> None:
    if not DOSSIER_RE.match(value):
        raise ValidationError(
            _("A dossier number has 2–30 letters, digits, dots, slashes or hyphens."),
            code="dossier",
        )


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(value.replace(" ", "").replace(".", "")):
        raise ValidationError(
            _("Enter a Vietnamese phone number, e.g. 0912 345 678."), code="phone"
        )


def mask_citizen_id(value: str) -> str:
    """Show only the province code and the last three digits: ``001•••••••789``."""
    if len(value) < 7:
        return "•" * len(value)
    return value[:3] + "•" * (len(value) - 6) + value[-3:]
