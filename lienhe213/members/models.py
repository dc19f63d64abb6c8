import datetime
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.core.fields import TreePathField, import_batch_field
from lienhe213.core.text import fold, sort_key
from lienhe213.members import validators
from lienhe213.members.queries import MemberQuerySet


def name_keys(family_name: str, middle_name: str, given_name: str) -> tuple[str, str]:
    """The stored search text (folded full name) and Vietnamese sort key of a name, as
    ``Member.refresh_derived`` computes them and the bulk writers must too."""
    full_name = " ".join(p for p in (family_name, middle_name, given_name) if p)
    return fold(full_name), sort_key(given_name, family_name, middle_name)


# The name an anonymised member is stored and shown under (``members.retention``).
ANONYMISED_NAME = _("Anonymised member")


class Member(models.Model):
    """A party member: identity, formal party unit, residence and contact.

    Keyed on the national identifiers (party card number, dossier number, citizen ID),
    each unique where present. ``search_text`` (folded full name) and ``name_sort_key``
    (Vietnamese collation key) are derived from the name on every save, so search and
    ordering behave the same on SQLite and PostgreSQL (ADR 0003). ``unit_path`` copies
    the tree path of the party unit, so scoping needs no join (ADR 0004).

    A member who left the party or died long enough ago is anonymised, not deleted
    (``members.retention``): ``anonymised_on`` says so, and ``full_name`` then reads as
    the translated placeholder, whatever language the run stored the name in.
    """

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Employment(models.TextChoices):
        WORKING = "working", _("Working")
        RETIRED = "retired", _("Retired")
        OTHER = "other", _("Not working")

    IDENTITY_FIELDS = ("party_card_number", "dossier_number", "citizen_id")

    family_name = models.CharField(_("family name"), max_length=50)
    middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    given_name = models.CharField(_("given name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    joined_on = models.DateField(_("date admitted to the Party"))
    official_on = models.DateField(_("date made official"), null=True, blank=True)
    party_card_number = models.CharField(
        _("party card number"),
        max_length=12,
        blank=True,
        validators=[validators.validate_party_card_number],
    )
    dossier_number = models.CharField(
        _("dossier number"),
        max_length=30,
        blank=True,
        validators=[validators.validate_dossier_number],
    )
    citizen_id = models.CharField(
        _("citizen ID"),
        max_length=12,
        blank=True,
        validators=[validators.validate_citizen_id],
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("party unit"),
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The cell where the member has formal party life."),
    )
    employment = models.CharField(
        _("employment"),
        max_length=10,
        choices=Employment.choices,
        default=Employment.WORKING,
    )
    workplace_name = models.CharField(_("workplace"), max_length=200, blank=True)
    residence_commune = models.ForeignKey(
        "organizations.AdministrativeUnit",
        verbose_name=_("residence commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residence_community = models.ForeignKey(
        "organizations.Community",
        verbose_name=_("residence community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    residence_address = models.CharField(
        _("residence address"),
        max_length=255,
        blank=True,
        help_text=_("House number and street."),
    )
    phone = models.CharField(
        _("phone"), max_length=15, blank=True, validators=[validators.validate_phone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # Set by the retention policy (``members.retention``) the day it replaced the
    # personal identifiers of a former member; the row and what reports count stay.
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)
    unit_path = TreePathField(max_length=255, editable=False, db_index=True)
    search_text = models.CharField(max_length=255, editable=False, db_index=True)
    name_sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    import_batch = import_batch_field()
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name_sort_key", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=~models.Q(party_card_number=""),
                name="member_unique_party_card",
                violation_error_message=_("Another member has this party card number."),
            ),
            models.UniqueConstraint(
                fields=["dossier_number"],
                condition=~models.Q(dossier_number=""),
                name="member_unique_dossier",
                violation_error_message=_("Another member has this dossier number."),
            ),
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~models.Q(citizen_id=""),
                name="member_unique_citizen_id",
                violation_error_message=_("Another member has this citizen ID."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "name_sort_key"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        if self.is_anonymised:
            return str(ANONYMISED_NAME)
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_on is not None

    @property
    def masked_citizen_id(self) -> str:
        return validators.mask_citizen_id(self.citizen_id)

    def refresh_derived(self) -> None:
        """Put the name and identifiers in their stored form, recompute the search text
        and sort key from the name, and the scope path from the party unit.

        Names are stored composed (NFC) and single-spaced: "Nguyễn" typed with combining
        marks (NFD) is the same text as the precomposed one. Identifiers are stored as
        ASCII digits (``validators.ascii_digits``): a citizen ID or card number typed in
        fullwidth or Arabic-Indic digits is the same identity as the ASCII one, so the
        uniqueness constraints and search see it.
        """
        self.unit_path = self.organization.path
        for field in ("family_name", "middle_name", "given_name"):
            setattr(
                self, field, " ".join(unicodedata.normalize("NFC", getattr(self, field)).split())
            )
        self.party_card_number = validators.canonical_party_card_number(self.party_card_number)
        self.citizen_id = validators.canonical_citizen_id(self.citizen_id)
        self.dossier_number = validators.canonical_dossier_number(self.dossier_number)
        self.phone = validators.ascii_digits(self.phone)
        self.search_text, self.name_sort_key = name_keys(
            self.family_name, self.middle_name, self.given_name
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.birth_date and self.birth_date > datetime.date.today():
            errors["birth_date"] = _("The date of birth is in the future.")
        if self.birth_date and self.joined_on:
            born = self.birth_date
            age = self.joined_on.year - born.year
            age -= (self.joined_on.month, self.joined_on.day) < (born.month, born.day)
            if age < 18:
                errors["joined_on"] = _("A member is admitted at 18 or older.")
        if self.official_on and self.joined_on and self.official_on < self.joined_on:
            errors["official_on"] = _("A member is made official after being admitted.")
        # A community lies in exactly one commune: with no commune given, the residence
        # would be incomplete and the residence side could not find the member.
        community = self.residence_community
        if community is not None and community.commune_id != self.residence_commune_id:
            errors["residence_community"] = _(
                "The community does not belong to the residence commune."
            )
        if errors:
            raise ValidationError(errors)


class PreviousPartyCard(models.Model):
    """A party card number a member carried before the current one.

    Cards were exchanged in 2025, so old lists name a member by the old number: it is
    kept here when the number changes (by the record's form or an import), matched like
    the current one, and never given to another member.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="previous_cards"
    )
    number = models.CharField(_("party card number"), max_length=12, unique=True)
    replaced_on = models.DateField(_("replaced on"))

    class Meta:
        ordering = ["member_id", "replaced_on", "id"]
        verbose_name = _("previous party card")
        verbose_name_plural = _("previous party cards")

    def __str__(self) -> str:
        return self.number
