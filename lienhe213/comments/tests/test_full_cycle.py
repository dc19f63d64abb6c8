"""A full year's cycle through the pages (issue 4, "Done when"): the cell meets its
members, the province opens the campaign, the workplace requests comments (form 3-213
in bulk, one 4-213 on demand), the cell meets the Front committee, drafts and signs, the
commune confirms and returns, the workplace acknowledges and uses the comment in the
rating, the member reads and answers; notices go both ways and the overdue ones, like
the overdue request, are escalated.

Every step is a POST of the form exactly as the page renders it: ``Browser.submit``
reads the form out of the HTML (hidden versions, defaults, the offered choices) and
refuses a field or a choice the page does not offer. Each actor logs in with their
password. The dates are relative to the conftest's frozen ``TODAY`` (15/01/2026), because
the pages judge "overdue" and "held" against today.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.urls import reverse

from conftest import member_fields
from lienhe213.comments import services as comment_services
from lienhe213.comments.models import Comment, CommentCampaign, CommentRequest
from lienhe213.comments.tests.conftest import NOW, TODAY, request_at
from lienhe213.core.models import AuditEvent
from lienhe213.meetings.models import Attendance, FollowUp, Meeting, Opinion
from lienhe213.meetings.tests.conftest import working_member
from lienhe213.members.services import create_member
from lienhe213.notices import services as notice_services
from lienhe213.notices.models import Notice, NoticeReply
from lienhe213.registry import services as registry_services
from lienhe213.registry.models import ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, link_at

DAY = datetime.timedelta(days=1)
MEETING_ON = TODAY - 40 * DAY  # the cell's periodic meeting, before the comments
OPENS = TODAY - 60 * DAY  # the campaign's window…
CLOSES = TODAY - 20 * DAY
DEADLINE = TODAY - DAY  # …and its deadline, just passed: one request is late
REQUESTED = TODAY - 50 * DAY
FRONT_MEETING_ON = TODAY - 30 * DAY


# --- a browser made of the test client -------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, Any]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {f["name"] for f in self.fields}

    def choices(self, name: str) -> list[str]:
        values: list[str] = []
        for f in self.fields:
            if f["name"] == name:
                values += [v for v, _selected in f.get("options", [])] or (
                    [f["value"]] if f["type"] in ("radio", "checkbox") else []
                )
        return values

    def data(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted untouched."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            kind, name = f["type"], f["name"]
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("radio", "checkbox"):
                if f["checked"]:
                    data.setdefault(name, []).append(f["value"])
            elif kind == "select":
                chosen = [v for v, selected in f["options"] if selected]
                if not chosen and f["options"] and not f["multiple"]:
                    chosen = [f["options"][0][0]]
                data.setdefault(name, []).extend(chosen)
            else:
                data.setdefault(name, []).append(f["value"])
        return data


class PageParser(HTMLParser):
    """The forms (with their fields) and the links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._form: Form | None = None
        self._select: dict[str, Any] | None = None
        self._option: list[Any] | None = None
        self._textarea: dict[str, Any] | None = None
        self._anchor: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "a" and "href" in a:
            self._anchor = [a["href"], ""]
        elif self._form is None:
            return
        elif tag == "input" and "name" in a:
            self._form.fields.append(
                {
                    "type": a.get("type", "text").lower(),
                    "name": a["name"],
                    "value": a.get("value", "on" if a.get("type") in ("radio", "checkbox") else ""),
                    "checked": "checked" in a,
                }
            )
        elif tag == "select" and "name" in a:
            self._select = {
                "type": "select",
                "name": a["name"],
                "options": [],
                "multiple": "multiple" in a,
            }
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select["options"].append(self._option)
        elif tag == "textarea" and "name" in a:
            self._textarea = {"type": "textarea", "name": a["name"], "value": ""}
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._option is not None:
            self._option[2] += data
        if self._anchor is not None:
            self._anchor[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            self._select["options"] = [
                (value if value is not None else text.strip(), selected)
                for value, selected, text in self._select["options"]
            ]
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "a" and self._anchor is not None:
            self.links.append((" ".join(self._anchor[1].split()), self._anchor[0]))
            self._anchor = None


class Page:
    def __init__(self, response: Any) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.content.decode()
        request = response.wsgi_request
        self.url = request.get_full_path()
        self.path = request.path
        parser = PageParser()
        parser.feed(self.html)
        self.forms, self.links = parser.forms, parser.links

    def form(self, action: str) -> Form:
        """The one POST form of the page that posts to ``action``."""
        found = [f for f in self.forms if f.method == "post" and (f.action or self.url) == action]
        assert len(found) == 1, (action, [f.action for f in self.forms])
        return found[0]

    def link(self, text: str) -> str:
        """The address of the link whose text contains ``text``."""
        hrefs = [href for label, href in self.links if text in label]
        assert hrefs, (text, self.links)
        return hrefs[0]

    def link_to(self, part: str) -> str:
        """The one address of the page's links that contains ``part``."""
        hrefs = {href for _label, href in self.links if part in href}
        assert len(hrefs) == 1, (part, hrefs)
        return hrefs.pop()

    def has_status(self, code: str, label: str) -> bool:
        return f'class="badge status-{code}">{label}</span>' in self.html

    def __contains__(self, text: str) -> bool:
        return text in self.html


class Browser:
    """The test client used as a person would use the site: log in with the password,
    open pages, submit the forms they render."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def login(self, user: Any) -> None:
        # logging out clears every cookie: keep the language the client chose
        language = self.client.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        self.client.logout()
        if language is not None:
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language.value
        assert self.client.login(username=user.username, password="demo")

    def get(self, url: str, status: int = 200) -> Page:
        page = Page(self.client.get(url, follow=True))
        assert page.status == status, (url, page.status)
        return page

    def submit(self, page: Page, action: str, status: int = 200, **values: Any) -> Page:
        """Fill ``values`` into the page's form posting to ``action`` and send it,
        following the redirect. ``values`` may use ``__`` for ``-`` in field names."""
        form = page.form(action)
        data = form.data()
        for key, value in values.items():
            name = key.replace("__", "-")
            assert name in form.names(), (name, form.names())
            value_list = [str(v) for v in value] if isinstance(value, list | tuple) else [value]
            offered = form.choices(name)
            if offered:
                assert set(value_list) <= set(offered), (name, value_list, offered)
            data[name] = [str(v) for v in value_list]
        result = Page(self.client.post(action, data, follow=True))
        assert result.status == status, (action, result.status, result.html[-3000:])
        return result


def progress_row(page: Page, name: str) -> list[str]:
    """The text of each cell of the progress table's row that begins with ``name`` (a
    cell may carry its column's name for the phone's card layout)."""
    rows = [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", page.html, re.S)
    ]
    found = [cells for cells in rows if cells and cells[0] == name]
    assert len(found) == 1, (name, rows)
    return found[0]


def trail(obj: Any) -> list[tuple[str, str, Any]]:
    """The object's audit rows, oldest first: (actor, action, event)."""
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("pk")
    return [(e.actor_name, e.action, e.changes.get("event")) for e in events]


def iso(day: datetime.date) -> str:
    return day.isoformat()


# --- the tracking book the year starts from --------------------------------------------


@dataclass
class Links:
    duc: ResidenceLink  # member_w1, the cast's member "dangvien"
    binh: ResidenceLink  # a second working member, normal
    cuong: ResidenceLink  # a category-A member (form 4-213 only on demand)


def linked_members(world: Any) -> Links:
    """Three members of the workplace living in Tổ 2 (cell A2), linked last year."""
    duc = link_at(world, "active")
    binh = link_at(world, "active", member=working_member(world, "Bình", "002085000002"))
    cuong_member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name="Cường",
            citizen_id="002085000003",
            residence_commune=world.commune_a,
            residence_community=world.community_a2,
        ),
    )
    registry_services.record_exemption(
        by=world.root_user,
        member=cuong_member,
        category="a",
        reason="mobile_work",
        decided_by=world.workplace,
        decided_on=MONDAY,
    )
    cuong = registry_services.issue_letter(
        by=world.root_user, workplace=world.workplace, member=cuong_member, issued_on=MONDAY
    )
    cuong = registry_services.receive_letter(by=world.root_user, link=cuong, received_on=MONDAY)
    cuong = registry_services.assign_to_cell(
        by=world.root_user, link=cuong, cell=world.cell_a2, assigned_on=MONDAY
    )
    cuong = registry_services.acknowledge_link(
        by=world.root_user, link=cuong, acknowledged_on=MONDAY
    )
    return Links(duc=duc, binh=binh, cuong=ResidenceLink.objects.get(pk=cuong.pk))


