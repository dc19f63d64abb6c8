"""The forms of Guidance 33-HD/BTCTW (docs/domain.md §5.1, §5.2) as ``rendering.Paper``:
the introduction letter (1-213, 2-213), the workplace's request for a comment and the
residence's comment (3-213, 4-213). The forms are Vietnamese whatever the UI language;
who signs and how the paper names them comes from ``signatories``."""

import datetime

from lienhe213.comments.models import FORM_ITEMS, CommentForm, CommentRequest
from lienhe213.documents.models import IssuedDocument, Signer
from lienhe213.documents.papers.signatories import (
    Names,
    agency_of,
    lower_first,
    signatory,
)
from lienhe213.documents.rendering import (
    Paper,
    Tick,
    place_of,
    short_date,
    verify_url,
    vietnamese_date,
)
from lienhe213.members.models import Member
from lienhe213.organizations.addresses import units_on
from lienhe213.registry.models import Category, ResidenceLink

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
CATEGORY_A_NOTE = (
    "Đồng chí thuộc diện được giới thiệu nhưng được miễn sinh hoạt ở nơi cư trú (Khoản "
    "1.1, Điểm 1 Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương)."
)
CUT_LINE = "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -"


def _address(member: Member, day: datetime.date) -> str:
    """The residence as it was named on the paper's date: before 1 July 2025 with the
    old commune, district and province when the mapping names one old commune (ADR
    0017), else with the units of the day."""
    parts = [member.residence_address]
    if member.residence_community is not None:
        parts.append(member.residence_community.name)
    if member.residence_commune is not None:
        parts.extend(units_on(member.residence_commune, day).names())
    return ", ".join(p for p in parts if p) or "…"


def _party_life(member: Member, workplace_org_name: str, names: Names, day: datetime.date) -> str:
    """Where the member keeps their party life: their cell and its organization."""
    cell = names.name(member.organization, day)
    if not workplace_org_name or cell == workplace_org_name:
        return cell
    return f"{cell}, {workplace_org_name}"


