"""One refusal across apps (issue 21 "Refusals answered two ways"): a change the role may not
make is a ``PermissionDenied`` from ``scoping.require`` (or the view), answered 403 on pages
and the API and a non-zero exit on the CLI, each with exactly one ``permission_refused``
audit row; never a 400."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fazhi.core.models import AuditEvent
from fazhi.core.roles import Role
from tests.factories import member

ROOT = Path(__file__).resolve().parents[2] / "fazhi"


def _refusals() -> int:
    return AuditEvent.objects.filter(event="permission_refused").count()


@pytest.fixture
def viewer(world):
    """Sees township A's records, may change none of them."""
    return member(world.township_a, Role.VIEWER, username="viewer_a")


def _check(send):
    before = _refusals()
    resp = send()
    assert resp.status_code == 403, (resp.status_code, resp.content[:300])
    assert _refusals() - before == 1
    row = AuditEvent.objects.filter(event="permission_refused").order_by("-id").first()
    assert row.outcome == "refused" and row.username
    return resp


def test_no_permission_is_answered_as_invalid_input():
    """No service refuses with ``InvalidInput(code="forbidden")`` (a 400), and no app keeps a
    private copy of the permission check: ``scoping.require`` is the one."""
    forbidden = re.compile(r"""code\s*=\s*["']forbidden["']""")
    offenders = []
    copies = []
    for p in ROOT.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        rel = str(p.relative_to(ROOT))
        if forbidden.search(text) and rel != "api.py":  # the API's 403 body code
            offenders.append(rel)
        for m in re.finditer(r"\ndef _require\(.*?(?=\n\S)", text, re.S):
            if "scoping.require" not in m.group(0):
                copies.append(rel)
    assert offenders == [] and copies == [], (offenders, copies)


@pytest.mark.django_db
def test_legalservice_refusal_is_403_and_audited(world, viewer, api_for, client_for):
    payload = {
        "unit_id": world.township_a.pk,
        "name": "赵律师",
        "firm": "正道律师事务所",
        "phone": "13912345678",
        "contract_start": "2024-01-01",
        "contract_end": "2024-12-31",
        "units_served": [world.village_a.pk],
    }
    resp = _check(lambda: api_for(world.supervisor).post("/legalservice/advisers/", payload))
    assert resp.json()["error"]["code"] == "forbidden"
    _check(lambda: api_for(viewer).post("/legalservice/advisers/", payload))
    form = {
        "name": "赵律师",
        "firm": "正道律师事务所",
        "contract_start": "2024-01-01",
        "contract_end": "2024-12-31",
        "served": [world.village_a.pk],
    }
    c = client_for(viewer)
    resp = _check(lambda: c.post("/legalservice/advisers/new/", form))
    assert "请先在右上角切换到您有登记权限的乡镇" in resp.content.decode()  # says why
    settings = {"duty_min_days": 1, "duty_min_days_remote": 1}
    _check(lambda: client_for(world.admin_a).post("/legalservice/settings/", settings))


@pytest.mark.django_db
def test_oversight_refusal_is_403_and_audited(world, viewer, api_for, client_for):
    """The tester's case: a township clerk adding findings to the county's inspection."""
    from tests.oversight.helpers import county_inspection

    insp = county_inspection(world)
    body = {"problem": "x", "owner_name": "y", "days": 5}
    resp = _check(
        lambda: api_for(world.clerk_a).post(f"/oversight/inspections/{insp.pk}/findings", body)
    )
    assert resp.json()["error"]["code"] == "forbidden"
    c = client_for(world.clerk_a)
    url = f"/oversight/inspections/{insp.pk}/"
    _check(lambda: c.post(url, {"action": "finding", "problem": "x", "owner_name": "y", "days": 5}))
    _check(lambda: client_for(world.supervisor).post("/oversight/funding/", {}))


@pytest.mark.django_db
def test_publicity_learning_reports_refusals_are_403_and_audited(
    world, viewer, api_for, client_for
):
    api = api_for(viewer)
    _check(lambda: api.post("/learning/cadres/", {"unit_id": world.township_a.pk, "name": "王伟"}))
    _check(lambda: api.post("/reports", {"unit": "100001", "year": 2024}))
    c = client_for(viewer)
    from fazhi.learning import services as learning

    cadre = learning.create_cadre(unit=world.township_a, actor=world.clerk_a, name="王伟")
    _check(lambda: c.post(f"/learning/cadres/{cadre.pk}/edit/", {"name": "李伟"}))
    from fazhi.publicity import services as publicity

    liaison = publicity.create_liaison(
        unit=world.village_a, actor=world.clerk_a, name="李", phone="13812345678"
    )
    _check(lambda: c.post(f"/publicity/liaisons/{liaison.pk}/edit/", {"name": "王"}))
    # Before: the report page answered a refused creation with 200 and a message, no row.
    _check(lambda: c.post("/reports/", {"year": 2024}))


@pytest.mark.django_db
def test_ledger_apps_refusals_are_403_and_audited(world, viewer, api_for, client_for):
    from fazhi.decisions.ledgers import LEDGERS as DECISIONS
    from fazhi.enforcement.ledgers import LEDGERS as ENFORCEMENT

    api = api_for(viewer)
    c = client_for(viewer)
    for app, ledgers in (("decisions", DECISIONS), ("enforcement", ENFORCEMENT)):
        lg = next(lg for lg in ledgers if lg.create is not None)
        _check(lambda: c.post(f"/{app}/{lg.plural}/new/", {"unit": world.township_a.pk}))
        body = {"unit_id": world.township_a.pk, "data": {}}
        resp = _check(lambda: api.post(f"/{app}/{lg.plural}/", body))
        assert resp.json()["error"]["code"] == "forbidden"
    _check(lambda: c.get("/disputes/cases/new/"))


@pytest.mark.django_db
def test_cli_refusal_is_one_line_and_audited(world, viewer, tmp_path):
    from fazhi.decisions.ledgers import LEDGERS as DECISIONS
    from tests.oversight.helpers import county_inspection

    insp = county_inspection(world)
    findings = tmp_path / "f.csv"
    findings.write_text("发现的问题,责任人,整改工作日数\n备案超期,钱某,10\n", encoding="utf-8")
    lg = next(lg for lg in DECISIONS if lg.create is not None)
    settings = ["settings", "甲县", "--min-days", "3", "--min-days-remote", "1"]
    cases = [
        (["legalservice", *settings, "--user", "clerk_a"], "clerk_a"),
        (
            ["oversight", "import-findings", str(insp.pk), str(findings), "--user", "clerk_a"],
            "clerk_a",
        ),
        (["decisions", "create", lg.key, "--as", "viewer_a", "--unit", "甲镇"], "viewer_a"),
        (["report", "100001", "2024", "--create", "--user", "viewer_a"], "viewer_a"),
    ]
    for args, who in cases:
        before = _refusals()
        with pytest.raises(CommandError, match="无权") as exc:
            call_command(*args)
        assert "\n" not in str(exc.value)
        assert _refusals() - before == 1, args
        row = AuditEvent.objects.filter(event="permission_refused").order_by("-id").first()
        assert row.username == who and row.channel == "cli", args


@pytest.mark.django_db
def test_axes_lockout_is_not_a_refusal_row(world, client):
    """A wrong password is a failed login, not a permission refusal."""
    before = _refusals()
    client.post("/login/", {"username": "clerk_a", "password": "wrong"})
    assert _refusals() == before
