"""A small trickle of residents' reports for the demo (ADR 0014): the pages of the demo
commune's residential cells and a few reports each over the last four months — the
older ones matched to a linked member or closed, the recent ones waiting for the cell.

The community representatives of those cells (the demo accounts ``mattran``,
``totruong``, ``totruong2``) have written a few opinions too: the older ones matched to
a linked member, so they are on record for this year's Front meeting, the recent ones
waiting in the queue, marked with their writer.

Written in bulk like the rest of the demo (no audit row, notification or notice of their
own: the seed's one import event covers them); deterministic for a seed. A report's
receipt is random and thrown away, as a resident would lose it.
"""

import datetime
import random

from django.utils import timezone

from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.feedback import services
from lienhe213.feedback.models import FeedbackChannel, ResidentReport, receipt_digest
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink

# (topic, what a resident writes): plain words, as residents write them.
TEXTS = (
    (
        "good_conduct",
        "Đồng chí thường xuyên giúp đỡ các gia đình khó khăn trong tổ, vận động bà con "
        "làm đường bê tông.",
    ),
    ("good_conduct", "Gia đình đồng chí gương mẫu, tham gia đầy đủ các buổi tổng vệ sinh."),
    (
        "concern",
        "Gia đình hát karaoke to đến khuya nhiều tối trong tuần, hàng xóm đã nhắc nhưng "
        "chưa thay đổi.",
    ),
    ("concern", "Xây dựng lấn ra lối đi chung của ngõ, chưa trao đổi với tổ dân phố."),
    ("concern", "Không tham gia họp tổ dân phố cả năm nay, bà con có ý kiến."),
    ("moved_away", "Gia đình đã bán nhà và chuyển đi nơi khác từ mấy tháng trước."),
)
NAMES = ("Ông Hùng", "Chị Lan ở số 12", "Anh Tuấn", "Bà Thu", "Chú Bình", "Cô Hạnh")
# What a Front work committee head or the head of a community writes.
OPINIONS = (
    (
        "good_conduct",
        "Ban công tác Mặt trận ghi nhận đồng chí tích cực tham gia phong trào toàn dân "
        "đoàn kết xây dựng đời sống văn hóa ở khu dân cư.",
    ),
    (
        "good_conduct",
        "Đồng chí và gia đình chấp hành tốt quy ước của tổ, đóng góp đầy đủ các khoản vận động.",
    ),
    (
        "concern",
        "Đồng chí ít khi dự họp tổ dân phố, nhân dân đề nghị chi bộ nhắc nhở.",
    ),
)
# Cells of the demo commune that get a page, the demo secretary's first.
CELLS = 4


def write_feedback(*, seed: int, today: datetime.date, demo_cell_id: int) -> int:
    """The residents' reports written."""
    rng = random.Random(seed * 7919 + 213)
    demo_cell = Organization.objects.get(pk=demo_cell_id)
    others = Organization.objects.filter(
        parent_id=demo_cell.parent_id,
        kind=Organization.Kind.CELL,
        side=Organization.Side.RESIDENTIAL,
        valid_until__isnull=True,
    ).exclude(pk=demo_cell.pk)
    cells = [demo_cell, *others.order_by("path")[: CELLS - 1]]
    FeedbackChannel.objects.bulk_create(
        [FeedbackChannel(cell=cell, slug=services.new_slug()) for cell in cells]
    )
    reports: list[ResidentReport] = []
    for cell in cells:
        links = list(
            ResidenceLink.objects.filter(residence_cell=cell, status=ResidenceLink.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", "member_id")[:20]
        )
        for number in range(5 if cell.pk == demo_cell.pk else rng.randint(1, 3)):
            topic, body = rng.choice(TEXTS)
            day = today - datetime.timedelta(days=3 + number * 25 + rng.randint(0, 10))
            received = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 30)))
            handled = received + datetime.timedelta(days=5)
            report = ResidentReport(
                cell=cell,
                topic=topic,
                member_name=rng.choice(NAMES),
                community=cell.community.name if cell.community else cell.name,
                body=body,
                phone=f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.5 else "",
                receipt_digest=receipt_digest(services.new_receipt()),
                received_at=received,
                handle_by=services.handle_by_for(cell, day),
            )
            reports.append(report)
            if today - day < datetime.timedelta(days=20):
                continue  # recent: waiting for the cell
            if not links or rng.random() < 0.25:
                report.status = ResidentReport.Status.CLOSED
                report.close_reason = rng.choice(services.UNMATCHED_REASONS)
                report.note = "Đã xác minh với tổ trưởng tổ dân phố."
                report.closed_at = handled
                continue
            report.link_id, report.member_id = rng.choice(links)
            report.matched_at = handled
            report.status = ResidentReport.Status.HANDLING
            if rng.random() < 0.5:
                report.status = ResidentReport.Status.CLOSED
                report.close_reason = "handled"
                report.note = "Chi bộ đã trao đổi với đồng chí."
                report.closed_at = handled
    reports += _opinions(seed=seed, today=today, cells=cells)
    ResidentReport.objects.bulk_create(reports)
    return len(reports)


def _opinions(
    *, seed: int, today: datetime.date, cells: list[Organization]
) -> list[ResidentReport]:
    """Two opinions of each community representative of ``cells``: one a month old,
    matched to a linked member of the cell when it has one, and one of last week still
    waiting. Its own random stream, so the residents' reports stay as they were."""
    rng = random.Random(seed * 104729 + 14)
    assignments = (
        RoleAssignment.objects.filter(organization__in=cells, role=Role.COMMUNITY_REPRESENTATIVE)
        .select_related("user", "organization")
        .order_by("organization__path", "user__username")
    )
    opinions: list[ResidentReport] = []
    for assignment in assignments:
        cell, writer = assignment.organization, assignment.user
        links = list(
            ResidenceLink.objects.filter(residence_cell=cell, status=ResidenceLink.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", "member_id", "member__given_name")[:20]
        )
        for age in (30 + rng.randint(0, 5), 4 + rng.randint(0, 3)):
            day = today - datetime.timedelta(days=age)
            received = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 15)))
            topic, body = rng.choice(OPINIONS)
            link = rng.choice(links) if links else None
            opinion = ResidentReport(
                cell=cell,
                topic=topic,
                member_name=f"Đồng chí {link[2]}" if link else rng.choice(NAMES),
                community=cell.community.name if cell.community else cell.name,
                body=body,
                receipt_digest=receipt_digest(services.new_receipt()),
                received_at=received,
                handle_by=services.handle_by_for(cell, day),
                submitted_by=writer,
                representative_kind=assignment.representative_kind,
                representative_name=services.representative_name(writer),
            )
            if age > 20 and link is not None:
                opinion.link_id, opinion.member_id = link[0], link[1]
                opinion.matched_at = received + datetime.timedelta(days=3)
                opinion.status = ResidentReport.Status.HANDLING
            opinions.append(opinion)
    return opinions