# --- the phases of the year ------------------------------------------------------------


def meetings_phase(ui: Browser, world: Any, links: Links) -> Meeting:
    # given cell A2, flagged on the commune's page for not meeting its linked members
    assert world.cell_a2.name in flags_of_commune_a(ui, world)
    # and its secretary on the cell's meetings page
    ui.login(world.secretary_a2)
    page = ui.get(reverse("meetings:cell", args=[world.cell_a2.pk]))
    assert "No meetings yet." in page

    # when they plan the periodic meeting
    page = ui.submit(
        page,
        reverse("meetings:cell", args=[world.cell_a2.pk]),
        kind="periodic",
        date=iso(MEETING_ON),
        place="Nhà văn hóa tổ 2",
        agenda="Tình hình địa phương; góp ý xây dựng chi bộ",
    )

    # then the normal members are invited, the category-A member is not
    meeting = Meeting.objects.get()
    assert page.path == reverse("meetings:detail", args=[meeting.pk])
    assert "The meeting is planned and the members invited." in page
    assert page.has_status("planned", "Planned")
    assert sorted(meeting.attendances.values_list("member_id", "invited", "status")) == sorted(
        [(links.duc.member_id, True, "unknown"), (links.binh.member_id, True, "unknown")]
    )

    # when they record who came, an opinion and a follow-up, and mark it held
    duc, binh = links.duc.member_id, links.binh.member_id
    # (one sheet for the whole meeting: everyone present unless marked otherwise)
    page = ui.submit(
        page,
        reverse("meetings:attendance_sheet", args=[meeting.pk]),
        **{f"status__{binh}": "excused", f"reason__{binh}": "Đi công tác"},
    )
    assert "The attendance of 2 members is recorded: 1 present, 1 excused, 0 absent." in page
    page = ui.submit(
        page,
        reverse("meetings:opinion", args=[meeting.pk]),
        member=str(duc),
        text="Đề nghị sửa đèn đường ngõ 5.",
    )
    assert "Opinion recorded." in page
    page = ui.submit(
        page,
        reverse("meetings:follow_up", args=[meeting.pk]),
        description="Báo tổ dân phố sửa đèn đường ngõ 5",
        owner="Tổ trưởng tổ 2",
        member=str(duc),  # he raised it: the follow-up is about what he asked
        due_on=iso(MEETING_ON + 14 * DAY),
    )
    assert "Follow-up added." in page
    page = ui.submit(page, reverse("meetings:held", args=[meeting.pk]))

    # then the meeting is held with its records, each step audited
    assert "The meeting is recorded as held; it counts for the six-month rule." in page
    assert page.has_status("held", "Held")
    assert page.has_status("present", "Present")
    assert page.has_status("excused", "Excused")
    assert "Đề nghị sửa đèn đường ngõ 5." in page
    meeting.refresh_from_db()
    assert (meeting.status, meeting.kind, meeting.date, meeting.version) == (
        "held",
        "periodic",
        MEETING_ON,
        5,
    )
    assert sorted(Attendance.objects.values_list("member_id", "status", "excuse_reason")) == sorted(
        [(duc, "present", ""), (binh, "excused", "Đi công tác")]
    )
    assert list(Opinion.objects.values_list("member_id", "text")) == [
        (duc, "Đề nghị sửa đèn đường ngõ 5.")
    ]
    assert list(FollowUp.objects.values_list("owner", "member_id", "due_on", "done_on")) == [
        ("Tổ trưởng tổ 2", duc, MEETING_ON + 14 * DAY, None)
    ]
    assert trail(meeting) == [
        ("chibo2", "create", None),
        ("chibo2", "update", "attendance"),
        ("chibo2", "update", "opinion"),
        ("chibo2", "update", "follow_up"),
        ("chibo2", "update", "held"),
    ]

    # and the member sees the invitation and their attendance
    ui.login(world.member_user)
    mine = ui.get(reverse("meetings:mine"))
    assert "Nhà văn hóa tổ 2" in mine
    assert mine.has_status("held", "Held")
    assert mine.has_status("present", "Present")

    # and the commune's flags no longer list the cell
    assert "Every cell met its members in the last six months." in flags_of_commune_a(ui, world)
    return meeting


