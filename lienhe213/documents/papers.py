"""The content of each official form (Guidance 33-HD/BTCTW, docs/domain.md §5), built from the
tracking book and the comment cycle into a ``rendering.Paper``. The forms are Vietnamese
whatever the UI language."""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lienhe213.comments.models import FORM_ITEMS, CommentForm, CommentRequest
from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.rendering import (
    Paper,
    Tick,
    committee_suffix,
    place_of,
    short_date,
    verify_url,
    vietnamese_date,
)
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import Category, ResidenceLink

if TYPE_CHECKING:
    from lienhe213.reports.review import Review, UnitScore

BASIS = (
    "Thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị về trách nhiệm của "
    "đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và nhân dân nơi "
    "cư trú và Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương,"
)
GENDER = {"male": "Nam", "female": "Nữ"}

# The items of forms 3-213 and 4-213 and their three levels, best first (docs/domain.md §4.4).
ITEM_TITLES = {
    "item_1": "1. Nêu gương về phẩm chất chính trị, đạo đức, lối sống; vai trò tiên phong, "
    "gương mẫu trước nhân dân nơi cư trú",
    "item_2": "2. Thực hiện nghĩa vụ công dân; vận động gia đình và nhân dân chấp hành chủ "
    "trương của Đảng, chính sách, pháp luật của Nhà nước, quy định của địa phương; tham gia "
    "các cuộc vận động, phong trào thi đua ở nơi cư trú",
    "item_3": "3. Tham dự các cuộc họp định kỳ, họp khác do chi ủy nơi cư trú mời; dự họp "
    "tổ dân phố, thôn",
    "item_4": "4. Giữ mối liên hệ với chi ủy, trưởng thôn, tổ trưởng tổ dân phố và Ban công "
    "tác Mặt trận; phản ánh ý kiến của nhân dân; góp ý kiến về các vấn đề của địa phương",
    "item_5": "5. Vận động nhân dân góp ý xây dựng Đảng, chính quyền, giám sát cán bộ, đảng "
    "viên; vận động gia đình và nhân dân xây dựng khối đoàn kết, đời sống văn hóa ở khu dân cư",
    "recommendation": "6. Đề xuất với đảng ủy nơi đảng viên công tác",
    "item_a": "a) Nêu gương về phẩm chất chính trị, đạo đức, lối sống",
    "item_b": "b) Thực hiện nghĩa vụ công dân nơi cư trú; gia đình tham gia các cuộc vận "
    "động, phong trào thi đua, xây dựng đời sống văn hóa ở khu dân cư",
    "item_c": "c) Vận động gia đình chấp hành chủ trương của Đảng, chính sách, pháp luật của "
    "Nhà nước, quy định của địa phương; xây dựng mối quan hệ gắn bó, đoàn kết ở địa bàn",
}
LEVELS = {
    "item_1": ["Nêu gương tốt", "Nêu gương", "Chưa nêu gương"],
    "item_2": ["Gương mẫu đi đầu", "Gương mẫu", "Chưa gương mẫu"],
    "item_3": ["Tham gia đầy đủ", "Tham gia chưa đầy đủ", "Không tham gia"],
    "item_4": ["Thường xuyên, tích cực", "Thường xuyên", "Chưa thường xuyên"],
    "item_5": ["Rất tích cực", "Tích cực", "Chưa tích cực"],
    "recommendation": ["Biểu dương", "Không đề nghị", "Xem xét xử lý"],
    "item_a": ["Nêu gương tốt", "Nêu gương", "Chưa nêu gương"],
    "item_b": ["Thực hiện tốt", "Thực hiện", "Chưa thực hiện"],
    "item_c": ["Thực hiện tốt", "Thực hiện", "Chưa thực hiện"],
}
RECOMMENDATION_VALUES = ["commend", "no_proposal", "consider_handling"]


def _superior(org: Organization) -> str:
    return org.parent.name if org.parent is not None else ""


def _address(member: Member) -> str:
    parts = [member.residence_address]
    if member.residence_community is not None:
        parts.append(member.residence_community.name)
    commune = member.residence_commune
    if commune is not None:
        parts.append(commune.name)
        if commune.parent is not None:
            parts.append(f"{commune.parent.division_type} {commune.parent.name}".strip())
    return ", ".join(p for p in parts if p) or "…"