def letter_paper(
    link: ResidenceLink, document: IssuedDocument, names: Names | None = None
) -> Paper:
    """Form 1-213 (normal member) or 2-213 (category A): the workplace committee
    introduces the member to the committee of the commune where they live; every name
    is the one borne on the letter's date."""
    names = names or Names()
    day = link.issued_on
    issuer = signatory(link.issued_by_organization, day, names)
    commune = signatory(link.residence_commune_organization, day, names)
    member = link.member
    is_a = link.category == Category.A
    addressee = [commune.addressee()]
    if link.residence_cell is not None:
        addressee.append(f"({names.name(link.residence_cell, day)})")
    request = (
        f"Đề nghị {commune.committee} tiếp nhận và tạo điều kiện để đồng chí giữ mối liên "
        "hệ với tổ chức đảng và nhân dân nơi cư trú."
        if is_a
        else f"Đề nghị {commune.committee} tiếp nhận, giới thiệu đồng chí về sinh hoạt tại "
        "chi bộ nơi cư trú và tạo điều kiện để đồng chí thực hiện nhiệm vụ theo Quy định số "
        "213-QĐ/TW."
    )
    after = [CATEGORY_A_NOTE, request] if is_a else [request]
    return Paper(
        form_label=f"Mẫu {link.letter_form}",
        superior=issuer.superior,
        issuer=issuer.heading,
        number=issuer.number(document.number, "GGT"),
        place_date=f"{place_of(link.issued_by_organization)}, {vietnamese_date(day)}",
        title="GIẤY GIỚI THIỆU",
        subtitle=["Đảng viên về giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú"],
        addressee=addressee,
        paragraphs=[BASIS, f"{issuer.committee} trân trọng giới thiệu:"],
        facts=[
            ("Đồng chí", member.full_name),
            ("Giới tính", GENDER.get(member.gender, "")),
            ("Sinh ngày", short_date(member.birth_date)),
            ("Ngày vào Đảng", short_date(member.joined_on)),
            ("Ngày chính thức", short_date(member.official_on)),
            ("Nơi công tác", agency_of(member, link.workplace_organization, day)),
            ("Đang sinh hoạt tại", _party_life(member, issuer.organization_name, names, day)),
            ("Nơi cư trú", _address(member, day)),
        ],
        closing=after,
        signatures=[[], issuer.signature(document.signer)],
        receipt=[
            CUT_LINE,
            commune.heading,
            "Tiếp nhận ngày … tháng … năm …",
            "Đã giới thiệu về sinh hoạt tại chi bộ: ……………………………",
            f"{commune.on_behalf} — BÍ THƯ",
        ],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


PURPOSE = {
    "cadre_work": "phục vụ công tác cán bộ",
    "commendation": "phục vụ công tác khen thưởng",
    "discipline": "phục vụ công tác kỷ luật",
}


def request_paper(
    request: CommentRequest, document: IssuedDocument, names: Names | None = None
) -> Paper:
    """The request part of forms 3-213 / 4-213: the workplace committee asks the
    committee of the commune where the member lives for the cell's comment, on the
    attached form, by the campaign's deadline."""
    names = names or Names()
    day = request.requested_on
    issuer = signatory(request.workplace_organization, day, names)
    link = request.link
    member = request.member
    commune = signatory(link.residence_commune_organization, day, names)
    cell = link.residence_cell
    addressee = [commune.addressee()]
    if cell is not None:
        addressee.append(f"({names.name(cell, day)})")
    who = (
        signatory(cell, day, names).committee
        if cell is not None
        else "chi ủy chi bộ nơi đồng chí cư trú"
    )
    ask = (
        f"{issuer.committee} đề nghị {who} nhận xét đồng chí {member.full_name} theo phiếu "
        f"nhận xét kèm theo (Mẫu {request.form}) và gửi lại trước ngày "
        f"{short_date(request.campaign.deadline)}."
    )
    after = [ask]
    if request.purpose:
        after.insert(0, f"Mục đích: {PURPOSE.get(request.purpose, request.purpose)}.")
    return Paper(
        form_label=f"Mẫu {request.form}",
        superior=issuer.superior,
        issuer=issuer.heading,
        number=issuer.number(document.number, "PXYK"),
        place_date=f"{place_of(request.workplace_organization)}, {vietnamese_date(day)}",
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
            ("Nơi công tác", agency_of(member, request.workplace_organization, day)),
            ("Đang sinh hoạt tại", _party_life(member, issuer.organization_name, names, day)),
            ("Nơi cư trú", _address(member, day)),
        ],
        closing=after,
        signatures=[[], issuer.signature(document.signer)],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


def comment_paper(
    request: CommentRequest, document: IssuedDocument, names: Names | None = None
) -> Paper:
    """Form 3-213 (normal member: items 1–6, then 7 "other comments") or 4-213
    (category A: items a–c, then d "other comments"): the residential cell's comment,
    confirmed by the commune committee. The cell issues it under the commune: the
    heading names the cell (or its committee) below the commune's organization, and
    carries no number (the register's number is the commune's, kept off the form)."""
    names = names or Names()
    day = document.issued_on
    comment = request.comment
    link = request.link
    member = request.member
    commune = signatory(link.residence_commune_organization, day, names)
    cell_org = link.residence_cell
    cell = signatory(cell_org, day, names) if cell_org is not None else None
    community = (
        lower_first(cell_org.community.name)
        if cell_org is not None and cell_org.community is not None
        else "khu dân cư"
    )
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
    else:
        free_text = ("d) Nhận xét khác", comment.other_comments)
    met = vietnamese_date(comment.front_meeting_on)
    who = cell.committee if cell is not None else "Chi ủy chi bộ"
    return Paper(
        form_label=f"Mẫu {request.form}",
        superior=cell.superior if cell is not None else commune.organization_name,
        issuer=cell.heading if cell is not None else "CHI BỘ …",
        number="",
        place_date=f"{place_of(link.residence_commune_organization)}, {vietnamese_date(day)}",
        title="PHIẾU NHẬN XÉT",
        subtitle=[
            "Đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và "
            "nhân dân nơi cư trú",
            f"Năm {request.campaign.year}",
        ],
        paragraphs=[
            f"{who}, sau khi họp với Ban công tác Mặt trận {community} {met}, thống nhất "
            f"nhận xét đồng chí {member.full_name}, sinh ngày {short_date(member.birth_date)}, "
            f"hiện công tác tại {agency_of(member, request.workplace_organization, day)}, "
            "như sau:"
        ],
        ticks=ticks,
        free_text=free_text,
        signatures=[
            [f"XÁC NHẬN CỦA {commune.heading}", *commune.signature(document.signer)],
            cell.signature(Signer.SECRETARY) if cell is not None else ["T/M CHI BỘ", "BÍ THƯ"],
        ],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )


LETTER_RELATED = (
    "member__organization",
    "member__residence_community",
    "member__residence_commune__parent",
    "issued_by_organization__parent",
    "workplace_organization",
    "residence_commune_organization__parent",
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
    "link__residence_cell__parent",
)