def flags_of_commune_a(ui: Browser, world: Any) -> str:
    """The part of commune A's "meetings overdue" page that lists the flagged cells."""
    ui.login(world.commune_clerk)
    page = ui.get(reverse("meetings:overdue", args=[world.commune_a_committee.pk]))
    name = world.commune_a_committee.name
    assert f"<title>Meetings overdue · {name} · Liên hệ 213</title>" in page
    return page.html.split("Members absent from their last two meetings")[0]


def campaign_phase(ui: Browser, world: Any) -> CommentCampaign:
    # given the provincial officer on the province's campaigns
    ui.login(world.provincial_officer)
    page = ui.get(reverse("comments:province", args=[world.province.pk]))
    assert "No campaign yet." in page

    # when they open the year's campaign
    page = ui.submit(
        page,
        reverse("comments:province", args=[world.province.pk]),
        year=str(OPENS.year),
        opens_on=iso(OPENS),
        closes_on=iso(CLOSES),
        deadline=iso(DEADLINE),
    )

    # then it is listed and audited
    assert "The campaign is open." in page
    assert DEADLINE.strftime("%d/%m/%Y") in page
    campaign = CommentCampaign.objects.get()
    assert (
        campaign.province_id,
        campaign.year,
        campaign.opens_on,
        campaign.closes_on,
        campaign.deadline,
        campaign.opened_by,
    ) == (world.province.pk, OPENS.year, OPENS, CLOSES, DEADLINE, world.provincial_officer)
    assert trail(campaign) == [("tinh", "create", None)]
    return campaign


def request_phase(
    ui: Browser, world: Any, links: Links, campaign: CommentCampaign
) -> dict[str, CommentRequest]:
    # given the workplace officer on the workplace's requests
    ui.login(world.workplace_officer)
    url = reverse("comments:workplace", args=[world.workplace.pk])
    page = ui.get(url)
    assert "No comment requests." in page

    # when they request form 3-213 for the two normal members in one go
    page = ui.submit(
        page,
        url,
        campaign=str(campaign.pk),
        links=[links.duc.pk, links.binh.pk],
        requested_on=iso(REQUESTED),
    )
    assert "2 comments requested." in page

    # and ask for a 4-213 on the category-A member, for cadre work
    page = ui.submit(
        page,
        url,
        campaign=str(campaign.pk),
        links=[links.cuong.pk],
        purpose="cadre_work",
        requested_on=iso(REQUESTED),
    )

    # then three requests travel to the residence, each audited
    assert "1 comments requested." in page
    assert page.has_status("requested", "Requested")
    rows = CommentRequest.objects.order_by("member__given_name")
    assert [
        (r.member.given_name, r.form, r.purpose, r.status, r.requested_on, r.requested_by)
        for r in rows
    ] == [
        ("Bình", "3-213", "", "requested", REQUESTED, world.workplace_officer),
        ("Cường", "4-213", "cadre_work", "requested", REQUESTED, world.workplace_officer),
        ("Đức", "3-213", "", "requested", REQUESTED, world.workplace_officer),
    ]
    assert Comment.objects.count() == 3
    for request in rows:
        assert trail(request) == [("coquan", "create", "requested")]
    return {r.member.given_name: r for r in rows}


