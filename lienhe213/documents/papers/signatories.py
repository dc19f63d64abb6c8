"""Who signs a paper, and how the paper names them: the one place for the heading, the
addressee, the signature block and the number's suffix of every form (docs/domain.md
§5; the party's document layout).

The tree stores *organizations* ("Đảng bộ phường Hà Giang 1", "Chi bộ tổ 1"); a paper
is issued and signed by the organization's *committee* ("Đảng ủy phường Hà Giang 1").
The heading puts the superior organization above the committee that signs, and every
name is the one borne on the paper's date (the tree's history), not today's.

Decisions (docs/domain.md §5.1, §5.2 leave them open):

- A committee replaces the organization's word: Đảng bộ X → Đảng ủy X (Tỉnh ủy,
  Thành ủy, Huyện ủy, Quận ủy, Thị ủy for a province or a district); a name that already
  names a committee is kept as it is, so no word is ever doubled.
- A cell has a committee (chi ủy) when it has at least ``CELL_COMMITTEE_MIN_MEMBERS``
  official members on the paper's date (the Charter elects a chi ủy from 9 official
  members); the tree has no flag for it. With one the cell signs "T/M CHI ỦY", its
  heading reads "CHI ỦY CHI BỘ TỔ 1" and the text "Chi ủy tổ 1"; without, "T/M CHI BỘ"
  and "Chi bộ tổ 1".
- The number ends in the committee's abbreviation: ĐU for a đảng ủy, TU/HU/QU for a
  provincial or district committee, CB for a cell.
"""

import datetime
from dataclasses import dataclass

from lienhe213.documents.models import Signer
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization, OrganizationHistory

# Party Charter: a cell with this many official members elects a cell committee.
CELL_COMMITTEE_MIN_MEMBERS = 9

CELL_KINDS = (Organization.Kind.CELL, Organization.Kind.GRASSROOTS_CELL)

# The printed title of the one who signs for the committee.
SIGNER_TITLES = {Signer.SECRETARY: "BÍ THƯ", Signer.DEPUTY: "PHÓ BÍ THƯ"}
# Documents registered before the signer was chosen were printed for the secretary.
UNRECORDED_SIGNER_TITLE = "BÍ THƯ"

# The organization's word at the start of its stored name, and the committee's.
_ORGANIZATION_WORDS = ("đảng bộ", "đảng ủy", "đảng uỷ")
_CELL_WORDS = ("chi bộ",)
_CELL_COMMITTEE_WORDS = ("chi ủy", "chi uỷ")
# A provincial or district committee: the unit's type → the committee's word and suffix.
_LOCAL_COMMITTEES = {
    Organization.Kind.PROVINCIAL_COMMITTEE: (
        ("tỉnh", "Tỉnh ủy", "TU"),
        ("thành phố", "Thành ủy", "TU"),
    ),
    Organization.Kind.DISTRICT_COMMITTEE: (
        ("huyện", "Huyện ủy", "HU"),
        ("quận", "Quận ủy", "QU"),
        ("thị xã", "Thị ủy", "TU"),
        ("thành phố", "Thành ủy", "TU"),
    ),
}


def signer_title(signer: str) -> str:
    """BÍ THƯ or PHÓ BÍ THƯ, as chosen when the document was issued."""
    return SIGNER_TITLES.get(signer, UNRECORDED_SIGNER_TITLE)  # type: ignore[call-overload]


def lower_first(text: str) -> str:
    """ "Tổ 1" → "tổ 1": a name inside a sentence after a common noun."""
    return text[:1].lower() + text[1:]


def _starts(name: str, words: tuple[str, ...]) -> str | None:
    """The rest of ``name`` after one of ``words`` (case-insensitive), or None."""
    folded = name.casefold()
    for word in words:
        if folded.startswith(word + " "):
            return name[len(word) + 1 :].strip()
    return None


class Names:
    """Names, parents and cell sizes as they were on a day, read once per rendering
    (a batch prints hundreds of letters from the same few organizations)."""

    def __init__(self) -> None:
        self._names: dict[tuple[int, datetime.date], str] = {}
        self._parents: dict[tuple[int, datetime.date], Organization | None] = {}
        self._sizes: dict[tuple[int, datetime.date], int] = {}

    def name(self, org: Organization | None, day: datetime.date) -> str:
        """The name ``org`` bore on ``day`` ("" for none)."""
        if org is None:
            return ""
        key = (org.pk, day)
        if key not in self._names:
            self._names[key] = org.name_on(day)
        return self._names[key]

    def parent(self, org: Organization, day: datetime.date) -> Organization | None:
        """``org``'s parent on ``day``: the parent it had before the first move after
        ``day``, else today's."""
        key = (org.pk, day)
        if key not in self._parents:
            move = (
                OrganizationHistory.objects.filter(
                    organization=org,
                    kind=OrganizationHistory.Kind.MOVED,
                    effective_date__gt=day,
                )
                .select_related("old_parent")
                .order_by("effective_date", "id")
                .first()
            )
            self._parents[key] = move.old_parent if move is not None else org.parent
        return self._parents[key]

    def official_members(self, cell: Organization, day: datetime.date) -> int:
        """How many official members had their party life in ``cell`` on ``day``."""
        key = (cell.pk, day)
        if key not in self._sizes:
            self._sizes[key] = Member.objects.filter(
                organization=cell,
                official_on__lte=day,
                anonymised_on__isnull=True,
            ).count()
        return self._sizes[key]


@dataclass(frozen=True)
class Signatory:
    """The committee that issues and signs a paper for an organization on a day."""

    organization: Organization
    # The organization's own name that day ("Đảng bộ phường Hà Giang 1").
    organization_name: str
    # The superior organization's name that day, printed above the heading.
    superior: str
    # The committee that signs, as written in a sentence ("Đảng ủy phường Hà Giang 1").
    committee: str
    # The signature block's first line ("T/M ĐẢNG ỦY").
    on_behalf: str
    # The number's suffix ("ĐU", "CB").
    suffix: str
    is_cell: bool
    has_committee: bool
    # The committee's name in the heading when it differs from the sentence's ("Chi ủy
    # chi bộ tổ 2" above, "Chi ủy tổ 2" in the text).
    heading_name: str = ""

    @property
    def heading(self) -> str:
        """The committee's line of the heading, in capitals."""
        return (self.heading_name or self.committee).upper()

    def addressee(self) -> str:
        """The "Kính gửi" line of a paper sent to this committee."""
        return f"Kính gửi: {self.committee}"

    def number(self, number: int, code: str) -> str:
        """``Số: 12-GGT/ĐU``."""
        return f"Số: {number}-{code}/{self.suffix}"

    def signature(self, signer: str) -> list[str]:
        """The signature block: on behalf of the committee, the signer's title."""
        return [self.on_behalf, signer_title(signer)]


def signatory(org: Organization, day: datetime.date, names: Names | None = None) -> Signatory:
    """Who signs for ``org`` on ``day`` and how the paper names them (module docstring)."""
    names = names or Names()
    name = names.name(org, day)
    parent = names.parent(org, day)
    superior = names.name(parent, day)
    if org.kind in CELL_KINDS:
        rest = _starts(name, _CELL_WORDS)
        if _starts(name, _CELL_COMMITTEE_WORDS) is not None:
            committee, has_committee = name, True  # already the committee's name
            heading = name
        else:
            has_committee = names.official_members(org, day) >= CELL_COMMITTEE_MIN_MEMBERS
            cell = f"chi bộ {rest}" if rest is not None else name
            # In a sentence the cell's committee is "Chi ủy tổ dân phố 7", not "Chi ủy
            # chi bộ tổ dân phố 7" (the words doubled); the heading names it in full.
            committee = (
                f"Chi ủy {rest if rest is not None else lower_first(name)}"
                if has_committee
                else cell[:1].upper() + cell[1:]
            )
            heading = f"Chi ủy {lower_first(cell)}" if has_committee else committee
        return Signatory(
            organization=org,
            organization_name=name,
            superior=superior,
            committee=committee,
            heading_name=heading,
            on_behalf="T/M CHI ỦY" if has_committee else "T/M CHI BỘ",
            suffix="CB",
            is_cell=True,
            has_committee=has_committee,
        )
    committee_word, suffix = "Đảng ủy", "ĐU"
    rest = _starts(name, _ORGANIZATION_WORDS)
    committee = f"Đảng ủy {rest if rest is not None else name}"
    for unit_type, word, unit_suffix in _LOCAL_COMMITTEES.get(org.kind, ()):  # type: ignore[call-overload]
        unit_name = _starts(rest or "", (unit_type,))
        if unit_name:
            committee_word, suffix = word, unit_suffix
            committee = f"{word} {unit_name}"
            break
    return Signatory(
        organization=org,
        organization_name=name,
        superior=superior,
        committee=committee,
        on_behalf=f"T/M {committee_word.upper()}",
        suffix=suffix,
        is_cell=False,
        has_committee=True,
    )


def agency_of(member: Member, workplace: Organization | None, day: datetime.date) -> str:
    """The agency where the member works, as a paper names it: the member's stored
    workplace, else the workplace organization's name without its party word ("Đảng bộ
    Sở Giáo dục và Đào tạo" → "Sở Giáo dục và Đào tạo")."""
    if member.workplace_name:
        return member.workplace_name
    if workplace is None:
        return "…"
    name = workplace.name_on(day)
    return _starts(name, (*_ORGANIZATION_WORDS, *_CELL_WORDS)) or name
