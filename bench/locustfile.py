"""A county's working day, compressed, for locust (``python bench/load.py`` runs it).

Users, by weight (docs/BENCH.md):

- ``TownshipClerk`` (clerk_df, clerk_qh; weight 6): log in through the login form (CSRF),
  read and search their ledgers, open cases, register hotline appeals and disputes through
  the API and move them along (hotline: sign → reply → complete; disputes assigned to
  them: record a mediation session → oral agreement);
- ``TownshipAdmin`` (admin_df; weight 1): assigns newly registered disputes to the clerk;
- ``Supervisor`` (county; weight 3): the dashboard, the county overdue page, indicators,
  the township comparison, the reports' status page, ledgers with filters;
- ``ReportBuilder`` (admin_df; exactly one): once, ``FAZHI_LOAD_REPORT_AFTER`` seconds
  (default 10) into the test, drafts 东风镇's annual report for the year (or redrafts the existing draft) and
  downloads its DOCX.

Every request must answer 2xx (3xx where a form redirects); anything else is a failure,
except a 409 on a step another user took first (several sessions work one queue): those
count as successes under the endpoint's name with "[409 …: expected]" appended.
Think time between tasks: ``FAZHI_LOAD_WAIT`` seconds ("min,max", default "0.05,0.25": the
issue's goal, 200 requests per second from 50 users, means a request every 250 ms per user,
so the day is compressed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.cookiejar
import itertools
import json
import os
import random
import re
import sys
import time
import uuid

from locust import FastHttpUser, between, constant, task

# locust puts this directory first on sys.path; bench/profile.py must not shadow the
# standard library's profile module.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

PASSWORD = os.environ.get("FAZHI_DEMO_PASSWORD", "Fz@demo2026")
YEAR = int(os.environ.get("FAZHI_LOAD_YEAR") or dt.date.today().year)
REPORT_UNIT = os.environ.get("FAZHI_LOAD_REPORT_UNIT", "990101")
REPORT_AFTER = float(os.environ.get("FAZHI_LOAD_REPORT_AFTER", "10"))
STARTED = time.monotonic()  # when locust loaded this file: the test's start
_wait = [float(x) for x in os.environ.get("FAZHI_LOAD_WAIT", "0.05,0.25").split(",")]
WAIT = between(_wait[0], _wait[-1])
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DISPUTE_CATEGORIES = ("邻里", "婚姻家庭", "土地承包", "宅基地", "物业", "合同", "损害赔偿")
HOTLINE_CATEGORIES = ("咨询", "求助", "建议", "投诉")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_clerks = itertools.cycle(("clerk_df", "clerk_qh"))
# Several users work one queue (two sessions of clerk_df, several admins): a step another
# user took first is refused with 409, which is the application working as it should.
RACES = ((409, "conflict"), (409, "transition_not_allowed"))
LOGIN_SHARE = float(os.environ.get("FAZHI_LOAD_LOGIN_SHARE", "0.2"))
_sessions: dict[str, list[str]] = {}
if os.environ.get("FAZHI_LOAD_SESSIONS"):
    with open(os.environ["FAZHI_LOAD_SESSIONS"], encoding="utf-8") as _f:
        _sessions = json.load(_f)


def _session_for(username: str) -> str | None:
    pool = _sessions.get(username) or []
    return pool.pop() if pool else None


class FazhiUser(FastHttpUser):
    abstract = True
    wait_time = WAIT
    username = ""

    def on_start(self):
        # A working day starts with one login per person, hours before most of the day's
        # requests; a 60-second run would otherwise spend most of its CPU on PBKDF2. So
        # most users start from a session load.py made for them (FAZHI_LOAD_SESSIONS), and
        # a share (FAZHI_LOAD_LOGIN_SHARE, default 0.2) still logs in through the form.
        sid = _session_for(self.username)
        if sid and random.random() >= LOGIN_SHARE:
            self.resume(sid)
        else:
            self.login()

    # --- helpers ------------------------------------------------------------------------
    def resume(self, sid: str) -> None:
        host = self.host.split("://", 1)[1].split(":")[0]
        self.client.cookiejar.set_cookie(
            http.cookiejar.Cookie(
                0,
                "sessionid",
                sid,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )  # fmt: skip
        )
        # the login form's page sets the CSRF cookie, as the form login does
        self.page("/account/tokens/", name="/account/tokens/ [session start]")
        self.whoami()

    def whoami(self) -> None:
        me = self.api_get("/api/v1/me", name="/api/v1/me")
        self.user_id = me["id"]
        self.unit_id = me["memberships"][0]["unit_id"] if me.get("memberships") else None

    def login(self) -> None:
        with self.client.get("/login/", name="/login/ [form]", catch_response=True) as r:
            m = CSRF_FIELD.search(r.text or "")
            if r.status_code != 200 or not m:
                r.failure(
                    f"login form: HTTP {r.status_code}, csrf field {'found' if m else 'missing'}"
                )
                raise RuntimeError("no login form")
        with self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": m.group(1),
                "next": "/",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="/login/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            where = r.headers.get("Location", "")
            if r.status_code != 302 or "/login/" in where or "/account/" in where:
                r.failure(f"login as {self.username}: HTTP {r.status_code} → {where!r}")
                raise RuntimeError("login failed")
        self.whoami()

    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def page(self, path: str, name: str | None = None) -> str:
        with self.client.get(path, name=name or path.split("?")[0], catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            return r.text or ""

    def api_get(self, path: str, name: str | None = None):
        with self.client.get(path, name=name or path.split("?")[0], catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
                return {}
            return r.json()

    def api_post(self, path: str, payload: dict, name: str, ok=(200, 201), expected=()):
        """POST JSON with the session and CSRF header. ``expected``: (status, error code)
        pairs that are a legitimate answer (e.g. the report already exists), not a failure."""
        with self.client.post(
            path,
            json=payload,
            headers={"X-CSRFToken": self.csrf(), "Referer": f"{self.host}/"},
            name=name,
            catch_response=True,
        ) as r:
            body = {}
            with contextlib.suppress(ValueError):
                body = r.json()
            code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
            if r.status_code in ok:
                return r.status_code, body
            if (r.status_code, code) in expected:
                # a legitimate refusal (another user moved the case first): a success,
                # counted under its own name so the races stay visible
                r.request_meta["name"] = f"{name} [{r.status_code} {code}: expected]"
                r.success()
                return r.status_code, body
            r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
            return r.status_code, body

    def items(self, path: str, name: str) -> list:
        body = self.api_get(path, name)
        return body.get("items", []) if isinstance(body, dict) else []


class TownshipClerk(FazhiUser):
    """Registers cases and works them; reads and searches the township's ledgers."""

    weight = 6

    def on_start(self):
        self.username = next(_clerks)
        self.open_hotline: list[int] = []
        super().on_start()

    @task(4)
    def dispute_ledger(self):
        self.page("/disputes/cases/")

    @task(2)
    def dispute_ledger_open(self):
        self.page("/disputes/cases/?status=open", "/disputes/cases/?status=open")

    @task(1)
    def search(self):
        name = random.choice(SURNAMES)
        self.page(f"/disputes/cases/?q={name}", "/disputes/cases/?q=…")

    @task(2)
    def hotline_ledger(self):
        self.page("/disputes/hotline/?status=open", "/disputes/hotline/?status=open")

    @task(3)
    def open_case(self):
        cases = self.items("/api/v1/disputes/disputes?limit=20", "/api/v1/disputes/disputes")
        if cases:
            self.page(f"/disputes/cases/{random.choice(cases)['id']}/", "/disputes/cases/<id>/")

    @task(2)
    def register_hotline(self):
        if self.unit_id is None:
            return
        status, body = self.api_post(
            "/api/v1/disputes/hotline",
            {
                "unit_id": self.unit_id,
                "number": f"LOAD-{uuid.uuid4().hex[:16]}",
                "category": random.choice(HOTLINE_CATEGORIES),
                "received_at": dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
                "content": "压测：来电反映小区路灯损坏，请求维修",
                "caller": random.choice(SURNAMES) + "先生",
                "phone": f"139{random.randint(10_000_000, 99_999_999)}",
            },
            "/api/v1/disputes/hotline [POST]",
            ok=(201,),
        )
        if status == 201:
            self.open_hotline.append(body["id"])

    @task(3)
    def work_hotline(self):
        """The next step of an appeal this clerk registered: sign, reply, complete."""
        if not self.open_hotline:
            return
        pk = self.open_hotline[0]
        case = self.api_get(f"/api/v1/disputes/hotline/{pk}", "/api/v1/disputes/hotline/<id>")
        step = {"received": "sign", "signed": "reply", "replied": "complete"}.get(
            case.get("status")
        )
        if step is None:
            self.open_hotline.pop(0)
            return
        data = {"reply": "已联系物业维修，来电人表示认可"} if step == "reply" else {}
        self.api_post(
            f"/api/v1/disputes/hotline/{pk}/actions/{step}",
            {"data": data, "version": case.get("version")},
            f"/api/v1/disputes/hotline/<id>/actions/{step}",
        )
        if step == "complete":
            self.open_hotline.pop(0)

    @task(1)
    def register_dispute(self):
        if self.unit_id is None:
            return
        self.api_post(
            "/api/v1/disputes/disputes",
            {
                "unit_id": self.unit_id,
                "title": "压测：相邻通行纠纷",
                "source": "visit",
                "category": random.choice(DISPUTE_CATEGORIES),
                "parties": [
                    {"name": random.choice(SURNAMES) + "某甲"},
                    {"name": random.choice(SURNAMES) + "某乙", "side": "respondent"},
                ],
            },
            "/api/v1/disputes/disputes [POST]",
            ok=(201,),
        )

    @task(2)
    def mediate(self):
        """A dispute assigned to this clerk: record a session, or agree if mediating."""
        cases = self.items(
            f"/api/v1/disputes/disputes?handler={self.user_id}&status=open&limit=10",
            "/api/v1/disputes/disputes?handler=…",
        )
        random.shuffle(cases)
        for case in cases:
            if case["status"] == "assigned":
                step, data = "session", {"notes": "压测：召集双方调解，双方同意协商"}
            elif case["status"] == "mediating":
                step, data = (
                    "agree",
                    {
                        "agreement_form": "oral",
                        "agreement_text": "双方同意互让通道",
                        "resolved_level": "township",
                    },
                )
            else:
                continue
            self.api_post(
                f"/api/v1/disputes/disputes/{case['id']}/actions/{step}",
                {"data": data, "version": case["version"]},
                f"/api/v1/disputes/disputes/<id>/actions/{step}",
                expected=RACES,
            )
            return

    @task(1)
    def my_work(self):
        self.page("/my/")

    @task(1)
    def home(self):
        self.page("/")