def cell_phase(ui: Browser, world: Any, request: CommentRequest, items: dict[str, str]) -> None:
    """The cell secretary opens the request from the to-do list, records the Front
    meeting, fills the draft and signs."""
    # given the to-do list of Tổ 2
    ui.login(world.secretary_a2)
    todo = ui.get(reverse("comments:cell", args=[world.cell_a2.pk]))
    page = ui.get(todo.link(request.member.full_name))
    assert page.path == reverse("comments:request", args=[request.pk])
    assert "Evidence" in page
    stale = page  # the page as first opened, to try a stale save later

    # when they record the meeting with the Front work committee
    page = ui.submit(
        page,
        reverse("comments:step", args=[request.pk, "front_meeting"]),
        met_on=iso(FRONT_MEETING_ON),
        participants="Chi ủy chi bộ tổ 2; Ban công tác Mặt trận tổ 2",
    )
    assert "Saved." in page
    assert page.has_status("drafted", "Drafted")

    # and a draft is then saved from the page opened before: refused, nothing changed
    before = Comment.objects.filter(request=request).values().get()
    refused = ui.submit(
        stale, reverse("comments:step", args=[request.pk, "draft"]), other_comments="Cũ"
    )
    assert "This comment was changed by someone else meanwhile." in refused
    assert Comment.objects.filter(request=request).values().get() == before

    # when they fill the items from the fresh page and sign
    page = ui.submit(page, reverse("comments:step", args=[request.pk, "draft"]), **items)
    assert "Saved." in page
    summary = ui.get(page.link_to(reverse("comments:step", args=[request.pk, "sign"])))
    assert "It can no longer be changed, and it goes to Đảng bộ phường Hà Giang 1" in summary
    page = ui.submit(summary, reverse("comments:step", args=[request.pk, "sign"]))

    # then the comment is signed for the cell
    assert "The comment was signed and sent to Đảng bộ phường Hà Giang 1 to confirm." in page
    assert page.has_status("signed", "Signed by the cell")
    assert "Sign for the cell" not in page
    assert "Save the draft" not in page
    comment = Comment.objects.get(request=request)
    assert {name: getattr(comment, name) for name in items} == items
    assert (comment.front_meeting_on, comment.signed_by) == (FRONT_MEETING_ON, world.secretary_a2)
    assert comment.version == 3  # the meeting and the draft each bumped it
    assert trail(request)[1:] == [
        ("chibo2", "update", "front_meeting"),
        ("chibo2", "update", "drafted"),
        ("chibo2", "update", "signed"),
    ]


def commune_phase(ui: Browser, world: Any, request: CommentRequest) -> None:
    """The commune clerk confirms the signed comment and returns it to the workplace."""
    ui.login(world.commune_clerk)
    index = ui.get(reverse("comments:index"))
    waiting = ui.get(index.link("Comments to confirm and return"))
    assert waiting.path == reverse("comments:commune", args=[world.commune_a_committee.pk])
    page = ui.get(waiting.link(request.member.full_name))
    assert page.path == reverse("comments:request", args=[request.pk])
    assert "Sign for the cell" not in page

    confirm = reverse("comments:step", args=[request.pk, "confirm"])
    page = ui.submit(ui.get(page.link_to(confirm)), confirm)
    assert page.has_status("confirmed", "Confirmed by the commune")
    back = reverse("comments:step", args=[request.pk, "return"])
    page = ui.submit(ui.get(page.link_to(back)), back)

    # then the clerk is back at the commune's list, where the comment no longer waits
    assert page.path == reverse("comments:commune", args=[world.commune_a_committee.pk])
    assert f"The comment on {request.member.full_name} was returned to the workplace." in page
    assert reverse("comments:request", args=[request.pk]) not in page
    assert CommentRequest.objects.get(pk=request.pk).status == "returned"
    comment = Comment.objects.get(request=request)
    assert comment.confirmed_by == world.commune_clerk
    assert (comment.confirmed_at, comment.returned_at) == (NOW, NOW)
    assert trail(request)[-2:] == [("xa", "update", "confirmed"), ("xa", "update", "returned")]


def workplace_phase(ui: Browser, world: Any, request: CommentRequest) -> None:
    """The workplace acknowledges the returned comment and records its use."""
    ui.login(world.workplace_officer)
    page = ui.get(reverse("comments:request", args=[request.pk]))

    page = ui.submit(page, reverse("comments:step", args=[request.pk, "acknowledge"]))
    assert page.has_status("acknowledged", "Acknowledged by the workplace")
    page = ui.submit(
        page,
        reverse("comments:step", args=[request.pk, "rating"]),
        rating_level="good",
        rating_note="Xếp loại hoàn thành tốt nhiệm vụ, có xét nhận xét nơi cư trú.",
    )

    assert page.has_status("used", "Used in the rating")
    assert "Completed tasks well" in page
    comment = Comment.objects.get(request=request)
    assert (comment.acknowledged_by, comment.rating_level) == (world.workplace_officer, "good")
    assert comment.rating_note == "Xếp loại hoàn thành tốt nhiệm vụ, có xét nhận xét nơi cư trú."
    assert trail(request)[-2:] == [
        ("coquan", "update", "acknowledged"),
        ("coquan", "update", "rating_used"),
    ]


# --- the test --------------------------------------------------------------------------

FORM_3_ITEMS = {
    "item_1": "good",
    "item_2": "exemplary",
    "item_3": "partial",  # present at one meeting; the cell met the members once
    "item_4": "regular",
    "item_5": "active",
    "recommendation": "no_proposal",
    "other_comments": "Cần tham gia sinh hoạt đầy đủ hơn.",
}
FORM_4_ITEMS = {"item_a": "good", "item_b": "good", "item_c": "done"}


def test_a_full_year_through_the_pages(client, world):
    ui = Browser(client)
    links = linked_members(world)

    # the cell meets its members
    meetings_phase(ui, world, links)

    # the province opens the campaign; the workplace requests the comments
    campaign = campaign_phase(ui, world)
    requests = request_phase(ui, world, links, campaign)
    duc, cuong, binh = requests["Đức"], requests["Cường"], requests["Bình"]

    # the cell and the commune see the requests in their lists
    ui.login(world.secretary_a2)
    todo = ui.get(reverse("comments:cell", args=[world.cell_a2.pk]))
    assert todo.html.count('class="badge status-requested">Requested<') == 3
    assert "4-213 · Cadre work" in todo
    # and the open follow-up of the meeting is evidence for Đức's comment only
    for request, listed in [(duc, True), (cuong, False), (binh, False)]:
        evidence = ui.get(reverse("comments:request", args=[request.pk]))
        assert ("Báo tổ dân phố sửa đèn đường ngõ 5" in evidence) is listed

    # form 3-213 for Đức and form 4-213 for Cường, each to the end
    cell_phase(ui, world, duc, FORM_3_ITEMS)
    cell_phase(ui, world, cuong, FORM_4_ITEMS)
    commune_phase(ui, world, duc)
    commune_phase(ui, world, cuong)
    workplace_phase(ui, world, duc)

    # the commune's progress: two of three returned, one past the deadline, no cell
    # where every comment got the best levels (Đức's did not)
    ui.login(world.commune_clerk)
    progress = ui.get(reverse("comments:progress", args=[world.commune_a_committee.pk]))
    name = world.commune_a_committee.name
    assert progress_row(progress, name) == [name, "3", "2", "2", "2", "2", "1", "0"]
    # and each number leads to the requests behind it
    returned = ui.get(progress.link_to("status=reached-returned"))
    assert returned.path == reverse("comments:commune", args=[world.commune_a_committee.pk])
    assert [text for text, href in returned.links if "/comments/request/" in href] == [
        links.cuong.member.full_name,
        links.duc.member.full_name,
    ]
    assert "Past the deadline, not yet returned: <strong>1</strong>" in progress
    assert '<li class="muted">None.</li>' in progress

    # the member reads the comment about them, without the rating, and answers
    ui.login(world.member_user)
    mine = ui.get(reverse("comments:mine"))
    assert "Takes part, not fully" in mine
    assert "Cần tham gia sinh hoạt đầy đủ hơn." in mine
    assert "Completed tasks well" not in mine
    page = ui.get(mine.link(str(campaign.year)))
    assert "Evidence" not in page
    page = ui.submit(
        page,
        reverse("comments:step", args=[duc.pk, "answer"]),
        answer="Tôi xin tiếp thu, sẽ tham gia đầy đủ các buổi sinh hoạt.",
    )
    assert "Member's answer" in page
    assert "Answer the comment" not in page
    comment = Comment.objects.get(request=duc)
    assert comment.member_answer == "Tôi xin tiếp thu, sẽ tham gia đầy đủ các buổi sinh hoạt."
    assert comment.answered_at == NOW
    assert trail(duc)[-1] == ("dangvien", "update", "answered")
    # the member does not see the other members' comments
    ui.get(reverse("comments:request", args=[cuong.pk]), status=404)

    # the whole trail of Đức's comment, one row per step, each by its actor
    assert trail(duc) == [
        ("coquan", "create", "requested"),
        ("chibo2", "update", "front_meeting"),
        ("chibo2", "update", "drafted"),
        ("chibo2", "update", "signed"),
        ("xa", "update", "confirmed"),
        ("xa", "update", "returned"),
        ("coquan", "update", "acknowledged"),
        ("coquan", "update", "rating_used"),
        ("dangvien", "update", "answered"),
    ]
    assert sorted(CommentRequest.objects.values_list("member__given_name", "status")) == [
        ("Bình", "requested"),
        ("Cường", "returned"),
        ("Đức", "used"),
    ]

    # the deadline passed with Bình's request unanswered: it is escalated, once
    escalated = comment_services.escalate_overdue_requests(on=TODAY)
    assert escalated == [binh]
    assert comment_services.escalate_overdue_requests(on=TODAY + DAY) == []
    assert trail(binh) == [("coquan", "create", "requested"), ("system", "update", "escalated")]
    assert list(CommentRequest.objects.escalated()) == [binh]
    # and the pages of both residence levels show it
    ui.login(world.commune_clerk)
    progress = ui.get(reverse("comments:progress", args=[world.commune_a_committee.pk]))
    assert progress_row(progress, name) == [name, "3", "2", "2", "2", "2", "1", "1"]
    assert '<span class="badge escalated">1</span>' in progress
    late_list = ui.get(progress.link_to("escalated=on"))
    assert [text for text, href in late_list.links if "/comments/request/" in href] == [
        links.binh.member.full_name
    ]
    late = ui.get(reverse("comments:request", args=[binh.pk]))
    assert late.has_status("requested", "Requested")
    assert '<span class="badge escalated"' in late
    ui.login(world.secretary_a2)
    todo = ui.get(reverse("comments:cell", args=[world.cell_a2.pk]))
    assert todo.html.count('<span class="badge escalated">Escalated</span>') == 1

    notices_phase(ui, world, links)


