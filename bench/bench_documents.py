"""Official documents at the size of the largest ward (Phường Hà Giang 1 in 2023 had
about 1,655 linked members): one batch of 1,655 introduction letters against the same
letters rendered one by one with bare WeasyPrint.

1. ``documents.services.run_letter_batch`` for one bulk issue of N letters (default
   1,655; ``--count N``): every letter laid out chunk by chunk, the pages joined into one
   PDF, the N documents registered and the file stored, as the background task does.
2. The raw baseline: the HTML of each of the same letters (rendered beforehand, not
   timed) turned into its own PDF by ``weasyprint.HTML(string=...).write_pdf()``, N
   times.

Prints both, the pages of the batch's PDF and the ratio (target ≤ 2×). The letters are
issued through the services on a scratch database (SQLite, or PostgreSQL with
``DATABASE_URL``) holding one province, one ward and one workplace committee.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoa", "Hải", "Lan", "Mỹ", "Pọm", "Tuấn", "Yến"]
ISSUED_ON = datetime.date(2023, 3, 6)


def _world(count: int) -> Any:
    """A province, the ward, a workplace committee with one cell and ``count`` working
    members living in the ward, each classified normal and introduced in one bulk issue."""
    from lienhe213.accounts.models import User
    from lienhe213.members.services import create_member
    from lienhe213.organizations.models import AdministrativeUnit, Community
    from lienhe213.organizations.services import create_organization
    from lienhe213.registry import services as registry

    root = User.objects.create_superuser(username="root", password="demo")
    province_unit = AdministrativeUnit.objects.create(
        code="02", name="Hà Giang", level="province", division_type="tỉnh"
    )
    ward_unit = AdministrativeUnit.objects.create(
        code="00688",
        name="Phường Quang Trung",
        level="commune",
        division_type="phường",
        parent=province_unit,
    )
    community = Community.objects.create(commune=ward_unit, name="Tổ 5", kind="residential_group")

    def org(name: str, kind: str, side: str, parent: Any, **kw: Any) -> Any:
        return create_organization(by=root, name=name, kind=kind, side=side, parent=parent, **kw)

    province = org("Đảng bộ tỉnh Hà Giang", "provincial_committee", "both", None)
    province.administrative_unit = province_unit
    province.save(update_fields=["administrative_unit"])
    org(
        "Đảng bộ phường Quang Trung",
        "grassroots_committee",
        "residential",
        province,
        administrative_unit=ward_unit,
    )
    workplace = org("Đảng bộ Sở Giáo dục và Đào tạo", "grassroots_committee", "workplace", province)
    cell = org("Chi bộ Văn phòng Sở", "cell", "workplace", workplace)
    members = []
    for i in range(count):
        members.append(
            create_member(
                by=root,
                family_name=FAMILY[i % len(FAMILY)],
                middle_name=MIDDLE[(i // 10) % len(MIDDLE)],
                given_name=GIVEN[(i // 60) % len(GIVEN)],
                gender="female" if i % 2 else "male",
                birth_date=datetime.date(1960 + i % 20, 1 + i % 12, 1 + i % 28),
                joined_on=datetime.date(2000 + i % 20, 5, 19),
                official_on=datetime.date(2001 + i % 20, 5, 19),
                organization=cell,
                residence_commune=ward_unit,
                residence_community=community,
                residence_address=f"Số {i + 1}, đường Nguyễn Trãi",
            )
        )
        registry.classify_member(
            by=root, member=members[-1], decided_by=workplace, decided_on=ISSUED_ON
        )
    registry.issue_letters(by=root, workplace=workplace, members=members, issued_on=ISSUED_ON)
    return root, workplace


def bench(count: int) -> None:
    from pypdf import PdfReader
    from weasyprint import HTML

    from lienhe213.documents import papers, rendering, services
    from lienhe213.documents.models import IssuedDocument
    from lienhe213.registry.models import ResidenceLink

    c.title(f"issuing {count} letters through the services (setup, not timed)")
    started = time.perf_counter()
    root, workplace = _world(count)
    print(f"{time.perf_counter() - started:.1f} s")

    batch = services.start_letter_batch(by=root, workplace=workplace, issued_on=ISSUED_ON)
    started = time.perf_counter()
    batch = services.run_letter_batch(batch_id=batch.pk)
    batch_seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(bytes(batch.pdf or b""))).pages)
    registered = IssuedDocument.objects.count()

    links = ResidenceLink.objects.select_related(*papers.LETTER_RELATED).order_by("letter_number")
    documents = {d.link_id: d for d in IssuedDocument.objects.all()}
    htmls = [
        rendering.render_html([papers.letter_paper(link, documents[link.pk])]) for link in links
    ]
    started = time.perf_counter()
    for html in htmls:
        HTML(string=html).write_pdf()
    raw_seconds = time.perf_counter() - started

    c.title(f"{count} letters: one batch vs bare WeasyPrint one by one (target ≤ 2×)")
    print(
        f"batch (run_letter_batch)   {batch_seconds:8.1f} s  {pages} pages, {registered} registered"
    )
    print(f"raw (HTML(...).write_pdf)  {raw_seconds:8.1f} s  {len(htmls)} files")
    print(f"ratio                      {batch_seconds / raw_seconds:8.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1655, help="letters in the batch")
    args = parser.parse_args()
    with c.scratch_database("documents") as url:
        c.migrate(url)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
        sys.path.insert(0, str(c.ROOT))
        import django

        django.setup()
        bench(args.count)


if __name__ == "__main__":
    main()
