"""The last week of a comment campaign, as locust users (run by bench_peak.py, which
seeds the database, creates the accounts and starts gunicorn; see its docstring).

Every user signs in with its own account (the login form, then the authenticator
app's code, computed here from the device's key), finds its work on its own pages as
a person does, and posts the real forms with their CSRF tokens:

- a **cell secretary** opens the cell's list of comments to write, picks a request
  not yet signed, fills the comment form (a level for every item, the
  recommendation, the free text), records the meeting with the Front work committee,
  reads the summary before signing and signs; now and then opens the home page;
- a **commune clerk** opens the commune's list of signed and confirmed comments and
  confirms and returns a handful at once (the bulk form and its summary), or one
  through its request page (confirm, then return); now and then the commune's
  progress;
- a **workplace officer** opens the home page, takes a returned comment from the
  inbox, acknowledges it and records its use in the rating;
- a **provincial officer** refreshes the province's dashboard (the numbers page and
  its fragment, cached in the shared cache), the province's progress of the
  campaign and, now and then, the province's report.

Between two pieces of work (a task: several requests one after another) each user
waits ``BENCH_PEAK_WAIT`` seconds (``min,max``, default ``12,36``, set by
bench_peak.py for each run): 50 users then ask for about a province's busiest hour
(5 comment steps a second); ``0,0`` is the saturation run. Each user starts its
first task at a random moment within the mean wait, not all at once.

Any answer other than the one expected (a 4xx or 5xx, a redirect to the login, a
page saying the step was refused) is a failure; a 409 ("changed meanwhile") would be
counted apart as a conflict, not as an error. The accounts come from the JSON file
named by ``BENCH_PEAK_ACCOUNTS`` (written by bench_peak.py): each user class spawns
exactly as many users as there are accounts for its role (``fixed_count``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, tag, task

ACCOUNTS_FILE = os.environ.get("BENCH_PEAK_ACCOUNTS", "")
ACCOUNTS: dict[str, list[dict[str, Any]]] = (
    json.loads(Path(ACCOUNTS_FILE).read_text(encoding="utf-8")) if ACCOUNTS_FILE else {}
)
WAIT = [float(x) for x in os.environ.get("BENCH_PEAK_WAIT", "12,36").split(",")]
BULK_MAX = 10  # the most comments a clerk confirms and returns at once

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RADIO = re.compile(r'<input type="radio" name="([^"]+)" value="([^"]*)"')
OPTION = re.compile(r'<option value="([^"]+)"')
REQUEST_LINK = re.compile(r'href="/comments/request/(\d+)/"')
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
ERROR_MESSAGE = re.compile(r'<li class="message error">(.*?)</li>', re.S)
HX_GET = re.compile(r'hx-get="([^"]+)"')
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


class Refused(Exception):
    """A page answered, but not as the step expects."""


def _accounts(role: str) -> Iterator[dict[str, Any]]:
    yield from ACCOUNTS.get(role, [])


_POOLS = {
    role: _accounts(role)
    for role in (
        "cell_secretary",
        "commune_clerk",
        "workplace_officer",
        "provincial_officer",
        "bare",
    )
}
# What is not in locust's statistics, written at the end to the JSON file named by
# BENCH_PEAK_COUNTS (bench_peak.py reads it): the lists found empty and the conflicts
# ("counts"), the sign-in's figures ("sign_in", "sign_in_errors") and the length of
# the measured window ("window").
COUNTS: dict[str, int] = {}
REPORT: dict[str, Any] = {"counts": COUNTS}
# The measured window opens once every user has signed in (the sign-in, a burst of
# password hashing, is reported on its own) and lasts BENCH_PEAK_MEASURE_SECONDS
# (0: until locust's --run-time).
MEASURE_SECONDS = float(os.environ.get("BENCH_PEAK_MEASURE_SECONDS", "0"))
_SIGNED_IN = [0]


def count(what: str) -> None:
    COUNTS[what] = COUNTS.get(what, 0) + 1


def _open_window(environment: Any) -> None:
    """Keep the sign-in's figures, then start the statistics afresh."""
    stats = environment.runner.stats
    REPORT["sign_in"] = [
        {
            "name": entry.name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p99": entry.get_response_time_percentile(0.99),
        }
        for entry in stats.entries.values()
        if entry.num_requests
    ]
    REPORT["sign_in_errors"] = [
        {"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
        for e in stats.errors.values()
    ]
    stats.reset_all()
    REPORT["opened"] = time.time()
    if MEASURE_SECONDS:
        gevent.spawn_later(MEASURE_SECONDS, _close_window, environment)


def _close_window(environment: Any) -> None:
    REPORT["window"] = time.time() - REPORT["opened"]
    environment.runner.quit()


@events.test_stop.add_listener
def _write_report(**_kwargs: Any) -> None:
    if "opened" in REPORT and "window" not in REPORT:
        REPORT["window"] = time.time() - REPORT["opened"]
    path = os.environ.get("BENCH_PEAK_COUNTS")
    if path:
        Path(path).write_text(json.dumps(REPORT), encoding="utf-8")


def totp(key_hex: str, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows for the device's key now
    (RFC 6238: 30-second steps from the epoch, HMAC-SHA1), as django-otp checks it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def form_block(html: str, action: str) -> str:
    """The ``<form>`` whose action is ``action``, up to its end ("" if none)."""
    start = html.find(f'action="{action}"')
    if start < 0:
        return ""
    end = html.find("</form>", start)
    return html[start : end if end > 0 else len(html)]


class PeakUser(FastHttpUser):
    """A signed-in person of one role, over one organization."""

    abstract = True
    role = ""
    wait_time = between(WAIT[0], WAIT[-1])
    # The server is local: a long answer is a result to report, not a network fault.
    network_timeout = 120.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        account = next(_POOLS[self.role])
        self.org: int = account["org"]
        self.username: str = account["username"]
        self.login(account)
        # wait for everyone: the work is measured once all have signed in
        _SIGNED_IN[0] += 1
        if _SIGNED_IN[0] == self.environment.runner.target_user_count:
            _open_window(self.environment)
        while "opened" not in REPORT:
            gevent.sleep(0.05)
        gevent.sleep(random.uniform(0, (WAIT[0] + WAIT[-1]) / 2))  # not all at once

    # --- the requests ---------------------------------------------------------------

    def get(self, path: str, name: str, headers: dict[str, str] | None = None) -> str:
        """A page that must answer 200; its HTML ("" when it failed)."""
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 200:
                response.success()
                return response.text or ""
            where = response.headers.get("location", "") if response.headers else ""
            response.failure(f"{response.status_code} {where}".strip())
            return ""

    def post(
        self, path: str, fields: dict[str, Any] | list[tuple[str, Any]], name: str, expect: int
    ) -> tuple[int, str, str]:
        """Post a form; ``expect`` is the status the step answers when it worked (302
        to the next page, or 200 for a summary). Returns the status, the redirect's
        target and the body."""
        body = urlencode(fields, doseq=True)
        with self.client.post(
            path,
            data=body,
            name=name,
            headers={**FORM_HEADERS, "Referer": f"{self.host}{path}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status = response.status_code
            where = response.headers.get("location", "") if response.headers else ""
            text = response.text or ""
            if status == expect and not (status == 302 and "/login/" in where):
                response.success()
            elif status == 409:  # changed meanwhile: expected under concurrency
                response.success()
                count(f"conflict: {name}")
            else:
                reason = ERROR_MESSAGE.search(text)
                response.failure(
                    f"{status} {where} {reason.group(1).strip() if reason else ''}".strip()
                )
            return status, where, text

    def follow(self, where: str, name: str, step: str) -> str:
        """The page a step redirected to; when it says the step was refused (its error
        message), that page's request is a failure naming ``step`` and the reason."""
        if not where:
            return ""
        with self.client.get(where, name=name, allow_redirects=False, catch_response=True) as r:
            html = r.text or "" if r.status_code == 200 else ""
            refusal = ERROR_MESSAGE.search(html)
            if r.status_code != 200:
                r.failure(f"{r.status_code} after {step}")
            elif refusal is not None:
                reason = re.sub(r"\s+", " ", refusal.group(1)).strip()[:200]
                r.failure(f"{step} refused: {reason}")
            else:
                r.success()
        return html

    def broken(self, name: str, message: str) -> None:
        """A page without what the step needs (a form, a link): a failure of ``name``."""
        events.request.fire(
            request_type="GET",
            name=name,
            response_time=0,
            response_length=0,
            exception=Refused(message),
            context={},
        )

    def nothing_to_do(self, what: str) -> None:
        """No work left on the user's list: counted, not a failure."""
        count(what)

    # --- signing in -----------------------------------------------------------------

    def login(self, account: dict[str, Any]) -> None:
        html = self.get("/login/", "sign-in: login form")
        token = CSRF.search(html)
        if token is None:
            return self.broken("sign-in: login form", "no login form")
        self.post(
            "/login/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": account["username"],
                "password": account["password"],
            },
            "sign-in: POST password",
            302,
        )
        html = self.get("/login/code/", "sign-in: code form")
        token = CSRF.search(html)
        if token is None:
            return self.broken("sign-in: code form", "no code form")
        _, where, _ = self.post(
            "/login/code/",
            {"csrfmiddlewaretoken": token.group(1), "code": totp(account["totp_key"])},
            "sign-in: POST code",
            302,
        )
        self.follow(where, "sign-in: home", "sign-in: POST code")


class CellSecretary(PeakUser):
    """Writes and signs the cell's comments."""

    role = "cell_secretary"
    fixed_count = len(ACCOUNTS.get(role, []))

    @task(6)
    def write_and_sign(self) -> None:
        html = self.get(f"/comments/cell/{self.org}/", "cell: comments to write")
        open_rows = [
            int(link.group(1))
            for row in ROW.findall(html)
            if ("status-requested" in row or "status-drafted" in row)
            and (link := REQUEST_LINK.search(row))
        ]
        if not open_rows:
            self.nothing_to_do("cell: nothing left to write")
            return
        pk = random.choice(open_rows)
        page = f"/comments/request/{pk}/"
        html = self.get(page, "request page")
        # the comment form: a level for every item, the recommendation, the free text
        block = form_block(html, f"{page}draft/")
        if not block:
            return self.broken("request page", f"no comment form on {page}")
        choices: dict[str, list[str]] = {}
        for field, value in RADIO.findall(block):
            if value:
                choices.setdefault(field, []).append(value)
        fields: dict[str, Any] = {"csrfmiddlewaretoken": CSRF.findall(block)[0]}
        fields.update(HIDDEN.findall(block))
        for field, values in choices.items():
            if field == "recommendation":
                fields[field] = "no_proposal" if random.random() < 0.9 else random.choice(values)
            else:  # mostly the better levels, as cells write
                fields[field] = values[min(int(random.expovariate(1.5)), len(values) - 1)]
        fields["other_comments"] = "Gương mẫu nơi cư trú, tham gia đầy đủ sinh hoạt tổ dân phố."
        _, where, _ = self.post(f"{page}draft/", fields, "cell: POST comment form", 302)
        html = self.follow(where, "request page", "cell: POST comment form")
        block = form_block(html, f"{page}front_meeting/")
        if not block:
            return self.broken("request page", f"no meeting form on {page}")
        fields = {"csrfmiddlewaretoken": CSRF.findall(block)[0], **dict(HIDDEN.findall(block))}
        fields["met_on"] = datetime.date.today().isoformat()
        fields["participants"] = "Chi ủy chi bộ; Trưởng ban công tác Mặt trận; tổ trưởng tổ dân phố"
        _, where, _ = self.post(f"{page}front_meeting/", fields, "cell: POST Front meeting", 302)
        self.follow(where, "request page", "cell: POST Front meeting")
        html = self.get(f"{page}sign/", "cell: sign summary")
        block = form_block(html, f"{page}sign/")
        if not block:
            return self.broken("cell: sign summary", f"no sign form on {page}sign/")
        fields = {"csrfmiddlewaretoken": CSRF.findall(block)[0], **dict(HIDDEN.findall(block))}
        _, where, _ = self.post(f"{page}sign/", fields, "cell: POST sign", 302)
        self.follow(where, "request page", "cell: POST sign")

    @task(1)
    def home(self) -> None:
        self.get("/", "home: inbox")


class CommuneClerk(PeakUser):
    """Confirms the signed comments and returns them to the workplaces."""

    role = "commune_clerk"
    fixed_count = len(ACCOUNTS.get(role, []))

    def waiting(self) -> tuple[str, list[str], dict[str, str], str]:
        html = self.get(f"/comments/commune/{self.org}/", "commune: comments to confirm and return")
        block = form_block(html, f"/comments/commune/{self.org}/return/")
        hidden = dict(HIDDEN.findall(block))
        picks = re.findall(r'name="requests" value="(\d+)"', block)
        return html, picks, hidden, CSRF.findall(block)[0] if block else ""

    @task(3)
    def confirm_and_return_many(self) -> None:
        _, picks, hidden, token = self.waiting()
        if not picks:
            self.nothing_to_do("commune: nothing left to return")
            return
        chosen = random.sample(picks, min(len(picks), random.randint(1, BULK_MAX)))
        fields: list[tuple[str, Any]] = [("csrfmiddlewaretoken", token)]
        fields += [("requests", pk) for pk in chosen]
        fields += [(f"version-{pk}", hidden[f"version-{pk}"]) for pk in chosen]
        if "campaign" in hidden:
            fields.append(("campaign", hidden["campaign"]))
        path = f"/comments/commune/{self.org}/return/"
        _, _, html = self.post(path, fields, "commune: POST chosen (summary)", 200)
        block = form_block(html, path)
        if not block:
            return self.broken("commune: POST chosen (summary)", "no summary form")
        fields = [("csrfmiddlewaretoken", CSRF.findall(block)[0]), *HIDDEN.findall(block)]
        _, where, _ = self.post(path, fields, "commune: POST confirm and return", 302)
        self.follow(
            where, "commune: comments to confirm and return", "commune: POST confirm and return"
        )

    @task(2)
    def confirm_then_return_one(self) -> None:
        _, picks, _, _ = self.waiting()
        if not picks:
            self.nothing_to_do("commune: nothing left to return")
            return
        page = f"/comments/request/{random.choice(picks)}/"
        html = self.get(page, "request page")
        for step in ("confirm", "return"):
            if f'href="{page}{step}/"' not in html:
                continue
            summary = self.get(f"{page}{step}/", f"commune: {step} summary")
            block = form_block(summary, f"{page}{step}/")
            if not block:
                return self.broken(f"commune: {step} summary", f"no {step} form on {page}")
            fields = {"csrfmiddlewaretoken": CSRF.findall(block)[0], **dict(HIDDEN.findall(block))}
            _, where, _ = self.post(f"{page}{step}/", fields, f"commune: POST {step}", 302)
            name = (
                "request page" if step == "confirm" else "commune: comments to confirm and return"
            )
            html = self.follow(where, name, f"commune: POST {step}")

    @task(1)
    def progress(self) -> None:
        self.get(f"/comments/progress/{self.org}/", "commune: progress")


class WorkplaceOfficer(PeakUser):
    """Acknowledges the returned comments and records their use in the rating."""

    role = "workplace_officer"
    fixed_count = len(ACCOUNTS.get(role, []))

    def inbox_group(self, html: str, key: str) -> list[str]:
        start = html.find(f'id="{key}-{self.org}"')
        if start < 0:
            return []
        end = html.find("</section>", start)
        return REQUEST_LINK.findall(html[start:end])

    @task
    def acknowledge_and_rate(self) -> None:
        html = self.get("/", "home: inbox")
        returned = self.inbox_group(html, "acknowledge_comment")
        to_rate = self.inbox_group(html, "record_rating")
        if not returned and not to_rate:
            self.get(f"/comments/workplace/{self.org}/", "workplace: requests")
            self.nothing_to_do("workplace: nothing left to acknowledge")
            return
        page = f"/comments/request/{random.choice(returned or to_rate)}/"
        html = self.get(page, "request page")
        block = form_block(html, f"{page}acknowledge/")
        if block:
            fields = {"csrfmiddlewaretoken": CSRF.findall(block)[0], **dict(HIDDEN.findall(block))}
            _, where, _ = self.post(
                f"{page}acknowledge/", fields, "workplace: POST acknowledge", 302
            )
            html = self.follow(where, "request page", "workplace: POST acknowledge")
        block = form_block(html, f"{page}rating/")
        if not block:
            return self.broken("request page", f"no rating form on {page}")
        levels = OPTION.findall(block)
        fields = {
            "csrfmiddlewaretoken": CSRF.findall(block)[0],
            "rating_level": levels[min(int(random.expovariate(1.2)), len(levels) - 1)],
            "rating_note": "Đã xem xét nhận xét của nơi cư trú khi đánh giá, xếp loại.",
        }
        _, where, _ = self.post(f"{page}rating/", fields, "workplace: POST rating", 302)
        self.follow(where, "request page", "workplace: POST rating")


class ProvincialOfficer(PeakUser):
    """Watches the province's figures during the last week."""

    role = "provincial_officer"
    fixed_count = len(ACCOUNTS.get(role, []))

    @task(3)
    def dashboard(self) -> None:
        html = self.get("/numbers/", "province: numbers")
        for url in HX_GET.findall(html)[:1]:
            self.get(url.replace("&amp;", "&"), "province: dashboard", {"HX-Request": "true"})

    @task(2)
    def progress(self) -> None:
        self.get(f"/comments/progress/{self.org}/", "province: progress")

    @tag("report")
    @task(1)
    def report(self) -> None:
        self.get(f"/reports/org/{self.org}/", "province: report")


class BarePage(PeakUser):
    """The baseline: a signed-in user asking for the bench's bare page (one query, one
    template, the same middleware) with the same waits; run on its own
    (``locust … BarePage``) with the accounts of every role."""

    role = "bare"
    fixed_count = len(ACCOUNTS.get(role, []))

    @task
    def bare(self) -> None:
        self.get("/_bench/bare/", "bare page")
