"""The official texts loaded as guidance entries (``services.load_guidance``).

They are data, not interface strings: Vietnamese whatever the interface language, cited
to their source, never translated. ``confirmed`` follows docs/domain.md §0: only the
parts of the texts read in an official copy are marked confirmed; the rest (the
reconstructions marked [R] there, and wordings taken from a secondary copy) are marked
for checking, and an administrator publishes the checked wording as a new version from
the entry's page. Changing a text here and running ``load_guidance`` again adds a new
version of the entries the loader wrote; a wording an administrator published is left
as it is.
"""

from dataclasses import dataclass

QD213 = "Quy định 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị"
HD33 = "Hướng dẫn 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương"


@dataclass(frozen=True)
class OfficialText:
    key: str
    step: str
    title: str
    source: str
    summary: str
    text: str
    confirmed: bool = False


# Regulation 213, Article 2: the member's seven tasks at the residence. Exemptions are
# expressed by task number (33-HD §1.1, §1.2), so each task is an entry of its own.
MEMBER_TASKS = [
    (
        "Nêu gương về phẩm chất chính trị, đạo đức, lối sống; thực hiện tốt vai trò tiên "
        "phong, gương mẫu của cán bộ, đảng viên trước nhân dân nơi cư trú."
    ),
    (
        "Gương mẫu thực hiện nghĩa vụ công dân; tuyên truyền, vận động gia đình và nhân dân "
        "nơi cư trú thực hiện đúng chủ trương, đường lối của Đảng, chính sách, pháp luật của "
        "Nhà nước và các quy định của địa phương."
    ),
    (
        "Tham dự đầy đủ, nghiêm túc các cuộc họp định kỳ và các cuộc họp khác do cấp ủy nơi "
        "cư trú mời; tham gia ý kiến với chi bộ, chi ủy, đảng ủy nơi cư trú về những vấn đề "
        "chung, nhất là những vấn đề bức xúc ở thôn, tổ dân phố."
    ),
    (
        "Tham dự các cuộc họp của khu dân cư; thường xuyên giữ mối liên hệ với chi ủy, "
        "trưởng thôn, tổ trưởng tổ dân phố và ban công tác Mặt trận ở khu dân cư để nắm tình "
        "hình nhân dân; phản ánh ý kiến của nhân dân đến các cơ quan có thẩm quyền."
    ),
    (
        "Vận động nhân dân nơi cư trú góp ý kiến xây dựng Đảng, chính quyền cơ sở; giám sát "
        "cán bộ, đảng viên về đạo đức, lối sống và thực hiện trách nhiệm nêu gương."
    ),
    (
        "Vận động gia đình và nhân dân nơi cư trú xây dựng mối quan hệ gắn bó, đoàn kết, "
        "đời sống văn hóa ở khu dân cư; tham gia các phong trào thi đua, các cuộc vận động "
        "ở địa phương."
    ),
    (
        "Chịu sự kiểm tra, giám sát của chi ủy, chi bộ và nhân dân nơi cư trú; thông báo "
        "cho tổ chức đảng nơi cư trú khi thay đổi nơi cư trú hoặc nơi công tác."
    ),
]
# Tasks 1–5 are sourced in the domain notes; 6 and 7 are reconstructions (docs/domain.md
# §2, §8). None of the seven was read in an official copy here: all are to check.
MEMBER_TASKS_CONFIRMED = [False] * 7

ARTICLE_1 = (
    "1. Đảng viên đang công tác ở các cơ quan, doanh nghiệp, đơn vị sự nghiệp, lực lượng "
    "vũ trang (gọi tắt là đảng viên đang công tác) vừa thực hiện quy định của Điều lệ "
    "Đảng về sinh hoạt đảng tại nơi làm việc, vừa có trách nhiệm thường xuyên giữ mối liên "
    "hệ với tổ chức đảng và nhân dân nơi cư trú; gần gũi, gắn bó với nhân dân; khắc phục "
    "những biểu hiện sống xa dân, thiếu trách nhiệm trong các công việc của nhân dân nơi "
    "cư trú; củng cố mối quan hệ mật thiết giữa Đảng với nhân dân; nêu cao vai trò, trách "
    "nhiệm của người đảng viên trong xây dựng Đảng, xây dựng hệ thống chính trị cơ sở.\n"
    "2. Tổ chức cơ sở đảng nơi đảng viên đang công tác và nơi đảng viên cư trú có trách "
    "nhiệm tạo điều kiện cho đảng viên đang công tác thực hiện trách nhiệm, nhiệm vụ nơi "
    "cư trú, đồng thời kiểm tra, giám sát, nhận xét, đánh giá việc thực hiện của đảng viên."
)

CATEGORY_A = (
    "Đảng viên thuộc các trường hợp sau được giới thiệu về tổ chức đảng nơi cư trú nhưng "
    "được miễn sinh hoạt ở nơi cư trú:\n"
    "- Đảng viên trong Quân đội nhân dân, Công an nhân dân ít có điều kiện về nơi cư trú "
    "ngoài giờ làm việc do đơn vị ở xa nơi cư trú hoặc do yêu cầu nhiệm vụ phải ở trong "
    "doanh trại, nhà công vụ.\n"
    "- Đảng viên ở các cơ quan, đơn vị, doanh nghiệp trong nước thuộc mọi loại hình thường "
    "xuyên đi công tác xa hoặc làm việc lưu động; cán bộ được biệt phái, luân chuyển ở "
    "nhà công vụ, ký túc xá cơ quan, ít có điều kiện về nơi cư trú.\n"
    "- Cán bộ, công chức, viên chức đi học tập trung 12 tháng trong năm; học sinh, sinh "
    "viên học xa nhà, ít có điều kiện về nơi cư trú.\n"
    "Các đảng viên này thực hiện Khoản 1, Điều 1 và các nhiệm vụ 1, 2, 5, 6, 7 tại Điều 2 "
    "Quy định số 213-QĐ/TW; không phải tham dự các cuộc họp của chi bộ và của khu dân cư "
    "nơi cư trú (nhiệm vụ 3, 4). Không lấy ý kiến nhận xét định kỳ hằng năm; chỉ lấy ý "
    "kiến nhận xét khi cần thiết (công tác cán bộ, khen thưởng, kỷ luật…) theo Mẫu 4-213."
)

CATEGORY_B = (
    "Đảng viên thuộc các trường hợp sau được miễn giới thiệu về tổ chức đảng nơi cư trú:\n"
    "- Đảng viên trong Quân đội nhân dân, Công an nhân dân làm nhiệm vụ đặc biệt cần giữ "
    "bí mật danh tính; đảng viên ở các đơn vị thường trực sẵn sàng chiến đấu.\n"
    "- Đảng viên công tác ở vùng sâu, vùng xa, biên giới, hải đảo, do yêu cầu nhiệm vụ "
    "ít về nơi cư trú trong năm.\n"
    "- Đảng viên công tác ở cơ quan đại diện ngoại giao, cơ quan đại diện, đơn vị kinh tế "
    "ở nước ngoài; đảng viên tham gia lực lượng gìn giữ hòa bình Liên hợp quốc; đảng viên "
    "đi công tác, lao động, học tập ở nước ngoài 12 tháng trong năm.\n"
    "- Đảng viên đang công tác bị ốm đau phải điều trị, điều dưỡng 12 tháng liên tục "
    "trong năm.\n"
    "Các đảng viên này thực hiện các nhiệm vụ 1, 2, 6 tại Điều 2 Quy định số 213-QĐ/TW."
)

WHO_DECIDES = (
    "Đối với đảng bộ cơ sở: đảng ủy cơ sở xem xét, quyết định từng trường hợp thuộc các "
    "điểm 1.1, 1.2 trên cơ sở đề nghị của chi bộ nơi đảng viên công tác, học tập.\n"
    "Đối với chi bộ cơ sở: chi bộ xem xét, quyết định từng trường hợp."
)