def letter_paper(link: ResidenceLink, document: IssuedDocument) -> Paper:
    """Form 1-213 (normal member) or 2-213 (category A): the workplace committee
    introduces the member to the committee of the commune where they live."""
    issuer = link.issued_by_organization
    member = link.member
    commune = link.residence_commune_organization
    is_a = link.category == Category.A
    addressee = [f"Kính gửi: {commune.name}"]
    if link.residence_cell is not None:
        addressee.append(f"({link.residence_cell.name})")
    request = (
        "Đề nghị đảng ủy nơi cư trú tiếp nhận và tạo điều kiện để đồng chí giữ mối liên hệ "
        "với tổ chức đảng và nhân dân nơi cư trú."
        if is_a
        else "Đề nghị đảng ủy nơi cư trú tiếp nhận, giới thiệu đồng chí về sinh hoạt tại chi "
        "bộ nơi cư trú và tạo điều kiện để đồng chí thực hiện nhiệm vụ theo Quy định số "
        "213-QĐ/TW."
    )
    after = []
    if is_a:
        after.append(
            "Đồng chí thuộc diện được giới thiệu nhưng được miễn sinh hoạt ở nơi cư trú "
            "(mục 1.1 Hướng dẫn số 33-HD/BTCTW)."
        )
    after.append(request)
    return Paper(
        form_label=f"Mẫu {link.letter_form}",
        superior=_superior(issuer),
        issuer=issuer.name,
        number=f"Số: {document.number}-GGT/{committee_suffix(issuer)}",
        place_date=f"{place_of(issuer)}, {vietnamese_date(link.issued_on)}",
        title="GIẤY GIỚI THIỆU",
        subtitle=["Đảng viên về giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"],
        addressee=addressee,
        paragraphs=[BASIS, f"{issuer.name} trân trọng giới thiệu:"],
        facts=[
            ("Đồng chí", member.full_name),
            ("Giới tính", GENDER.get(member.gender, "")),
            ("Sinh ngày", short_date(member.birth_date)),
            ("Ngày vào Đảng", short_date(member.joined_on)),
            ("Ngày chính thức", short_date(member.official_on)),
            ("Đang sinh hoạt tại", f"{member.organization.name}, {issuer.name}"),
            ("Nơi cư trú", _address(member)),
        ],
        closing=after,
        signatures=[[], ["T/M ĐẢNG ỦY", "BÍ THƯ"]],
        receipt=[
            "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
            f"ĐẢNG ỦY NƠI CƯ TRÚ: {commune.name.upper()}",
            "Tiếp nhận ngày … tháng … năm …",
            "Đã giới thiệu về sinh hoạt tại chi bộ: ……………………………",
            "T/M ĐẢNG ỦY — BÍ THƯ",
        ],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


PURPOSE = {
    "cadre_work": "phục vụ công tác cán bộ",
    "commendation": "phục vụ công tác khen thưởng",
    "discipline": "phục vụ công tác kỷ luật",
}


def request_paper(request: CommentRequest, document: IssuedDocument) -> Paper:
    """The request part of forms 3-213 / 4-213: the workplace committee asks the
    committee of the commune where the member lives for the cell's comment, on the
    attached form, by the campaign's deadline."""
    workplace = request.workplace_organization
    link = request.link
    member = request.member
    commune = link.residence_commune_organization
    cell = link.residence_cell
    addressee = [f"Kính gửi: {commune.name}"]
    if cell is not None:
        addressee.append(f"(Chi ủy {cell.name})")
    ask = (
        f"{workplace.name} đề nghị chi ủy chi bộ nơi cư trú nhận xét đồng chí "
        f"{member.full_name} theo phiếu nhận xét kèm theo (Mẫu {request.form}) và gửi lại "
        f"trước ngày {short_date(request.campaign.deadline)}."
    )
    after = [ask]
    if request.purpose:
        after.insert(0, f"Mục đích: {PURPOSE.get(request.purpose, request.purpose)}.")
    return Paper(
        form_label=f"Mẫu {request.form}",
        superior=_superior(workplace),
        issuer=workplace.name,
        number=f"Số: {document.number}-PXYK/{committee_suffix(workplace)}",
        place_date=f"{place_of(workplace)}, {vietnamese_date(request.requested_on)}",
        title="PHIẾU XIN Ý KIẾN",
        subtitle=[
            "Nhận xét đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức "
            "đảng và nhân dân nơi cư trú",
            f"Năm {request.campaign.year}",
        ],
        addressee=addressee,
        paragraphs=[BASIS],
        facts=[
            ("Đồng chí", member.full_name),
            ("Sinh ngày", short_date(member.birth_date)),
            ("Đang sinh hoạt tại", f"{member.organization.name}, {workplace.name}"),
            ("Nơi cư trú", _address(member)),
        ],
        closing=after,
        signatures=[[], ["T/M ĐẢNG ỦY", "BÍ THƯ"]],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


def comment_paper(request: CommentRequest, document: IssuedDocument) -> Paper:
    """Form 3-213 (normal member, items 1–7) or 4-213 (category A, items a–c): the
    residential cell's comment, confirmed by the commune committee."""
    comment = request.comment
    link = request.link
    member = request.member
    commune = link.residence_commune_organization
    cell = link.residence_cell
    cell_name = cell.name if cell is not None else "…"
    community = cell.community.name if cell is not None and cell.community else "khu dân cư"
    ticks = []
    for name, scale in FORM_ITEMS[request.form].items():
        value = getattr(comment, name)
        ticks.append(
            Tick(
                ITEM_TITLES[name],
                [
                    (label, value == choice)
                    for label, choice in zip(LEVELS[name], scale.values, strict=True)
                ],
            )
        )
    free_text = None
    if request.form == CommentForm.NORMAL:
        ticks.append(
            Tick(
                ITEM_TITLES["recommendation"],
                [
                    (label, comment.recommendation == choice)
                    for label, choice in zip(
                        LEVELS["recommendation"], RECOMMENDATION_VALUES, strict=True
                    )
                ],
            )
        )
        free_text = ("7. Nhận xét khác", comment.other_comments)
    met = vietnamese_date(comment.front_meeting_on)
    return Paper(
        form_label=f"Mẫu {request.form}",
        superior=commune.name,
        issuer=cell_name,
        number=f"Số: {document.number}-PNX/{committee_suffix(commune)}",
        place_date=f"{place_of(commune)}, {vietnamese_date(document.issued_on)}",
        title="PHIẾU NHẬN XÉT",
        subtitle=[
            "Đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và "
            "nhân dân nơi cư trú",
            f"Năm {request.campaign.year}",
        ],
        paragraphs=[
            f"Chi ủy {cell_name}, sau khi họp với Ban công tác Mặt trận {community} "
            f"{met}, thống nhất nhận xét đồng chí {member.full_name}, sinh ngày "
            f"{short_date(member.birth_date)}, hiện công tác tại "
            f"{request.workplace_organization.name}, như sau:"
        ],
        ticks=ticks,
        free_text=free_text,
        signatures=[
            ["XÁC NHẬN CỦA ĐẢNG ỦY", "T/M ĐẢNG ỦY"],
            ["T/M CHI BỘ", "BÍ THƯ"],
        ],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


LINK_STATUS = {
    "issued": "Đã cấp giấy giới thiệu",
    "received": "Xã đã tiếp nhận",
    "returned": "Đã trả lại",
    "assigned": "Đã phân về chi bộ",
    "active": "Đang sinh hoạt",
    "closed": "Đã kết thúc",
}
BOOK_COLUMNS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Nơi công tác",
    "Nơi cư trú",
    "Diện",
    "Giấy giới thiệu (số, ngày)",
    "Ngày tiếp nhận",
    "Ngày về chi bộ",
    "Tình trạng",
]


def book_paper(
    cell: Organization, links: Sequence[ResidenceLink], on: datetime.date, document: IssuedDocument
) -> Paper:
    """The tracking book of a residential cell on ``on`` (docs/domain.md §5.3): one row per
    member linked to the cell, in the order given."""
    commune = cell.parent
    rows = [
        [
            str(position),
            link.member.full_name,
            short_date(link.member.birth_date),
            GENDER.get(link.member.gender, ""),
            link.workplace_organization.name,
            _address(link.member),
            "A (miễn sinh hoạt)" if link.category == Category.A else "Thường",
            f"{link.letter_number}/{link.letter_year}, {short_date(link.issued_on)}",
            short_date(link.received_on) if link.received_on else "",
            short_date(link.assigned_on) if link.assigned_on else "",
            LINK_STATUS.get(link.status, link.status),
        ]
        for position, link in enumerate(links, start=1)
    ]
    return Paper(
        form_label="Sổ theo dõi 213",
        superior=commune.name if commune is not None else "",
        issuer=cell.name,
        number=f"Số: {document.number}-STĐV/{committee_suffix(cell)}",
        place_date=f"{place_of(cell)}, {vietnamese_date(on)}",
        title="SỔ THEO DÕI ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI NƠI CƯ TRÚ",
        subtitle=[f"Theo Quy định số 213-QĐ/TW — tính đến ngày {short_date(on)}"],
        paragraphs=[f"Tổng số: {len(rows)} đảng viên."],
        table_columns=BOOK_COLUMNS,
        table_rows=rows,
        landscape=True,
        signatures=[[], ["T/M CHI ỦY", "BÍ THƯ"]],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


def paper_for(document: IssuedDocument) -> Paper:
    """The paper of a registered document (its object loaded with what the form needs;
    a tracking book as stored when it was printed)."""
    if document.content:
        return Paper(**document.content)
    if document.link_id is not None and document.series == "letter":
        link = ResidenceLink.objects.select_related(*LETTER_RELATED).get(pk=document.link_id)
        return letter_paper(link, document)
    if document.comment_request_id is not None:
        request = CommentRequest.objects.select_related(*COMMENT_RELATED).get(
            pk=document.comment_request_id
        )
        if document.series == "request":
            return request_paper(request, document)
        return comment_paper(request, document)
    raise ValueError(document.kind)


LETTER_RELATED = (
    "member__organization",
    "member__residence_community",
    "member__residence_commune__parent",
    "issued_by_organization__parent",
    "residence_commune_organization",
    "residence_cell",
)
COMMENT_RELATED = (
    "comment",
    "campaign",
    "member__organization",
    "member__residence_community",
    "member__residence_commune__parent",
    "workplace_organization__parent",
    "link__residence_commune_organization__parent",
    "link__residence_cell__community",
)


def _figure(value: float | None) -> str:
    """A figure of the report as printed in Vietnamese: a decimal comma, "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return str(int(value))


def _change(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + _figure(value)


def review_paper(review: "Review", on: datetime.date, document: IssuedDocument) -> Paper:
    """The annual report of a province or a commune on carrying out Regulation 213
    (docs/domain.md §4.8): the year's figures beside the previous year's, the strongest and the
    weakest units, the commendations. Its labels are the Vietnamese of the report page,
    whatever the language of the user who prints it."""
    from django.utils import translation

    org = review.organization
    year = review.year
    with translation.override("vi"):
        rows = [
            [str(row.label), _figure(row.current), _figure(row.previous), _change(row.change)]
            for row in review.rows
        ]

        def units(title: str, chosen: Sequence["UnitScore"]) -> list[str]:
            if not chosen:
                return []
            named = "; ".join(f"{unit.name} ({_figure(unit.score)} điểm)" for unit in chosen)
            return [f"{title}: {named}."]

        after = units("Các đơn vị thực hiện tốt nhất", review.strongest)
        after += units("Các đơn vị cần chấn chỉnh", review.weakest)
        commended = [f"- {c.subject} ({c.get_status_display()})" for c in review.decided]
        commended += [f"- {c.subject} ({c.get_status_display()})" for c in review.proposed]
        commended += [f"- {r.member_name}, {r.cell_name}" for r in review.recommended]
    if commended:
        after.append("Khen thưởng (đã quyết định, đề nghị và được chi bộ nơi cư trú đề xuất):")
        after += commended
    else:
        after.append("Không có đề nghị khen thưởng trong năm.")
    formerly = f" (gồm {', '.join(review.formerly)})" if review.formerly else ""
    return Paper(
        form_label="Báo cáo 213",
        superior=_superior(org),
        issuer=org.name,
        number=f"Số: {document.number}-BC/{committee_suffix(org)}",
        place_date=f"{place_of(org)}, {vietnamese_date(on)}",
        title="BÁO CÁO",
        subtitle=[
            f"Kết quả thực hiện Quy định số 213-QĐ/TW năm {year}",
            f"của {review.name}{formerly}",
        ],
        paragraphs=[
            BASIS.rstrip(",") + ".",
            f"{org.name} báo cáo kết quả năm {year} so với năm {year - 1} như sau:",
        ],
        table_columns=["Chỉ tiêu", str(year), str(year - 1), "Tăng, giảm"],
        table_rows=rows,
        closing=after,
        signatures=[[], ["T/M ĐẢNG ỦY", "BÍ THƯ"]],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )
