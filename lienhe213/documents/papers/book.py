"""The tracking book at the residence (docs/domain.md §5.3) as a ``rendering.Paper``: a
residential cell's book, or a commune's book of all its cells, as it stood on a day
(today or a past day), with the columns a cell actually keeps — the letter and its
receipt, the half-years' attendance, the year's comment and, for members who left, the
date, the reason and where they went."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone, translation

from lienhe213.comments.models import FORM_ITEMS, CommentForm, CommentRequest
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.papers.forms import GENDER, LEVELS, RECOMMENDATION_VALUES
from lienhe213.documents.papers.signatories import Names, agency_of, signatory
from lienhe213.documents.rendering import (
    Paper,
    place_of,
    short_date,
    verify_url,
    vietnamese_date,
)
from lienhe213.meetings.models import Attendance, Meeting
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ExemptionDecision, ResidenceLink

BOOK_RELATED = (
    "member__organization",
    "member__residence_community",
    "member__residence_commune__parent",
    "issued_by_organization",
    "workplace_organization",
    "residence_commune_organization",
    "residence_cell",
    "superseded_by__residence_commune_organization",
)
ATTENDANCE = {
    Attendance.Status.PRESENT: "có mặt",
    Attendance.Status.EXCUSED: "vắng có lý do",
    Attendance.Status.ABSENT: "vắng",
    Attendance.Status.UNKNOWN: "chưa ghi",
}
RATING = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "completed": "Hoàn thành nhiệm vụ",
    "not_completed": "Không hoàn thành nhiệm vụ",
}
END_REASON = {
    ResidenceLink.EndReason.MOVED_RESIDENCE: "chuyển nơi cư trú",
    ResidenceLink.EndReason.RETIRED_TRANSFERRED: "nghỉ hưu, chuyển sinh hoạt đảng",
    ResidenceLink.EndReason.LEFT_PARTY: "ra khỏi Đảng",
    ResidenceLink.EndReason.DIED: "từ trần",
    ResidenceLink.EndReason.CATEGORY_B: "miễn giới thiệu (Khoản 1.2 Hướng dẫn 33-HD/BTCTW)",
}


def book_columns(year: int, *, commune_wide: bool) -> list[str]:
    columns = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Nơi công tác",
        "Nơi cư trú, điện thoại",
    ]
    if commune_wide:
        columns.append("Chi bộ nơi cư trú")
    return [
        *columns,
        "Diện",
        "Giấy giới thiệu (số, ngày)",
        "Ngày xã tiếp nhận",
        "Ngày về chi bộ",
        f"Sinh hoạt 6 tháng đầu năm {year}",
        f"Sinh hoạt 6 tháng cuối năm {year}",
        "Nhận xét hằng năm (năm, kết quả)",
        "Chuyển đến từ",
        "Chuyển đi (ngày, lý do, nơi đến)",
    ]


def book_links(
    links: "QuerySet[ResidenceLink]", org: Organization, on: datetime.date
) -> list[ResidenceLink]:
    """The links ``links`` (a queryset the caller scoped to what the user sees) that
    the book of ``org`` on ``on`` lists: listed by then (received by the commune, and
    for a cell's book assigned to it), not returned, and not gone before the year of
    ``on`` began; in the order of the members' names."""
    is_cell = org.kind in (Organization.Kind.CELL, Organization.Kind.GRASSROOTS_CELL)
    chosen = (
        links.filter(residence_cell=org, assigned_on__lte=on)
        if is_cell
        else links.filter(residence_commune_organization=org, received_on__lte=on)
    )
    start = datetime.date(on.year, 1, 1)
    return list(
        chosen.exclude(status=ResidenceLink.Status.RETURNED)
        .exclude(ended_on__lt=start)
        .select_related(*BOOK_RELATED)
        .order_by("member__name_sort_key", "pk")
    )


@dataclass
class _Extras:
    """What the rows need besides the links, read in a few queries."""

    attendance: dict[int, list[tuple[datetime.date, str]]] = field(default_factory=dict)
    comments: dict[int, CommentRequest] = field(default_factory=dict)
    exemptions: dict[int, ExemptionDecision] = field(default_factory=dict)
    came_from: dict[int, ResidenceLink] = field(default_factory=dict)


def _extras(links: Sequence[ResidenceLink], on: datetime.date) -> _Extras:
    ids = [link.pk for link in links]
    extras = _Extras()
    rows = defaultdict(list)
    for link_id, day, status in Attendance.objects.filter(
        link_id__in=ids,
        meeting__status=Meeting.Status.HELD,
        meeting__date__year=on.year,
        meeting__date__lte=on,
    ).values_list("link_id", "meeting__date", "status"):
        rows[link_id].append((day, status))
    extras.attendance = dict(rows)
    confirmed = CommentRequest.objects.filter(
        link_id__in=ids,
        campaign__year__lte=on.year,
        comment__confirmed_at__date__lte=on,
    )
    for request in confirmed.select_related("comment", "campaign").order_by("campaign__year", "pk"):
        extras.comments[request.link_id] = request  # the latest year's wins
    decisions = ExemptionDecision.objects.filter(
        member_id__in=[link.member_id for link in links],
        category=Category.A,
        valid_from__lte=on,
    ).order_by("valid_from", "pk")
    for decision in decisions:
        if decision.is_in_force(on):
            extras.exemptions[decision.member_id] = decision
    for earlier in ResidenceLink.objects.filter(superseded_by_id__in=ids).select_related(
        "residence_commune_organization", "residence_cell"
    ):
        extras.came_from[earlier.superseded_by_id] = earlier  # type: ignore[index]
    return extras


def _attendance(rows: list[tuple[datetime.date, str]], first_half: bool) -> str:
    counts = Counter(status for day, status in rows if (day.month <= 6) == first_half)
    return ", ".join(
        f"{ATTENDANCE[status]} {counts[status]}" for status in ATTENDANCE if counts[status]
    )


def _comment(request: CommentRequest | None, on: datetime.date) -> str:
    """The latest year's comment confirmed by the commune by ``on``: the year, the
    level of each item, the date it was sent back and the workplace's rating."""
    comment = getattr(request, "comment", None) if request is not None else None
    if request is None or comment is None:
        return ""
    parts = []
    for name, scale in FORM_ITEMS[request.form].items():
        labels = dict(zip(scale.values, LEVELS[name], strict=True))
        number = name.removeprefix("item_")
        parts.append(f"{number}. {labels.get(getattr(comment, name), '…')}")
    if request.form == CommentForm.NORMAL and comment.recommendation:
        labels = dict(zip(RECOMMENDATION_VALUES, LEVELS["recommendation"], strict=True))
        parts.append(f"6. {labels[comment.recommendation]}")
    text = f"Năm {request.campaign.year}: " + "; ".join(parts)
    if comment.returned_at is not None and timezone.localdate(comment.returned_at) <= on:
        text += f"; gửi nơi công tác {short_date(timezone.localdate(comment.returned_at))}"
    if comment.rating_level:
        text += f"; xếp loại: {RATING.get(comment.rating_level, comment.rating_level)}"
    return text


def _category(link: ResidenceLink, decision: ExemptionDecision | None) -> str:
    if link.category != Category.A:
        return "Thường"
    if decision is None:
        return "A (miễn sinh hoạt)"
    with translation.override("vi"):
        reason = str(decision.get_reason_display()) if decision.reason else ""
    until = short_date(decision.valid_until) if decision.valid_until else "nay"
    return f"A (miễn sinh hoạt): {reason}, {short_date(decision.valid_from)}–{until}".replace(
        ": , ", ": "
    )


def _moved_out(link: ResidenceLink, on: datetime.date, names: Names) -> str:
    if link.ended_on is None or link.ended_on > on:
        return ""
    parts = [short_date(link.ended_on), END_REASON.get(link.end_reason, link.end_reason)]  # type: ignore[call-overload]
    successor = link.superseded_by
    if successor is not None and successor.issued_on <= on:
        parts.append(f"đến {names.name(successor.residence_commune_organization, on)}")
    return ", ".join(p for p in parts if p)


def _came_from(earlier: ResidenceLink | None, names: Names, on: datetime.date) -> str:
    if earlier is None:
        return ""
    return names.name(earlier.residence_commune_organization, on)


def book_paper(
    org: Organization,
    links: Sequence[ResidenceLink],
    on: datetime.date,
    document: IssuedDocument,
    names: Names | None = None,
) -> Paper:
    """The tracking book of ``org`` (a residential cell, or a commune for all its
    cells) on ``on``: one row per link of ``book_links``, with the names of that day."""
    names = names or Names()
    issuer = signatory(org, on, names)
    commune_wide = not issuer.is_cell
    extras = _extras(links, on)
    rows = []
    for position, link in enumerate(links, start=1):
        member = link.member
        community = member.residence_community.name if member.residence_community else ""
        where = ", ".join(p for p in (member.residence_address, community, member.phone) if p)
        row = [
            str(position),
            member.full_name,
            short_date(member.birth_date),
            GENDER.get(member.gender, ""),
            agency_of(member, link.workplace_organization, on),
            where,
        ]
        if commune_wide:
            row.append(names.name(link.residence_cell, on) if link.assigned_on else "")
        attendance = extras.attendance.get(link.pk, [])
        row += [
            _category(link, extras.exemptions.get(link.member_id)),
            f"{link.letter_number}/{link.letter_year}, {short_date(link.issued_on)}",
            short_date(link.received_on) if link.received_on else "",
            short_date(link.assigned_on) if link.assigned_on else "",
            _attendance(attendance, first_half=True),
            _attendance(attendance, first_half=False),
            _comment(extras.comments.get(link.pk), on),
            _came_from(extras.came_from.get(link.pk), names, on),
            _moved_out(link, on, names),
        ]
        rows.append(row)
    left = sum(1 for link in links if link.ended_on is not None and link.ended_on <= on)
    summary = f"Tổng số: {len(rows)} đảng viên"
    summary += f" (đang sinh hoạt: {len(rows) - left}; đã chuyển đi: {left})." if left else "."
    return Paper(
        form_label="Sổ theo dõi 213",
        superior=issuer.superior,
        issuer=issuer.heading,
        number=issuer.number(document.number, "STĐV"),
        place_date=f"{place_of(org)}, {vietnamese_date(document.issued_on)}",
        title="SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ",
        subtitle=[
            f"của {names.name(org, on)} — tính đến ngày {short_date(on)}",
            "Theo Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị",
        ],
        paragraphs=[summary],
        table_columns=book_columns(on.year, commune_wide=commune_wide),
        table_rows=rows,
        landscape=True,
        signatures=[[], issuer.signature(document.signer)],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )
