"""The Content-Security-Policy (docs/architecture.md "Security headers"), without a browser:

- every HTML page answers with the policy: every route of the URL resolver (the scoping walk's
  cases give the ids), as township A's admin and as a sibling township's clerk (who gets
  404 pages), the login page anonymous, and the error pages 400, 403, 404, 500 and the CSRF
  refusal;
- no template under fazhi/ holds inline code the policy would block (``<script>`` with a
  body, ``<style>``, ``style="..."``, ``on*=`` handlers, ``javascript:`` URLs), so a new
  template cannot bring one back; and no Python module writes one into a page.

tests/browser/test_csp.py loads the pages in Chromium and fails on any violation reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from tests.scoping import ROUTES, iter_url_patterns, seed

FAZHI = Path(__file__).resolve().parents[2] / "fazhi"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = " ".join(words[1:])
    return out


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


def _ok(request):
    return HttpResponse("<p>ok</p>")


# This module is also a URLconf (pytest.mark.urls below): fazhi's routes plus views that fail.
urlpatterns = [
    path("csp-test/boom/", _boom),
    path("csp-test/forbidden/", _forbidden),
    path("csp-test/bad/", _bad),
    path("csp-test/post/", _ok),
    path("", include("fazhi.urls")),
]


def assert_policy(resp, where: str) -> None:
    header = resp.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy ({resp.status_code})"
    got = directives(header)
    for name, value in POLICY.items():
        assert got.get(name) == value, f"{where}: {name} is {got.get(name)!r}, not {value!r}"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, where


def html_pages(world, client) -> list[tuple[str, object]]:
    """(url, response) of every GET route of the resolver that answers HTML."""
    objs = seed(world)
    out = []
    for name, _pattern, params in iter_url_patterns():
        if name in ("logout", "web:switch"):
            continue
        if params:
            if name not in ROUTES:
                continue  # tests/test_scoping.py fails for a route without a case
            url = reverse(name, kwargs=ROUTES[name](world, objs))
        else:
            url = reverse(name)
        resp = client.get(url)
        if resp.get("Content-Type", "").startswith("text/html"):
            out.append((url, resp))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin_a", "clerk_b"])
def test_every_html_page_sends_the_policy(world, client_for, who):
    pages = html_pages(world, client_for(getattr(world, who)))
    assert len(pages) > 60, len(pages)
    statuses = {resp.status_code for _url, resp in pages}
    if who == "clerk_b":
        assert 404 in statuses  # the refusals are HTML pages too
    for url, resp in pages:
        assert_policy(resp, f"{who} GET {url}")


@pytest.mark.django_db
def test_anonymous_pages_send_the_policy(client):
    for url in ("/login/", "/public/reports/", "/", "/no-such-page/"):
        assert_policy(client.get(url), f"anonymous GET {url}")


@pytest.mark.django_db
@pytest.mark.urls("tests.security.test_csp")
def test_error_pages_send_the_policy(world, client_for):
    c = client_for(world.clerk_a)
    c.raise_request_exception = False
    for url, status in (
        ("/csp-test/boom/", 500),
        ("/csp-test/forbidden/", 403),
        ("/csp-test/bad/", 400),
        ("/no-such-page/", 404),
        ("/disputes/cases/?page=99999999999999999999999", None),
    ):
        resp = c.get(url)
        if status is not None:
            assert resp.status_code == status, url
        assert resp["Content-Type"].startswith("text/html"), url
        assert_policy(resp, f"GET {url}")
        assert b"style=" not in resp.content and b"<style" not in resp.content, url
    # Django's CSRF refusal, with fazhi's own page (Django's built-in one has a <style>)
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(world.clerk_a)
    resp = csrf.post("/csp-test/post/", {})
    assert resp.status_code == 403
    assert_policy(resp, "CSRF refusal")
    assert b"<style" not in resp.content and "CSRF" in resp.content.decode()


@pytest.mark.django_db
def test_a_published_report_allows_only_its_own_stylesheet(world, client):
    """The frozen report HTML keeps its <style> block: the page's policy names that block's
    hash, and no other inline style nor any script."""
    import base64
    import hashlib

    from fazhi.reports.models import AnnualReport, ReportStatus
    from fazhi.reports.render import REPORT_CSS

    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title>'
        f"<style>{REPORT_CSS}</style></head><body><p>正文</p></body></html>"
    )
    report = AnnualReport.objects.create(
        unit=world.township_a, year=2025, status=ReportStatus.PUBLISHED, html=html
    )
    resp = client.get(f"/public/reports/{report.pk}/")
    assert resp.status_code == 200 and resp.content.decode() == html
    got = directives(resp["Content-Security-Policy"])
    digest = base64.b64encode(hashlib.sha256(REPORT_CSS.encode()).digest()).decode()
    assert got["style-src"] == f"'self' 'sha256-{digest}'"
    assert got["script-src"] == "'none'"
    assert "unsafe-inline" not in resp["Content-Security-Policy"]


# --------------------------------------------------------------------------- templates
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_ATTR = re.compile(r"""\s(style|on[a-z]+)\s*=|javascript:""", re.I)


def templates():
    return sorted(p for p in FAZHI.rglob("*.html") if "templates" in p.parts)


def inline_code(text: str) -> list[str]:
    problems = []
    if re.search(r"<style\b", text, re.I):
        problems.append("<style> block")
    for m in SCRIPT.finditer(text):
        attrs, body = m.group(1), m.group(2)
        if body.strip():
            problems.append(f"<script> with a body: {m.group(0)[:60]!r}")
        elif "src=" not in attrs:
            problems.append(f"<script> without src: {m.group(0)[:60]!r}")
    for tag in TAG.finditer(text):
        found = INLINE_ATTR.search(tag.group(0))
        if found:
            problems.append(f"{found.group(0).strip()} in {tag.group(0)[:80]!r}")
    return problems


def test_no_template_holds_inline_code():
    files = templates()
    assert len(files) > 100, len(files)
    problems = {
        str(p.relative_to(FAZHI)): found for p in files if (found := inline_code(p.read_text()))
    }
    assert problems == {}, problems


def test_the_template_check_can_fail():
    for bad in (
        '<div style="color:red">',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        "<script>\n</script>",
        '<select onchange="this.form.submit()">',
        '<a href="javascript:history.back()">',
        '<body ONLOAD="x()">',
    ):
        assert inline_code(bad), bad
    for good in (
        '<script src="/static/web/fazhi.js"></script>',
        '<div class="mw-32rem" data-width="40">',
        "<p>style=</p>",  # text, not an attribute
        '<span data-online="1">',
    ):
        assert not inline_code(good), good


# Python modules that write whole HTML documents with a <style> of their own: files handed
# out or written by the CLI, never a page of the site (the published report's is allowed by
# its hash, test above).
STANDALONE = {
    "reports/render.py": "the report as an HTML file (download, publication)",
    "review/engine/render.py": "fazhi review --format html",
    "review/engine/compare.py": "fazhi review --compare --format html",
    "reports/public.py": "finds the published report's own <style> to allow it by its hash",
    "openness/annual_render.py": "the openness annual report as HTML (publication, frozen)",
}


def test_no_python_module_writes_inline_code_into_a_page():
    problems = []
    for p in sorted(FAZHI.rglob("*.py")):
        rel = str(p.relative_to(FAZHI))
        if "migrations" in p.parts or rel in STANDALONE:
            continue
        text = p.read_text()
        for pattern in (
            r"""style=\\?["']""",
            r"<style\b",
            r"<script>",
            r"""\son(click|change|submit|load|input)=""",
            r"javascript:",
        ):
            for m in re.finditer(pattern, text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: {m.group(0)}")
    assert problems == [], problems
