import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe213.core.fields import TreePathField, import_batch_field
from lienhe213.core.text import fold
from lienhe213.organizations.queries import AdministrativeUnitQuerySet, OrganizationQuerySet

# The 1 July 2025 reform: 34 provinces and 3,321 communes, no districts (ADR 0017).
REFORM_DATE = datetime.date(2025, 7, 1)
# The units of the 63-province map are kept side by side with the 2025 ones; their codes
# (the same GSO numbering, reused by the reform) are stored with this prefix.
PRE_2025_PREFIX = "pre2025-"
# Where the 63-province map is taken to start: the day Hà Tây joined Hà Nội (ADR 0017).
PRE_2025_VALID_FROM = datetime.date(2008, 8, 1)
PRE_2025_VALID_UNTIL = datetime.date(2025, 6, 30)


class AdministrativeUnit(models.Model):
    """A province, a district (before 2025 only) or a commune as the State defines it.

    The units in force since the 1 July 2025 reform come from ``vietnam-provinces``; the
    63 provinces, their districts and communes as they stood on 30 June 2025 come from
    ``vietnamadminunits`` (``load_admin_units --pre-2025``), with codes prefixed by
    ``PRE_2025_PREFIX`` and ``valid_until`` 30 June 2025 (ADR 0017). Units are never
    deleted: a unit that ceased to exist keeps its row for history, and choosers offer
    only the units valid on the date in question (``valid_on``).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    division_type = models.CharField(_("type"), max_length=40)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), default=REFORM_DATE)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_pre_2025(self) -> bool:
        """A unit of the 63-province map (ended on 30 June 2025)."""
        return self.code.startswith(PRE_2025_PREFIX)

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class UnitSuccession(models.Model):
    """One line of the official mapping of the 1 July 2025 reform: the pre-2025 commune
    ``old`` became, wholly or in part, the 2025 commune ``new``.

    An old commune split between several new ones has one row per successor, each with
    ``is_split`` set; ``is_default`` marks the successor the dataset names as the main
    one (never used to guess an address: the user chooses, ADR 0017). The five island
    districts that had no communes map from the district itself.
    """

    old = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("pre-2025 unit"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    new = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("2025 commune"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    is_split = models.BooleanField(_("split"), default=False)
    is_default = models.BooleanField(_("main successor"), default=False)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="unit_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class Community(models.Model):
    """A village or residential group (thôn, bản, tổ dân phố…) inside a commune.

    Communities are self-managed, not an administrative level; they merge and split, so
    each keeps its own validity dates.
    """

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village (thôn)")
        HAMLET = "hamlet", _("Hamlet (bản)")
        RESIDENTIAL_GROUP = "residential_group", _("Residential group (tổ dân phố)")
        QUARTER = "quarter", _("Quarter (khu phố)")

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="communities",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"), default=datetime.date(2025, 7, 1))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["commune_id", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"],
                condition=models.Q(valid_until__isnull=True),
                name="community_unique_current_name",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A node of the party tree: provincial committee, commune committee, workplace
    grassroots committee or cell, residential cell…

    ``parent`` is the source of truth. ``path`` ("1.5.80.") is the chain of ancestor ids
    maintained by the services in ``organizations.services``; subtree queries are a
    prefix match on it (ADR 0002). Organizations are never deleted: they end
    (``valid_until``) and, when merged, point at their successor (``merged_into``).
    """

    class Kind(models.TextChoices):
        PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial committee")
        DISTRICT_COMMITTEE = "district_committee", _("District committee")
        SUPERIOR_COMMITTEE = "superior_committee", _("Superior committee")
        GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots committee")
        GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell")
        CELL = "cell", _("Cell")

    class Side(models.TextChoices):
        RESIDENTIAL = "residential", _("Residence")
        WORKPLACE = "workplace", _("Workplace")
        BOTH = "both", _("Both sides")

    GRASSROOTS_KINDS = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)

    code = models.CharField(_("code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = TreePathField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cells",
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date(2020, 1, 2))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
    )
    import_batch = import_batch_field()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="organization_unique_code"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="organization_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    @property
    def is_grassroots(self) -> bool:
        return self.kind in self.GRASSROOTS_KINDS

    @property
    def is_provincial_committee(self) -> bool:
        """The provincial committee: it opens comment campaigns and keeps the deadline
        calendar."""
        return self.kind == self.Kind.PROVINCIAL_COMMITTEE

    @property
    def is_commune_committee(self) -> bool:
        """A residential grassroots committee (a commune's or ward's): it receives the
        letters of its residents, assigns them to cells and confirms their comments."""
        return self.kind == self.Kind.GRASSROOTS_COMMITTEE and self.side == self.Side.RESIDENTIAL

    @property
    def is_residential_cell(self) -> bool:
        """A residential cell: members living in its community are introduced to it and
        attend its meetings; it writes their comments."""
        return self.kind == self.Kind.CELL and self.side == self.Side.RESIDENTIAL

    @property
    def has_tracking_book(self) -> bool:
        """Whether the organization keeps a tracking book of the members introduced to
        its residence: a commune committee or a residential cell (Regulation 213)."""
        return self.is_commune_committee or self.is_residential_cell

    @property
    def is_workplace_unit(self) -> bool:
        """A grassroots committee or cell not on the residence side: its working members
        are introduced to where they live."""
        return self.side != self.Side.RESIDENTIAL and self.is_grassroots

    def is_in_subtree_of(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to (and including) this organization."""
        return [int(part) for part in self.path.split(".") if part]

    def name_on(self, day: datetime.date) -> str:
        """The name the organization bore on ``day``, so old books read with old names."""
        later_rename = (
            self.history.filter(kind=OrganizationHistory.Kind.RENAMED, effective_date__gt=day)
            .order_by("effective_date", "id")
            .first()
        )
        return later_rename.old_name if later_rename else self.name


class OrganizationHistory(models.Model):
    """The lineage of an organization: creation, renames, moves, merges, dissolution.

    Written by the services together with the change itself, so that the tree of any
    past date and the names it used can be reconstructed.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        RENAMED = "renamed", _("Renamed")
        MOVED = "moved", _("Moved")
        MERGED = "merged", _("Merged into another organization")
        DISSOLVED = "dissolved", _("Dissolved")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="history")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    old_name = models.CharField(_("old name"), max_length=200, blank=True)
    new_name = models.CharField(_("new name"), max_length=200, blank=True)
    old_parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "effective_date", "id"]
        verbose_name = _("organization history event")
        verbose_name_plural = _("organization history")

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind} {self.effective_date}"
