"""The Content-Security-Policy in Chromium: every page of every ledger loads without a single
violation, console message or script error.

The demo county is built (charts, drafts, published reports), and beside it the scoping
walk's world with one record of every kind in township A (tests/*/scoping_cases.py). The
pages come from the URL resolver: every route without parameters, as the demo's county
supervisor (every township's data), and every route, with the scoping cases' ids, as
township A's admin (its detail, edit and history pages); the system pages as the three
separated admins; the public pages anonymous. On top: the dashboard charts' tooltips, the
report editor's live preview (an htmx swap), the API docs and a 404.

A page fails on a ``securitypolicyviolation`` event, any console message (Chromium reports
a blocked inline style or script there) or an uncaught script error. Not counted: the
status line of a page refused on purpose (a county supervisor's 403 on a create form) and
Chromium's own ``[DOM]`` hints.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fazhi.core import demo
from tests.factories import PASSWORD, build_world
from tests.scoping import ROUTES, iter_url_patterns, seed

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not pages: they end the session or only take a POST.
NOT_PAGES = {"logout", "web:switch"}

STATUS = "Failed to load resource: the server responded with a status of"
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || ""}:` +
    `${e.lineNumber} (${(e.sample || "").slice(0, 60)})`
  );
});
"""


class Watch:
    """Everything a page reports, per URL visited."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.problems: list[str] = []
        self.loaded: dict[str, int] = {}
        self.skipped: dict[str, str] = {}
        self.where = self.url = ""
        page.context.expose_function("__cspViolation", self._violation)
        page.context.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"{self.where}: script error {e}"))

    def _console(self, msg) -> None:
        # The status of the page itself (a 403 or 404 asked for on purpose) is recorded apart;
        # Chromium's own [DOM] hints (autocomplete attributes) are no page's message.
        own_status = msg.text.startswith(STATUS) and msg.location.get("url") in (
            self.url,
            self.page.url,
        )
        if own_status or (msg.type == "verbose" and msg.text.startswith("[DOM]")):
            return
        self.problems.append(f"{self.where}: console {msg.type}: {msg.text}")

    def _violation(self, text: str) -> None:
        self.problems.append(f"{self.where}: CSP violation {text}")

    def visit(self, who: str, path: str) -> bool:
        """Loads ``path`` if it is an HTML page (a file download or an empty 405 is not)."""
        self.where = f"{who} {path}"
        probe = self.page.request.get(self.base + path, max_redirects=0)
        kind = probe.headers.get("content-type", "")
        if not kind.startswith("text/html") or not probe.body():
            self.skipped[self.where] = f"{probe.status} {kind}"
            return False
        if probe.status < 300 or probe.status >= 400:
            assert "Content-Security-Policy" in {k.title() for k in probe.headers}, self.where
        self.url = self.base + path
        resp = self.page.goto(self.url, wait_until="load")
        if self.page.locator("[hx-trigger*=load]").count():
            self.page.wait_for_load_state("networkidle")
        self.loaded[self.where] = resp.status if resp else 0
        return True


def parameterless() -> list[str]:
    return sorted(
        {reverse(n) for n, _p, params in iter_url_patterns() if not params and n not in NOT_PAGES}
    )


def with_ids(world) -> list[str]:
    objs = seed(world)
    out = []
    for name, _pattern, params in iter_url_patterns():
        if params and name in ROUTES and name not in NOT_PAGES:
            out.append(reverse(name, kwargs=ROUTES[name](world, objs)))
    return sorted(set(out))


def test_no_page_violates_the_policy(live_server, page):
    demo.build(log=lambda *a: None)
    world = build_world()
    detail_pages = with_ids(world)
    pages = parameterless()
    base = live_server.url
    watch = Watch(page, base)

    # anonymous: the login page, the public reports, a published report, a 404
    from fazhi.reports.models import AnnualReport, ReportStatus

    published = AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).first()
    for path in ("/login/", "/public/reports/", "/no-such-page/"):
        watch.visit("anonymous", path)
    if published is not None:
        watch.visit("anonymous", f"/public/reports/{published.pk}/")

    # the county supervisor: every page without parameters over the whole demo county
    login(page, base, "county", demo.DEMO_PASSWORD)
    for path in pages:
        watch.visit("county", path)
        if path == "/" and page.locator("#trend-chart canvas").count():
            for chart in ("#trend-chart", "#monthly-chart"):  # the tooltips are drawn on hover
                page.hover(chart)
                page.mouse.move(*_centre(page, chart))
                page.wait_for_timeout(300)
    watch.visit("county", "/api/v1/docs")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()

    # the report editor's live preview: server-rendered HTML swapped in by htmx
    draft = AnnualReport.objects.filter(unit__code="990101", status=ReportStatus.DRAFT).first()
    if draft is not None:
        login(page, base, "admin_df", demo.DEMO_PASSWORD)
        watch.visit("admin_df", f"/reports/{draft.pk}/edit/")
        with page.expect_response(lambda r: "/preview/" in r.url):
            page.fill("#section-1", "全年办理行政复议案件12件。")
        page.wait_for_load_state("networkidle")
        page.context.clear_cookies()

    # township A's admin: every page, the ones with an id through the scoping cases
    login(page, base, "admin_a", PASSWORD)
    for path in pages + detail_pages:
        watch.visit("admin_a", path)
    page.context.clear_cookies()

    # the separated admins: their system pages
    system = [p for p in pages if p.startswith(("/system/", "/account/"))]
    for username in ("sysadmin", "secadmin", "auditor"):
        login(page, base, username, demo.DEMO_PASSWORD)
        for path in system:
            watch.visit(username, path)
        page.context.clear_cookies()

    print(f"{len(watch.loaded)} pages loaded; not pages: {len(watch.skipped)}")
    assert watch.problems == [], "\n".join(watch.problems[:40])
    errors = {w: s for w, s in watch.loaded.items() if s >= 500}
    assert errors == {}, errors
    # it did reach the ledgers: a page with an id of every app that has a scoping case
    apps = {w.split()[1].split("/")[1] for w, s in watch.loaded.items() if s == 200}
    assert {"disputes", "decisions", "enforcement", "learning", "publicity"} <= apps, apps
    assert {"legalservice", "oversight", "reports", "review", "system"} <= apps, apps
    assert len(watch.loaded) > 150, len(watch.loaded)


def _centre(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