FORMS = (
    "Ban hành kèm theo Hướng dẫn các mẫu:\n"
    "- Mẫu 1-213: Giấy giới thiệu đảng viên đang công tác về giữ mối liên hệ với tổ chức "
    "đảng và nhân dân nơi cư trú.\n"
    "- Mẫu 2-213: Giấy giới thiệu đảng viên thuộc diện được giới thiệu nhưng được miễn "
    "sinh hoạt ở nơi cư trú.\n"
    "- Mẫu 3-213: Phiếu xin ý kiến và phiếu nhận xét đảng viên đang công tác thường xuyên "
    "giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú.\n"
    "- Mẫu 4-213: Phiếu xin ý kiến và phiếu nhận xét đảng viên thuộc diện được giới thiệu "
    "nhưng được miễn sinh hoạt ở nơi cư trú."
)

RECEIVE = (
    "Đảng ủy xã, phường, thị trấn tiếp nhận, lập danh sách đảng viên đang công tác được "
    "giới thiệu về sinh hoạt, giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú; "
    "giới thiệu về chi ủy, chi bộ thôn, tổ dân phố."
)

ASSIGN = (
    "Chi bộ thôn, tổ dân phố tiếp nhận, lập danh sách đảng viên đang công tác về sinh "
    "hoạt, giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú; thông báo cho từng "
    "đảng viên biết để giữ mối liên hệ, thực hiện nhiệm vụ của đảng viên ở nơi cư trú; "
    "đồng thời tạo điều kiện để đảng viên thực hiện nhiệm vụ."
)

MEETINGS = (
    "Định kỳ 6 tháng hoặc khi cần thiết, đảng ủy xã, phường, thị trấn chỉ đạo chi ủy, chi "
    "bộ trực thuộc tổ chức họp với đảng viên đang công tác cư trú trên địa bàn để thông "
    "báo tình hình, nhiệm vụ của địa phương hoặc chuyên đề cần xin ý kiến đóng góp của "
    "đảng viên đang công tác."
)

COMMENT = (
    "Định kỳ hằng năm, chi ủy chi bộ hoặc bí thư chi bộ (nơi không có chi ủy) phối hợp "
    "với ban công tác Mặt trận ở khu dân cư nhận xét đối với từng đảng viên đang công tác "
    "thực hiện nhiệm vụ ở nơi cư trú trên địa bàn và gửi cấp ủy cơ sở nơi đảng viên công "
    "tác."
)

COMMENT_ITEMS = (
    "Phiếu nhận xét (Mẫu 3-213) gồm các mục, mỗi mục đánh dấu một trong ba mức:\n"
    "1. Nêu gương về phẩm chất chính trị, đạo đức, lối sống; vai trò tiên phong, gương "
    "mẫu trước nhân dân nơi cư trú: Nêu gương tốt / Nêu gương / Chưa nêu gương.\n"
    "2. Thực hiện nghĩa vụ công dân; vận động gia đình và nhân dân chấp hành chủ trương "
    "của Đảng, chính sách, pháp luật của Nhà nước, quy định của địa phương; tham gia các "
    "cuộc vận động, phong trào thi đua ở nơi cư trú: Gương mẫu đi đầu / Gương mẫu / Chưa "
    "gương mẫu.\n"
    "3. Tham dự các cuộc họp định kỳ, họp khác do chi ủy nơi cư trú mời; dự họp tổ dân "
    "phố, thôn: Tham gia đầy đủ / Tham gia chưa đầy đủ / Không tham gia.\n"
    "4. Giữ mối liên hệ với chi ủy, trưởng thôn, tổ trưởng tổ dân phố và Ban công tác Mặt "
    "trận; phản ánh ý kiến của nhân dân; góp ý kiến về các vấn đề của địa phương: Thường "
    "xuyên, tích cực / Thường xuyên / Chưa thường xuyên.\n"
    "5. Vận động nhân dân góp ý xây dựng Đảng, chính quyền, giám sát cán bộ, đảng viên; "
    "vận động gia đình và nhân dân xây dựng khối đoàn kết, đời sống văn hóa ở khu dân cư: "
    "Rất tích cực / Tích cực / Chưa tích cực.\n"
    "6. Đề xuất với đảng ủy nơi đảng viên công tác: Biểu dương / Không đề nghị / Xem xét "
    "xử lý.\n"
    "7. Nhận xét khác.\n"
    "Phiếu nhận xét Mẫu 4-213 (đảng viên được miễn sinh hoạt nơi cư trú) gồm ba mục a, b, "
    "c: nêu gương về phẩm chất chính trị, đạo đức, lối sống; thực hiện nghĩa vụ công dân "
    "nơi cư trú; vận động gia đình chấp hành chủ trương, chính sách, pháp luật và xây dựng "
    "mối quan hệ gắn bó, đoàn kết ở địa bàn."
)

