"""Helpers for the import tests: workbooks built in memory, and an import run through
the services (the check and the commit run in place, as the worker would run them)."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from lienhe213.imports import services
from lienhe213.imports.models import ImportBatch, ImportRow


def xlsx(rows: Sequence[Sequence[Any]], *, title_rows: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def check(
    user: Any, kind: str, org: Any, content: bytes, name: str = "ds.xlsx", **kw: Any
) -> ImportBatch:
    batch = services.start_import(
        by=user,
        kind=kind,
        organization=org,
        file_name=name,
        content=content,
        background=False,
        **kw,
    )
    return services.run_check(batch_id=batch.pk)


def commit(user: Any, batch: ImportBatch) -> ImportBatch:
    services.commit_import(by=user, batch=batch, background=False)
    return services.run_commit(batch_id=batch.pk)


def outcomes(batch: ImportBatch) -> dict[int, str]:
    return dict(ImportRow.objects.filter(batch=batch).values_list("number", "outcome"))


def reasons(batch: ImportBatch, number: int) -> list[str]:
    return list(ImportRow.objects.get(batch=batch, number=number).reasons)