class TownshipAdmin(FazhiUser):
    """The township's 司法所 head: assigns newly registered disputes to the clerk."""

    weight = 1
    username = "admin_df"

    @task(3)
    def assign(self):
        cases = self.items(
            "/api/v1/disputes/disputes?status=registered&limit=5",
            "/api/v1/disputes/disputes?status=registered",
        )
        if not cases:
            return
        case = random.choice(cases)
        self.api_post(
            f"/api/v1/disputes/disputes/{case['id']}/actions/assign",
            {"data": {"handler": "clerk_df"}, "version": case["version"]},
            "/api/v1/disputes/disputes/<id>/actions/assign",
            expected=RACES,
        )

    @task(2)
    def ledgers(self):
        self.page("/disputes/cases/?status=open", "/disputes/cases/?status=open")

    @task(1)
    def home(self):
        self.page("/")


class Supervisor(FazhiUser):
    """The county office: dashboards, the overdue page, indicators, filtered ledgers."""

    weight = 3
    username = "county"

    @task(3)
    def home(self):
        self.page("/")

    @task(2)
    def overdue(self):
        self.page("/disputes/overdue/")

    @task(1)
    def overdue_api(self):
        self.api_get("/api/v1/disputes/overdue")

    @task(2)
    def indicators(self):
        self.page("/indicators/")

    @task(1)
    def townships(self):
        self.page("/oversight/townships/")

    @task(1)
    def report_status(self):
        self.page(f"/reports/status/?year={YEAR}", "/reports/status/")

    @task(2)
    def disputes_open(self):
        self.page("/disputes/cases/?status=open&order=due", "/disputes/cases/?status=open")

    @task(2)
    def hotline_overdue(self):
        self.page("/disputes/hotline/?overdue=1", "/disputes/hotline/?overdue=1")

    @task(1)
    def petitions(self):
        self.page(f"/disputes/petitions/?year={YEAR}", "/disputes/petitions/?year=")

    @task(1)
    def enforcement(self):
        self.page("/enforcement/cases/?status=decided", "/enforcement/cases/?status=")