RATE = (
    "Hằng năm, cấp ủy cơ sở nơi đảng viên công tác lấy ý kiến nhận xét của chi ủy, chi bộ "
    "nơi cư trú (Mẫu 3-213, 4-213) để làm một trong những căn cứ kiểm điểm, đánh giá, xếp "
    "loại chất lượng đảng viên và thực hiện công tác cán bộ; biểu dương, khen thưởng hoặc "
    "xem xét, xử lý đảng viên theo đề xuất của tổ chức đảng nơi cư trú và thông báo kết "
    "quả cho tổ chức đảng nơi cư trú."
)

ISSUE = (
    "Cấp ủy cơ sở nơi đảng viên công tác giới thiệu đảng viên đang công tác về giữ mối "
    "liên hệ với đảng ủy xã, phường, thị trấn nơi đảng viên cư trú bằng giấy giới thiệu "
    "(Mẫu 1-213; đảng viên thuộc diện được giới thiệu nhưng được miễn sinh hoạt ở nơi cư "
    "trú dùng Mẫu 2-213); thường xuyên giữ mối liên hệ với tổ chức đảng nơi cư trú và "
    "thông báo khi đảng viên thay đổi nơi công tác, nơi cư trú."
)

OFFICIAL_TEXTS: list[OfficialText] = [
    OfficialText(
        key="qd213-dieu-1",
        step="general",
        title="Trách nhiệm của đảng viên đang công tác và của tổ chức cơ sở đảng",
        source=f"{QD213}, Điều 1",
        summary=(
            "Đảng viên đang công tác vừa sinh hoạt đảng tại nơi làm việc, vừa thường xuyên "
            "giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú; tổ chức cơ sở đảng ở "
            "cả hai nơi tạo điều kiện và kiểm tra, giám sát, nhận xét, đánh giá đảng viên."
        ),
        text=ARTICLE_1,
        confirmed=True,
    ),
    *[
        OfficialText(
            key=f"qd213-dieu-2-khoan-{number}",
            step="general",
            title=f"Nhiệm vụ {number} của đảng viên ở nơi cư trú",
            source=f"{QD213}, Điều 2, khoản {number}",
            summary=wording,
            text=wording,
            confirmed=MEMBER_TASKS_CONFIRMED[number - 1],
        )
        for number, wording in enumerate(MEMBER_TASKS, start=1)
    ],
    OfficialText(
        key="qd213-dieu-3-gioi-thieu",
        step="issue",
        title="Cấp ủy nơi công tác giới thiệu đảng viên về nơi cư trú",
        source=f"{QD213}, Điều 3; {HD33}, mục 2",
        summary=(
            "Cấp ủy cơ sở nơi đảng viên công tác giới thiệu đảng viên về đảng ủy xã, "
            "phường nơi cư trú bằng giấy giới thiệu Mẫu 1-213 (diện miễn sinh hoạt nơi cư "
            "trú: Mẫu 2-213)."
        ),
        text=ISSUE,
    ),
    OfficialText(
        key="qd213-dieu-4-khoan-1",
        step="receive",
        title="Đảng ủy xã, phường tiếp nhận đảng viên",
        source=f"{QD213}, Điều 4, khoản 1",
        summary=(
            "Đảng ủy xã, phường tiếp nhận, lập danh sách đảng viên được giới thiệu về và "
            "giới thiệu về chi ủy, chi bộ thôn, tổ dân phố."
        ),
        text=RECEIVE,
    ),
    OfficialText(
        key="qd213-dieu-4-khoan-2",
        step="assign",
        title="Chi bộ nơi cư trú tiếp nhận đảng viên",
        source=f"{QD213}, Điều 4, khoản 2",
        summary=(
            "Chi bộ thôn, tổ dân phố tiếp nhận, lập danh sách, thông báo cho từng đảng viên "
            "nhiệm vụ ở nơi cư trú và tạo điều kiện để đảng viên thực hiện."
        ),
        text=ASSIGN,
    ),
    OfficialText(
        key="qd213-dieu-4-khoan-3",
        step="assign",
        title="Họp với đảng viên đang công tác cư trú trên địa bàn",
        source=f"{QD213}, Điều 4, khoản 3",
        summary="Định kỳ 6 tháng hoặc khi cần thiết, chi bộ họp với đảng viên đang công tác.",
        text=MEETINGS,
    ),
    OfficialText(
        key="hd33-muc-1-1",
        step="exempt",
        title="Diện được giới thiệu nhưng được miễn sinh hoạt ở nơi cư trú",
        source=f"{HD33}, mục 1, điểm 1.1",
        summary=(
            "Được giới thiệu (Mẫu 2-213) nhưng miễn sinh hoạt nơi cư trú; thực hiện nhiệm "
            "vụ 1, 2, 5, 6, 7; chỉ lấy nhận xét khi cần (Mẫu 4-213)."
        ),
        text=CATEGORY_A,
    ),
    OfficialText(
        key="hd33-muc-1-2",
        step="exempt",
        title="Diện được miễn giới thiệu về tổ chức đảng nơi cư trú",
        source=f"{HD33}, mục 1, điểm 1.2",
        summary="Không giới thiệu về nơi cư trú; thực hiện nhiệm vụ 1, 2, 6.",
        text=CATEGORY_B,
    ),
    OfficialText(
        key="hd33-muc-1-3",
        step="exempt",
        title="Thẩm quyền quyết định miễn",
        source=f"{HD33}, mục 1, điểm 1.3",
        summary=(
            "Đảng ủy cơ sở quyết định theo đề nghị của chi bộ nơi đảng viên công tác; ở "
            "chi bộ cơ sở, chi bộ quyết định."
        ),
        text=WHO_DECIDES,
    ),
    OfficialText(
        key="hd33-muc-2",
        step="general",
        title="Các mẫu giấy tờ",
        source=f"{HD33}, mục 2",
        summary="Mẫu 1-213, 2-213 (giấy giới thiệu); Mẫu 3-213, 4-213 (phiếu nhận xét).",
        text=FORMS,
    ),
    OfficialText(
        key="qd213-dieu-4-khoan-4",
        step="comment",
        title="Nhận xét hằng năm đối với đảng viên",
        source=f"{QD213}, Điều 4, khoản 4",
        summary=(
            "Hằng năm, chi ủy (hoặc bí thư chi bộ) phối hợp với ban công tác Mặt trận ở khu "
            "dân cư nhận xét từng đảng viên và gửi cấp ủy cơ sở nơi đảng viên công tác."
        ),
        text=COMMENT,
    ),
    OfficialText(
        key="hd33-mau-3-213-noi-dung",
        step="comment",
        title="Các mục của phiếu nhận xét",
        source=f"{HD33}, mục 2, Mẫu 3-213 và Mẫu 4-213",
        summary=(
            "Năm mục đánh giá theo nhiệm vụ ở nơi cư trú, mỗi mục ba mức; mục 6 là đề xuất "
            "(biểu dương, không đề nghị, xem xét xử lý); mục 7 là nhận xét khác."
        ),
        text=COMMENT_ITEMS,
    ),
    OfficialText(
        key="qd213-dieu-3-xep-loai",
        step="rate",
        title="Dùng nhận xét nơi cư trú khi đánh giá, xếp loại đảng viên",
        source=f"{QD213}, Điều 3",
        summary=(
            "Cấp ủy nơi công tác dùng nhận xét của chi bộ nơi cư trú làm một căn cứ đánh "
            "giá, xếp loại đảng viên và công tác cán bộ; thông báo kết quả xử lý cho nơi cư "
            "trú."
        ),
        text=RATE,
    ),
]
