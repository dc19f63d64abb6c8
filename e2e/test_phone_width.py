"""Every page at a phone's width (issue 11, items 4 and 8).

The small demo preset is loaded and each of its accounts (and an account with no role, and
no account at all) opens every GET page of the site in one browser at 390 × 844; each
page the account may see (answered 200) must:

- not scroll sideways (``document.documentElement.scrollWidth <= window.innerWidth``);
- show no raw code in its visible text: a row number in brackets (``#12)``), a field
  name (``…_id``), an ISO date (``2025-11-03``) or a model's label (``accounts.user``);
- give every visible input, select and textarea a label (``<label for>``, a wrapping
  label, ``aria-label`` or ``aria-labelledby``);
- make the links of its lists (a row's own link, a card's title, the pager) at least
  44 × 44 px, as the menu's links and buttons (checked once per account).

Every named route of the site is either one of these pages or named in ``NOT_PAGES`` with
the reason it is not one, so a new page is checked from the day it is added.

The offenders of all pages are collected and reported in one failure, page by page.
"""

import io
import re
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from e2e.conftest import log_in

pytestmark = pytest.mark.e2e

# The demo's accounts (lienhe213.demo.loader.DEMO_ACCOUNTS) and one the test adds with no
# role; None is the visitor who has not logged in. The demo's "admin" is left out: the
# administrator's role has the provincial officer's capabilities, on the same pages.
ACCOUNTS = (None, "khach", "dangvien", "mattran", "chibo", "xa", "coquan", "tinh")

# Named routes that are not pages a person opens: what happens instead.
NOT_PAGES = {
    "set_language": "POST only (the header's language button)",
    "accounts:logout": "POST only (the header's button)",
    "accounts:two_factor_off": "POST only",
    "accounts:recovery_codes": "POST only",
    "accounts:account_set_active": "POST only",
    "accounts:account_unlock": "POST only",
    "accounts:account_two_factor_reset": "POST only",
    "accounts:role_revoke": "POST only",
    "organizations:community_options": "an htmx fragment of <option>s inside a form",
    "members:community_options": "an htmx fragment of <option>s inside a form",
    "members:my_data": "a workbook download",
    "registry:issue_letters": "POST only",
    "registry:issue_letters_confirm": "POST only (the summary answers the list's form)",
    "registry:present": "POST only",
    "registry:receive": "POST only",
    "registry:return": "POST only",
    "registry:assign": "POST only",
    "registry:acknowledge": "POST only",
    "registry:move": "POST only",
    "registry:change_workplace": "POST only",
    "registry:exempt": "POST only",
    "registry:retire": "POST only",
    "registry:end": "POST only",
    "meetings:attendance": "POST only",
    "meetings:attendance_sheet": "POST only",
    "meetings:opinion": "POST only",
    "meetings:follow_up": "POST only",
    "meetings:follow_up_done": "POST only",
    "meetings:held": "POST only",
    "meetings:cancel": "POST only",
    "notices:acknowledge": "POST only",
    "notices:reply": "POST only",
    "notices:close": "POST only",
    "comments:commune_return": "POST only (the summary answers the list's form)",
    "reminders:mark_read": "POST only",
    "imports:mapping": "POST only",
    "imports:choose": "POST only",
    "imports:commit": "POST only",
    "imports:template": "a workbook download",
    "imports:errors": "a workbook download",
    "documents:link": "a PDF or DOCX download once issued (the seed's letter is issued)",
    "documents:request": "the issue page, or the download once issued (documents tests)",
    "documents:comment": "the issue page, or the download once issued (documents tests)",
    "documents:file": "a PDF or DOCX download",
    "documents:batch_file": "a PDF download",
    "documents:batch_zip": "a ZIP download",
    "documents:revoke": "POST only",
    "api-schema": "the API's schema (JSON)",
    "feedback:open_channel": "POST only",
    "feedback:match": "POST only",
    "feedback:close": "POST only",
    "feedback:forward": "POST only",
    "feedback:poster": "a PDF download",
    "guidance:note": "POST only (the entry page's form)",
    "guidance:revise": "POST only (the entry page's form)",
    "guidance:dismiss_walkthrough": "POST only (the home page's checklist)",
    "training:invite": "POST only",
    "training:cancel": "POST only",
    "training:add_material": "POST only (a file upload)",
    "training:remove_material": "POST only",
    "training:material": "a PDF or DOCX download",
}

RAW_CODE_PATTERNS = {
    "row number": r"#\d+\)",
    "field name": r"\b\w*_id\b",
    "ISO date": r"\b\d{4}-\d{2}-\d{2}\b",
}

# Raw codes another change is putting in words (issue 11, "history in words"): the page,
# the kind of code, and where it is still shown. An entry that no longer occurs is named
# in a warning, to be removed.
KNOWN_RAW_CODES: dict[tuple[str, str], str] = {}

# Links and buttons a finger must hit, at least 44 × 44 px (WCAG 2.5.5): the menu's (once
# per account), and in the lists of every page the rows' own links, the cards' titles and
# figures, the pages' pagers and crumbs, and the branches of the tree.
MENU_TARGETS = "header a, header button, header summary"
LIST_TARGETS = (
    "main .row-head > a, main .rows > li > a:first-child, main ul.plain > li > a:first-child,"
    " main table.cards td:first-child > a, main table.cards td > a:only-child,"
    " main .pager a, main .crumbs a, main .tree summary, main .tree .leaf"
)
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.checkVisibility())
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
  .map((el) => `${el.textContent.trim()} (${Math.round(el.getBoundingClientRect().width)}`
    + ` × ${Math.round(el.getBoundingClientRect().height)} px)`)"""

# What one page shows: its width, its visible text, its unlabelled fields and, when it is
# too wide, the outermost elements that stick out on the right.
INSPECT = """() => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("")
    + ` (${Math.round(el.getBoundingClientRect().right)} px)`;
  const sticksOut = (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (!["visible", "clip"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const tooWide = document.documentElement.scrollWidth > window.innerWidth;
  const wide = !tooWide ? [] : [...document.body.querySelectorAll("*")]
    .filter((el) => sticksOut(el) && !sticksOut(el.parentElement) && !scrolls(el))
    .slice(0, 4).map(describe);
  const fields = [...document.querySelectorAll("input, select, textarea")].filter((el) =>
    !["hidden", "submit", "button", "image", "reset"].includes(el.type)
    && el.checkVisibility({ visibilityProperty: true }));
  const unlabelled = fields.filter((el) => !(el.labels && el.labels.length)
    && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
    .map((el) => el.outerHTML.slice(0, 90));
  return {
    width: document.documentElement.scrollWidth, inner: window.innerWidth,
    text: document.body.innerText, unlabelled, wide,
  };
}"""

# Counts the htmx requests in flight (the home page loads its dashboards after the page).
HTMX_PENDING = """
window.__htmxPending = 0;
document.addEventListener("htmx:beforeRequest", () => { window.__htmxPending += 1; });
document.addEventListener("htmx:afterSettle", () => { window.__htmxPending -= 1; });
document.addEventListener("htmx:afterRequest", (e) => {
  if (!e.detail.successful) window.__htmxPending -= 1; });
"""


def _route_names() -> set[str]:
    """Every named route of the site but the API's."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("api/v1/"):
                    continue
                inner = pattern.namespace or ""
                yield from walk(
                    pattern.url_patterns,
                    f"{namespace}:{inner}".strip(":") if inner else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, ""))


def _model_labels() -> str:
    """A pattern for the label of any of the site's models (``comments.commentrequest``)."""
    labels = sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith(("lienhe213.", "django.contrib.auth."))
    )
    return r"\b(?:" + "|".join(re.escape(label) for label in labels) + r")\b"


def _seed() -> dict[str, Any]:
    """The small demo preset, with the few rows it has none of (a commendation, a letter
    batch, an import, an issued letter), and the objects the pages are opened on: the
    demo accounts' organizations and rows in the cell, the commune and the workplace
    committee they share."""
    from lienhe213.accounts.models import RoleAssignment, User
    from lienhe213.comments.models import CommentRequest
    from lienhe213.documents import services as document_services
    from lienhe213.documents.models import DocumentBatch
    from lienhe213.imports.models import ImportBatch
    from lienhe213.meetings.models import Meeting
    from lienhe213.members.models import Member
    from lienhe213.notices.models import Notice
    from lienhe213.registry.models import ResidenceLink
    from lienhe213.reports import services as report_services

    call_command("seed_demo", preset="small", stdout=io.StringIO())
    from lienhe213.feedback import services as feedback_services

    User.objects.create_user(username="khach", password="demo")  # noqa: S106  (the demo's)
    org = {
        assignment.user.username: assignment.organization
        for assignment in RoleAssignment.objects.select_related("user", "organization")
    }
    province, commune, cell, workplace = org["tinh"], org["xa"], org["chibo"], org["coquan"]
    link = (
        ResidenceLink.objects.filter(
            residence_cell=cell,
            workplace_organization__path__startswith=workplace.path,
            status="active",
        )
        .order_by("pk")
        .first()
    )
    assert link is not None
    # A request of the cell at each step a summary page asks about, and one returned.
    requests = {
        status: CommentRequest.objects.filter(link__residence_cell=cell, status=status)
        .order_by("pk")
        .first()
        for status in ("drafted", "signed", "confirmed", "returned")
    }
    assert None not in requests.values(), requests
    meeting = Meeting.objects.filter(cell=cell, status="held").order_by("-date").first()
    notice = Notice.objects.filter(recipient=commune).order_by("pk").first()
    assert meeting is not None and notice is not None
    admin = User.objects.get(username="admin")
    year = timezone.localdate().year
    commendation = report_services.propose_commendation(
        by=admin,
        year=year,
        proposed_by_organization=commune,
        member=link.member,
        reason="Gương mẫu.",
        proposed_on=timezone.localdate(),
    )
    batch = DocumentBatch.objects.create(
        issuer=workplace, link_ids=[link.pk], total=1, status="done", pdf=b"%PDF-"
    )
    letter = document_services.issue_letter_document(by=admin, link=link)
    batch_import = ImportBatch.objects.create(
        kind="members",
        organization=commune,
        file_name="danh_sach_dang_vien_to_dan_pho_1_phuong_ha_giang_1_cap_nhat_thang_12.xlsx",
        checksum="0" * 64,
        size=1,
        content=b"x",
        status="ready",
        labels=["Họ và tên", "Ngày sinh"],
        mapping={"0": "full_name", "1": "birth_date"},
        created_by=User.objects.get(username="xa"),
    )
    # Long unbroken words, which must wrap on a phone: an e-mail address, a workplace and
    # an address as some offices type them, a file's name.
    Member.objects.filter(pk=link.member_id).update(
        email="nguyen.thi.thu.anh.chi.bo.to.dan.pho.1@phuong-ha-giang-1.tuyenquang.gov.vn",
        workplace_name="Trường THPT Chuyên Hà Giang (www.thptchuyenhagiang.tuyenquang.edu.vn)",
        residence_address="Tổ dân phố 1, số 175/12/3A/ngõ_Nguyễn_Văn_Linh_phường_Hà_Giang_1",
    )
    chibo = User.objects.get(username="chibo")
    channel = feedback_services.open_channel(by=admin, cell=cell)
    resident_report, _receipt = feedback_services.submit_report(
        channel=channel,
        topic="concern",
        member_name="Ông Thịnh",
        community="Tổ 1",
        body="Tối thứ bảy hát karaoke rất to đến 1 giờ sáng.",
    )
    from lienhe213.guidance import services as guidance_services
    from lienhe213.guidance.models import GuidanceEntry
    from lienhe213.training.models import TrainingSession

    guidance_entry = GuidanceEntry.objects.get(key="hd33-mau-3-213-noi-dung")
    guidance_services.save_province_note(
        by=User.objects.get(username="tinh"),
        entry=guidance_entry,
        province=province,
        text="Chi bộ gửi phiếu nhận xét về đảng ủy xã trước ngày 10/12; xem "
        "https://example.vn/huong-dan-thuc-hien-quy-dinh-213-ve-phieu-nhan-xet-cua-chi-bo",
    )
    training = TrainingSession.objects.filter(organizer=commune, state="held").order_by("pk")
    return {
        "guidance_entry": guidance_entry,
        "training": training.first(),
        "province": province,
        "commune": commune,
        "cell": cell,
        "workplace": workplace,
        "link": link,
        "member": link.member,
        "own_member": User.objects.get(username="dangvien").member,
        "request": requests["returned"],
        **{f"{status}_request": request for status, request in requests.items()},
        "meeting": meeting,
        "notice": notice,
        "commendation": commendation,
        "batch": batch,
        "letter": letter.document,
        "import": batch_import,
        "year": year,
        "channel": channel.slug,
        "resident_report": resident_report,
        "reset": (
            urlsafe_base64_encode(force_bytes(chibo.pk)),
            default_token_generator.make_token(chibo),
        ),
    }


# Every GET page, as (route name, its arguments from the demo's objects); the pages on an
# organization are opened on each of the demo committees they are meant for.
def _on(*keys: str) -> Any:
    return lambda d: tuple(d[key].pk if hasattr(d[key], "pk") else d[key] for key in keys)


NONE = _on()
PAGES: list[tuple[str, Any]] = [
    ("accounts:home", NONE),
    ("accounts:numbers", NONE),
    ("accounts:login", NONE),
    ("accounts:password_change", NONE),
    ("accounts:security", NONE),
    ("accounts:two_factor_setup", NONE),
    ("accounts:two_factor_verify", NONE),
    ("accounts:password_reset", NONE),
    ("accounts:password_reset_done", NONE),
    ("accounts:password_reset_confirm", lambda d: d["reset"]),
    ("accounts:password_reset_complete", NONE),
    ("accounts:audit", NONE),
    ("accounts:account_list", NONE),
    ("accounts:account_create", NONE),
    ("accounts:roles", _on("commune")),
    ("accounts:dashboard", lambda d: (d["province"].pk, "provincial_officer")),
    ("accounts:dashboard", lambda d: (d["commune"].pk, "commune_clerk")),
    ("accounts:dashboard", lambda d: (d["cell"].pk, "cell_secretary")),
    ("accounts:dashboard", lambda d: (d["workplace"].pk, "workplace_officer")),
    ("organizations:tree", NONE),
    ("organizations:detail", _on("commune")),
    ("organizations:detail", _on("cell")),
    ("organizations:detail", _on("workplace")),
    ("organizations:children", _on("commune")),
    ("organizations:create", _on("commune")),
    ("organizations:rename", _on("commune")),
    ("organizations:move", _on("commune")),
    ("organizations:merge", _on("commune")),
    ("members:list", NONE),
    ("members:create", NONE),
    ("members:detail", _on("member")),
    ("members:detail", _on("own_member")),
    ("members:edit", _on("member")),
    ("registry:index", NONE),
    ("registry:book", _on("cell")),
    ("registry:book", _on("commune")),
    ("registry:receive_letters", _on("commune")),
    ("registry:workplace", _on("workplace")),
    ("registry:worklist", _on("commune")),
    ("registry:worklist", _on("cell")),
    ("registry:worklist", _on("workplace")),
    ("registry:subtree_links", _on("commune")),
    ("registry:subtree_links", _on("workplace")),
    ("registry:link_detail", _on("link")),
    ("registry:member_links", _on("member")),
    ("registry:classify", _on("member")),
    ("registry:remap", _on("commune")),
    ("registry:calendar", _on("province")),
    ("meetings:index", NONE),
    ("meetings:mine", NONE),
    ("meetings:cell", _on("cell")),
    ("meetings:overdue", _on("commune")),
    ("meetings:overdue", _on("cell")),
    ("meetings:held_list", _on("commune")),
    ("meetings:held_list", _on("cell")),
    ("meetings:detail", _on("meeting")),
    ("notices:index", NONE),
    ("notices:inbox", _on("commune")),
    ("notices:inbox", _on("cell")),
    ("notices:inbox", _on("workplace")),
    ("notices:outbox", _on("commune")),
    ("notices:outbox", _on("workplace")),
    ("notices:send", NONE),
    ("notices:member_thread", _on("member")),
    ("notices:detail", _on("notice")),
    ("comments:index", NONE),
    ("comments:mine", NONE),
    ("comments:province", _on("province")),
    ("comments:workplace", _on("workplace")),
    ("comments:cell", _on("cell")),
    ("comments:progress", _on("commune")),
    ("comments:progress", _on("province")),
    ("comments:commune", _on("commune")),
    ("comments:subtree", _on("commune")),
    ("comments:subtree", _on("workplace")),
    ("comments:request", _on("request")),
    ("comments:step", lambda d: (d["drafted_request"].pk, "sign")),
    ("comments:step", lambda d: (d["signed_request"].pk, "confirm")),
    ("comments:step", lambda d: (d["confirmed_request"].pk, "return")),
    ("reminders:list", NONE),
    ("reports:index", NONE),
    ("reports:organization", _on("commune")),
    ("reports:organization", _on("cell")),
    ("reports:organization", _on("workplace")),
    ("reports:review", _on("commune", "year")),
    ("reports:commendations", _on("commune", "year")),
    ("reports:propose", _on("commune", "year")),
    ("reports:decide", _on("commendation")),
    ("imports:list", NONE),
    ("imports:detail", _on("import")),
    ("documents:batches", _on("workplace")),
    ("documents:batch", _on("batch")),
    ("documents:verify", lambda d: (d["letter"].verification_code,)),
    ("documents:book", lambda d: (d["cell"].pk, "pdf")),
    ("documents:book", lambda d: (d["commune"].pk, "pdf")),
    ("documents:review", lambda d: (d["commune"].pk, d["year"], "pdf")),
    ("residents:public", _on("channel")),
    ("residents:status", NONE),
    ("feedback:index", NONE),
    ("feedback:opinions", NONE),
    ("feedback:opinion_new", NONE),
    ("feedback:queue", _on("cell")),
    ("feedback:queue", _on("commune")),
    ("feedback:detail", _on("resident_report")),
    ("reports:feedback", _on("commune", "year")),
    ("reports:feedback", _on("cell", "year")),
    ("guidance:index", NONE),
    ("guidance:detail", _on("guidance_entry")),
    ("training:index", NONE),
    ("training:plan", NONE),
    ("training:detail", _on("training")),
    ("training:attendance", _on("training")),
]


def test_every_route_is_a_checked_page_or_named_as_none():
    unclassified = _route_names() - {name for name, _ in PAGES} - NOT_PAGES.keys()

    assert not unclassified, (
        f"Add these routes to PAGES (a GET page) or NOT_PAGES (with why not): {unclassified}"
    )


def _static_once() -> Any:
    """A route handler that asks the live server for each static file once: the browser
    would revalidate the style sheet and the scripts on each of several hundred pages."""
    files: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def serve(route: Any) -> None:
        url = route.request.url
        if url not in files:
            response = route.fetch()
            files[url] = (response.status, response.headers, response.body())
        status, headers, body = files[url]
        route.fulfill(status=status, headers=headers, body=body)

    return serve


def _inspect(page: Any, model_labels: str) -> list[tuple[str, str]]:
    """The problems of the page just opened, as (kind, detail)."""
    page.wait_for_function("() => !window.__htmxPending")
    found = page.evaluate(INSPECT)
    problems: list[tuple[str, str]] = [
        ("small target", target) for target in page.evaluate(SMALL_TARGETS, LIST_TARGETS)
    ]
    if found["width"] > found["inner"]:
        problems.append(("width", f"{found['width']} px wide: {', '.join(found['wide'])}"))
    patterns = {**RAW_CODE_PATTERNS, "model label": model_labels}
    for kind, pattern in patterns.items():
        matches = [
            found["text"][max(0, m.start() - 25) : m.end() + 10].replace("\n", " ")
            for m in re.finditer(pattern, found["text"])
        ]
        if matches:
            problems.append((kind, " | ".join(dict.fromkeys(matches[:3]))))
    problems.extend(("unlabelled field", field) for field in found["unlabelled"])
    return problems


def test_every_page_fits_a_phone_and_speaks_in_words(transactional_db, live_server, phone):
    # given the small demo preset, and every GET page on its rows
    demo = _seed()
    # (A page listed here whose route is not there yet, or any more, is left out: the test
    # above names the routes this list lacks.)
    routes = _route_names()
    pages = [(name, reverse(name, args=args(demo))) for name, args in PAGES if name in routes]
    model_labels = _model_labels()
    base, page = live_server.url, phone
    page.add_init_script(HTMX_PENDING)
    page.route("**/static/**", _static_once())

    # when each account opens each page
    problems: dict[tuple[str, str], list[tuple[str, str]]] = {}
    raw_codes_seen: set[tuple[str, str]] = set()
    seen: dict[str | None, int] = {}
    for account in ACCOUNTS:
        page.context.clear_cookies()
        if account:
            log_in(page, base, account)
            small = page.evaluate(SMALL_TARGETS, MENU_TARGETS)
            if small:
                problems[(account, "the menu")] = [("small target", t) for t in small]
        opened: set[str] = set()
        for name, address in pages:
            response = page.goto(base + address)
            # A page reached by a redirect (the login page) is checked once.
            final = urlsplit(page.url).path
            if response is None or response.status != 200 or final in opened:
                continue
            opened.add(final)
            for kind, detail in _inspect(page, model_labels):
                if (name, kind) in KNOWN_RAW_CODES:
                    raw_codes_seen.add((name, kind))
                    continue
                problems.setdefault((account or "anonymous", address), []).append((kind, detail))
        seen[account] = len(opened)

    # then every page fits the phone's width, shows words rather than codes and labels its
    # fields; the known raw codes are still to be put in words
    report = "\n".join(
        f"{who} {address}: {kind}: {detail}"
        for (who, address), found in problems.items()
        for kind, detail in found
    )
    assert not problems, f"{len(problems)} pages with problems:\n{report}"
    if stale := sorted(KNOWN_RAW_CODES.keys() - raw_codes_seen):
        warnings.warn(f"Now in words, remove from KNOWN_RAW_CODES: {stale}", stacklevel=1)
    # and each account saw the pages of its work (the check ran on real pages)
    assert all(count >= 8 for who, count in seen.items() if who), seen
