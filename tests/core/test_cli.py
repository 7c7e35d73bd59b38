import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core import demo
from fazhi.core.models import Membership, Unit, UnitKind


def _run(*args, tmp_path, stdin=None):
    env = {
        **os.environ,
        "FAZHI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=600,  # a loaded CI machine: a migrate alone took over 120 s once
    )


def test_cli_help_and_errors_are_one_line(tmp_path):
    out = _run("--help", tmp_path=tmp_path)
    assert out.returncode == 0 and "fazhi 命令" in out.stdout and "demo" in out.stdout
    bad = _run("units", "--format", "xml", tmp_path=tmp_path)
    assert bad.returncode != 0
    assert len(bad.stderr.strip().splitlines()) == 1 and "xml" in bad.stderr
    bad = _run("workdays", "2024-13-01", "3", tmp_path=tmp_path)
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1


def test_cli_demo_then_units_json(tmp_path):
    assert _run("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    first = _run("demo", "--scale", "small", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "clerk_df" in first.stdout and demo.DEMO_PASSWORD in first.stdout
    again = _run("demo", tmp_path=tmp_path)
    assert again.returncode == 1 and "已存在" in again.stderr
    units = json.loads(_run("units", "--format", "json", tmp_path=tmp_path).stdout)
    kinds = {u["kind"] for u in units}
    assert {
        "county",
        "township",
        "subdistrict",
        "development_zone",
        "village",
        "community",
    } <= kinds


def test_cli_help_lists_every_fazhi_command_with_its_help(tmp_path):
    """The list is read from the installed apps' commands (README: the commands it documents)."""
    from django.core.management import get_commands, load_command_class

    out = _run("--help", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    listed = {
        line.split()[0]
        for line in out.stdout.splitlines()
        if line.startswith("    ") and line.strip()
    }
    ours = {name for name, app in get_commands().items() if app.startswith("fazhi.")}
    assert listed == ours
    documented = "disputes decisions enforcement learning publicity legalservice oversight"
    documented += " indicators report draft report_previous review remind daily user token"
    documented += " audit backup restore calendar workdays run demo units"
    assert set(documented.split()) <= listed
    for line in out.stdout.splitlines():
        if line.startswith("    report "):
            assert load_command_class("fazhi.reports", "report").help[:10] in line


def test_cli_unknown_command_and_subcommand_errors_are_one_line(tmp_path):
    bad = _run("unitz", tmp_path=tmp_path)
    assert bad.returncode == 1 and bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    assert "units" in bad.stderr
    bad = _run("token", "bogus", tmp_path=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "bogus" in bad.stderr


def test_cli_leaves_the_parser_class_alone(capsys):
    """One line on a bad argument without patching CommandParser for the whole process."""
    from django.core.management.base import CommandParser

    from fazhi import cli

    before = CommandParser.error
    with pytest.raises(SystemExit) as exit_:
        cli.main(["fazhi", "units", "--format", "xml"])
    assert exit_.value.code == 2
    assert CommandParser.error is before
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "xml" in err


@pytest.mark.django_db
def test_demo_is_deterministic_and_complete():
    demo.build(seed=7)
    county = Unit.objects.get(code=demo.COUNTY_CODE)
    townships = Unit.objects.subtree(county).townships()
    assert townships.count() == 4
    assert townships.filter(kind=UnitKind.DEVELOPMENT_ZONE).count() == 1
    assert Unit.objects.subtree(county).villages().count() == 12
    roles = set(Membership.objects.values_list("role", flat=True))
    from fazhi.core.roles import Role

    assert roles == set(Role.values)
    from django.contrib.auth import get_user_model

    assert all(u.is_demo for u in get_user_model().objects.all())


@pytest.mark.django_db
def test_units_and_token_commands(capsys, world):
    call_command("units")
    out = capsys.readouterr().out
    assert "100001" in out and "甲镇" in out
    call_command("token", "create", "clerk_a", "--name", "对接")
    key = capsys.readouterr().out.strip()
    assert key.startswith("fz_")
    with pytest.raises(CommandError, match="找不到用户"):
        call_command("token", "create", "nobody")
    call_command("audit", "verify")
    assert "审计日志完整" in capsys.readouterr().out


@pytest.mark.django_db
def test_calendar_command(tmp_path, capsys):
    f = tmp_path / "2027.txt"
    f.write_text(
        "2027-01-01 放假 元旦\n2027-02-06~2027-02-12 放假 春节\n2027-02-14 上班 调休\n",
        encoding="utf-8",
    )
    call_command("calendar", "set", "2027", str(f), "--source", "测试")
    call_command("calendar", "show", "2027")
    out = capsys.readouterr().out
    assert "已录入" in out and "2027-02-14 上班" in out
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-01-01 休 x", encoding="utf-8")
    with pytest.raises(CommandError, match="类型"):
        call_command("calendar", "set", "2027", str(bad))
    call_command("calendar", "show", "2028")
    assert "暂定" in capsys.readouterr().out
