"""Every export path writes exactly one ``export`` audit row per download (SECURITY.md row 8,
issue 21 "Exports not audited"). The page routes are found by walking the URL resolver,
not listed by hand: every route without arguments is asked for its Excel
(``?format=xlsx&export=xlsx``), every route named ``*export*`` or ``*download*`` is
fetched; whatever answers with a file must have written one row, whatever does not, none."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from fazhi.core.models import AuditEvent
from tests.factories import UserFactory

SKIP = ("api/", "django-admin/", "static/", "login/", "logout/", "account/", "public/")
ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix="", ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns else p.name) or ""


def _routes():
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP) or "^" in route or "(" in route:
            continue
        yield route, name


def _exports() -> int:
    return AuditEvent.objects.filter(event="export").count()


def _is_file(resp) -> bool:
    return "attachment" in resp.get("Content-Disposition", "")


@pytest.fixture
def boss(world):
    return UserFactory(username="boss", is_superuser=True, is_staff=True)


def _report(world, boss):
    from fazhi.reports import services

    return services.create_report(world.township_a, 2024, actor=boss)


@pytest.mark.django_db
def test_every_page_export_writes_one_audit_row(world, boss, client_for):
    c = client_for(boss)
    report = _report(world, boss)
    downloads: dict[str, str] = {}
    checked = 0
    for route, name in _routes():
        if "<" in route:
            if not re.search(r"export|download", name):
                continue
            if not name.startswith("reports:download"):
                pytest.fail(f"an export route with arguments the test cannot fill: {route}")
            urls = [f"/reports/{report.pk}/download/{fmt}/" for fmt in ("docx", "md", "html")]
            urls.append(f"/reports/{report.pk}/download/json/")
        else:
            urls = ["/" + route + "?format=xlsx&export=xlsx"]
        for url in urls:
            before = _exports()
            resp = c.get(url)
            checked += 1
            assert resp.status_code < 500, url
            added = _exports() - before
            if _is_file(resp):
                assert added == 1, f"{url} ({name}) handed out a file with {added} export rows"
                downloads[url] = name
            else:
                assert added == 0, f"{url} ({name}) wrote {added} export rows and no file"
    names = set(downloads.values())
    # The walk reached every app's ledgers, and every decisions and enforcement ledger.
    from fazhi.decisions.ledgers import LEDGERS as DECISIONS
    from fazhi.disputes.ledgers import LEDGERS as DISPUTES
    from fazhi.enforcement.ledgers import LEDGERS as ENFORCEMENT

    for lg in DECISIONS:
        assert f"decisions:{lg.key}_list" in names, lg.key
    for lg in ENFORCEMENT:
        assert f"enforcement:{lg.key}_list" in names, lg.key
    for key in DISPUTES:  # its own export route, or the framework's list page export
        assert {f"disputes:{key}_export", f"disputes:{key}_list"} & names, key
    apps = {n.split(":")[0] for n in names}
    assert {"decisions", "enforcement", "disputes", "legalservice", "oversight"} <= apps
    assert {"publicity", "learning", "reports", "web"} <= apps, apps
    assert checked > 100 and len(downloads) >= 30, (checked, len(downloads))


@pytest.mark.django_db
def test_decisions_and_enforcement_excel_is_audited(world, client_for):
    """The tester's case: a county supervisor's Excel of each ledger writes its row."""
    from fazhi.decisions.ledgers import LEDGERS as DECISIONS
    from fazhi.enforcement.ledgers import LEDGERS as ENFORCEMENT

    c = client_for(world.supervisor)
    for app, ledgers in (("decisions", DECISIONS), ("enforcement", ENFORCEMENT)):
        for lg in ledgers:
            before = _exports()
            resp = c.get(f"/{app}/{lg.plural}/", {"format": "xlsx"})
            assert resp.status_code == 200 and _is_file(resp), lg.key
            assert _exports() - before == 1, lg.key
            row = AuditEvent.objects.filter(event="export").order_by("-id").first()
            assert row.username == "supervisor" and row.detail["ledger"] == lg.title


@pytest.mark.django_db
def test_every_cli_export_writes_one_audit_row(world, boss, tmp_path):
    """Every ``export`` sub-command of the CLI (found in the commands' parsers) and
    ``fazhi report``."""
    from django.core.management import get_commands, load_command_class

    exporting = []
    for name, app in get_commands().items():
        if not app.startswith("fazhi"):
            continue
        cmd = load_command_class(app, name)
        parser = cmd.create_parser("fazhi", name)
        for action in parser._subparsers._group_actions if parser._subparsers else ():
            if "export" in getattr(action, "choices", {}) or {}:
                exporting.append(name)
    assert sorted(exporting) == ["disputes", "learning", "publicity"], exporting
    runs = [
        *(
            ["disputes", "export", kind, "甲镇", "--out", str(tmp_path / f"{kind}.xlsx")]
            for kind in ("dispute", "petition", "hotline", "grid")
        ),
        ["publicity", "export", "甲镇", "--year", "2024", "--out", str(tmp_path / "p.xlsx")],
        ["learning", "export", "甲镇", "--year", "2024", "--out", str(tmp_path / "l.xlsx")],
    ]
    _report(world, boss)
    runs += [["report", "100001", "2024", "--format", f] for f in ("md", "json", "html")]
    for args in runs:
        before = _exports()
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
        assert _exports() - before == 1, args
        row = AuditEvent.objects.filter(event="export").order_by("-id").first()
        assert row.channel == "cli", args