def notices_phase(ui: Browser, world: Any, links: Links) -> None:
    """Notices both ways, each acknowledged, answered and closed; an unanswered one
    escalated; every notice in the member's thread on both sides."""
    # given the cell secretary on Đức's link page
    ui.login(world.secretary_a2)
    link_page = ui.get(reverse("registry:link_detail", args=[links.duc.pk]))
    page = ui.get(link_page.link("Send a notice"))

    # when the cell tells the workplace about Đức's good conduct
    send_url = f"{reverse('notices:send')}?link={links.duc.pk}"
    page = ui.submit(
        page,
        send_url,
        route=f"{world.cell_a2.pk}-{world.workplace.pk}",
        kind="good_conduct",
        body="Đồng chí Đức vận động bà con làm đường bê tông ngõ 5.",
    )
    assert "The notice was sent." in page
    up = Notice.objects.get()
    assert (up.sender, up.recipient, up.kind, up.status, up.sent_on) == (
        world.cell_a2,
        world.workplace,
        "good_conduct",
        "sent",
        TODAY,
    )
    # 15 working days after Thursday 15/01/2026
    assert up.response_due == datetime.date(2026, 2, 5)

    # then the workplace finds it in its inbox, acknowledges, replies and closes it
    ui.login(world.workplace_officer)
    inbox = ui.get(reverse("notices:inbox", args=[world.workplace.pk]))
    assert inbox.has_status("sent", "Sent")
    page = ui.get(inbox.link("Good conduct / commendation proposal"))
    page = ui.submit(page, reverse("notices:acknowledge", args=[up.pk]))
    assert page.has_status("acknowledged", "Acknowledged")
    page = ui.submit(
        page,
        reverse("notices:reply", args=[up.pk]),
        body="Đảng ủy Sở đã ghi nhận, sẽ xét biểu dương cuối năm.",
    )
    assert page.has_status("answered", "Answered")
    page = ui.submit(
        page, reverse("notices:close", args=[up.pk]), outcome="Biểu dương trong tổng kết năm."
    )
    assert page.has_status("closed", "Closed")
    up.refresh_from_db()
    assert (up.status, up.acknowledged_by, up.outcome) == (
        "closed",
        world.workplace_officer,
        "Biểu dương trong tổng kết năm.",
    )
    assert list(NoticeReply.objects.values_list("organization", "by", "body")) == [
        (
            world.workplace.pk,
            world.workplace_officer.pk,
            "Đảng ủy Sở đã ghi nhận, sẽ xét biểu dương cuối năm.",
        )
    ]
    assert trail(up) == [
        ("chibo2", "create", None),
        ("coquan", "update", "acknowledged"),
        ("coquan", "update", "replied"),
        ("coquan", "update", "closed"),
    ]

    # when the workplace tells the commune of Đức's appointment, which needs a comment
    link_page = ui.get(reverse("registry:link_detail", args=[links.duc.pk]))
    page = ui.get(link_page.link("Send a notice"))
    page = ui.submit(
        page,
        send_url,
        route=f"{world.workplace.pk}-{world.commune_a_committee.pk}",
        kind="appointment",
        body="Đồng chí Đức được quy hoạch phó trưởng phòng; đề nghị cho ý kiến.",
    )
    down = Notice.objects.get(kind="appointment")

    # then the commune acknowledges, answers and the workplace closes it
    ui.login(world.commune_clerk)
    inbox = ui.get(reverse("notices:inbox", args=[world.commune_a_committee.pk]))
    page = ui.get(inbox.link("Appointment needing a comment"))
    page = ui.submit(page, reverse("notices:acknowledge", args=[down.pk]))
    page = ui.submit(
        page,
        reverse("notices:reply", args=[down.pk]),
        body="Chi bộ tổ 2 nhất trí, đồng chí gương mẫu nơi cư trú.",
    )
    assert page.has_status("answered", "Answered")
    ui.login(world.workplace_officer)
    page = ui.get(reverse("notices:detail", args=[down.pk]))
    page = ui.submit(
        page, reverse("notices:close", args=[down.pk]), outcome="Đã đưa vào hồ sơ quy hoạch."
    )
    assert page.has_status("closed", "Closed")
    assert trail(down) == [
        ("coquan", "create", None),
        ("xa", "update", "acknowledged"),
        ("xa", "update", "replied"),
        ("coquan", "update", "closed"),
    ]

    # when the workplace tells the commune of Bình's appointment and nobody answers
    page = ui.get(f"{reverse('notices:send')}?link={links.binh.pk}")
    page = ui.submit(
        page,
        f"{reverse('notices:send')}?link={links.binh.pk}",
        route=f"{world.workplace.pk}-{world.commune_a_committee.pk}",
        kind="appointment",
        body="Đồng chí Bình được đề nghị bổ nhiệm; đề nghị cho ý kiến.",
    )
    late = Notice.objects.get(member=links.binh.member)
    # 10 working days after Thursday 15/01/2026
    assert late.response_due == datetime.date(2026, 1, 29)
    escalated = notice_services.escalate_overdue_notices(on=late.response_due + DAY)

    # then it alone is escalated, once, and the commune's inbox shows it
    assert escalated == [late]
    assert notice_services.escalate_overdue_notices(on=late.response_due + 2 * DAY) == []
    assert trail(late) == [("coquan", "create", None), ("system", "update", "escalated")]
    ui.login(world.commune_clerk)
    inbox = ui.get(reverse("notices:inbox", args=[world.commune_a_committee.pk]))
    assert inbox.html.count('<span class="badge">Escalated</span>') == 1

    # and Đức's thread shows both notices on either side
    for user in (world.workplace_officer, world.commune_clerk):
        ui.login(user)
        thread = ui.get(reverse("notices:member_thread", args=[links.duc.member_id]))
        assert thread.html.count('class="badge status-closed">Closed<') == 2
        assert "Chi bộ tổ 2 nhất trí" in thread
    # while the member does not read the committees' correspondence about them
    ui.login(world.member_user)
    thread = ui.get(reverse("notices:member_thread", args=[links.duc.member_id]))
    assert "No notices about this member." in thread


def test_commune_clerk_reaches_a_signed_comment_from_the_comment_pages(client, world):
    # given a comment signed by cell A2, waiting for commune A's confirmation
    request = request_at(world, "signed")
    ui = Browser(client)
    ui.login(world.commune_clerk)

    # when the clerk follows the links of the comment pages, two clicks deep
    reached: set[str] = set()
    pages = [ui.get(reverse("comments:index"))]
    for _depth in range(2):
        hrefs = {href for page in pages for _t, href in page.links if href.startswith("/comments/")}
        pages = [Page(client.get(href)) for href in sorted(hrefs - reached)]
        reached |= hrefs

    # then one of them leads to the comment to confirm
    assert reverse("comments:request", args=[request.pk]) in reached
