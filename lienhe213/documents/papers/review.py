"""The annual report of a province or a commune on carrying out Regulation 213
(docs/domain.md §4.8) as a ``rendering.Paper``."""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lienhe213.documents.models import IssuedDocument
from lienhe213.documents.papers.forms import BASIS
from lienhe213.documents.papers.signatories import Names, signatory
from lienhe213.documents.rendering import Paper, place_of, verify_url, vietnamese_date

if TYPE_CHECKING:
    from lienhe213.reports.review import Review, UnitScore


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


def review_paper(
    review: "Review", on: datetime.date, document: IssuedDocument, names: Names | None = None
) -> Paper:
    """The annual report of a province or a commune on carrying out Regulation 213
    (docs/domain.md §4.8): the year's figures beside the previous year's, the strongest and the
    weakest units, the commendations. Its labels are the Vietnamese of the report page,
    whatever the language of the user who prints it."""
    from django.utils import translation

    org = review.organization
    year = review.year
    issuer = signatory(org, on, names or Names())
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
        superior=issuer.superior,
        issuer=issuer.heading,
        number=issuer.number(document.number, "BC"),
        place_date=f"{place_of(org)}, {vietnamese_date(on)}",
        title="BÁO CÁO",
        subtitle=[
            f"Kết quả thực hiện Quy định số 213-QĐ/TW năm {year}",
            f"của {review.name}{formerly}",
        ],
        paragraphs=[
            BASIS.rstrip(",") + ".",
            f"{issuer.committee} báo cáo kết quả năm {year} so với năm {year - 1} như sau:",
        ],
        table_columns=["Chỉ tiêu", str(year), str(year - 1), "Tăng, giảm"],
        table_rows=rows,
        closing=after,
        signatures=[[], issuer.signature(document.signer)],
        verification_code=document.verification_code,
        verify_url=verify_url(document.verification_code),
    )