class ReportBuilder(FazhiUser):
    """Drafts (or redrafts) one township's annual report once, and downloads the DOCX."""

    fixed_count = 1
    username = "admin_df"

    def on_start(self):
        super().on_start()
        self.done = False

    @task
    def build_once(self):
        if self.done or time.monotonic() - STARTED < REPORT_AFTER:
            return
        self.done = True
        status, body = self.api_post(
            "/api/v1/reports",
            {"unit": REPORT_UNIT, "year": YEAR},
            "/api/v1/reports [POST] (draft from the ledgers)",
            ok=(201,),
            expected=((409, "exists"),),
        )
        report = body if status == 201 else None
        if report is None:
            for r in self.items(f"/api/v1/reports?year={YEAR}", "/api/v1/reports"):
                if r["unit"] == REPORT_UNIT:
                    report = r
        if report is None:
            return
        if report["status"] == "draft" and status != 201:
            page = self.page(f"/reports/{report['id']}/edit/", "/reports/<id>/edit/")
            m = CSRF_FIELD.search(page)
            with self.client.post(
                f"/reports/{report['id']}/edit/",
                data={"what": "regenerate", "csrfmiddlewaretoken": m.group(1) if m else ""},
                headers={"Referer": f"{self.host}/reports/{report['id']}/edit/"},
                name="/reports/<id>/edit/ [regenerate]",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                if r.status_code != 302:
                    r.failure(f"HTTP {r.status_code}")
        with self.client.get(
            f"/reports/{report['id']}/download/docx/",
            name="/reports/<id>/download/docx/",
            catch_response=True,
        ) as r:
            if r.status_code != 200 or not (r.content or b"").startswith(b"PK"):
                r.failure(f"HTTP {r.status_code}, not a DOCX")


class Calibration(FastHttpUser):
    """Not part of the working day (load.py --calibrate runs it alone): /healthz without
    think time, to measure what locust and gunicorn can do on this machine at all."""

    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz")
