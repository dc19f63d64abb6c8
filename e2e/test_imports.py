"""An import in a real browser, at phone width: the workplace officer uploads a members
file, the page follows the check (htmx polls until the worker is done, then the page
reloads into the preview), and the preview shows the rejected row with its reason.

The pages are left in Vietnamese, the site's default; the test finds its way by the
fields' names and the links' addresses, and checks the values it reads from the file.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from e2e.conftest import log_in
from lienhe213.imports import services
from lienhe213.imports.models import ImportBatch

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# Every link, button, select and choice of the page's main part is at least 44 px high.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "main button, main select, main .dash-card a, main .downloads a, main .pager a, main .crumbs a,"
    + " main .rows.history .row-head a, main summary, main label:has(> input)")]
  .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
  .map((el) => el.outerHTML.slice(0, 80))"""

CELL = "Chi bộ Văn phòng Sở"
ROWS = [
    ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng", "Chi bộ"],
    [1, "TRẦN THỊ LAN", "12/04/1990", "Nữ", "49.123.456", "03/02/2015", CELL],
    [2, "Hoàng Văn Hải", "01/01/1988", "Nam", "", "10/10/2012", CELL],
    [3, "Lê Văn Tú", "31/02/1980", "Nam", "", "10/10/2012", CELL],
]


def _workbook(path):
    book = Workbook()
    for row in ROWS:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_upload_follow_and_preview_an_import_on_a_phone(
    transactional_db, world, live_server, phone, tmp_path
):
    base, page = live_server.url, phone
    file = _workbook(tmp_path / "danh-sach-dang-vien-chi-bo-van-phong-so-giao-duc-2025.xlsx")

    # when the workplace officer opens the imports from the menu's "More" sheet and uploads
    # the file
    log_in(page, base, "coquan")
    page.click("header nav .nav-more summary")
    with page.expect_navigation():
        page.click(f"header nav a[href='{reverse('imports:list')}']")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.is_checked("input[name=kind][value=members]")  # the only kind it may import
    page.select_option("select[name=organization]", str(world.workplace.pk))
    page.set_input_files("input[name=file]", str(file))
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # then the import's page follows the check
    batch = ImportBatch.objects.get()
    assert page.url == f"{base}{reverse('imports:detail', args=[batch.pk])}"
    page.locator("#import-progress").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # when the worker has checked the file, the page reloads into the preview
    services.run_check(batch_id=batch.pk)
    page.locator(".dash-cards.outcomes").wait_for(timeout=15_000)

    # then the rejected row is shown first, with its reason; nothing scrolls sideways
    rows = page.locator("main ol.rows.preview > li")
    assert rows.count() == 1
    assert "Lê Văn Tú" in rows.first.inner_text()
    assert "31/02/1980" in rows.first.inner_text()
    assert page.locator(f"main a[href='{reverse('imports:errors', args=[batch.pk])}']").is_visible()
    assert page.locator(
        f"main form[action='{reverse('imports:commit', args=[batch.pk])}']"
    ).is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.evaluate(SMALL_TARGETS) == []

    # and the new rows, with every cell as typed opened, still fit the phone's width
    with page.expect_navigation():
        page.click("main .dash-cards a[href^='?outcome=new']")
    assert page.locator("main ol.rows.preview > li").count() == 2
    for summary in page.locator("main ol.rows.preview summary").all():
        summary.click()
    page.click("main details.columns > summary")
    assert page.locator("main select[name=column_6]").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # and the list shows the import under the form
    page.goto(f"{base}{reverse('imports:list')}")
    assert file.name in page.inner_text("main .rows.history")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
