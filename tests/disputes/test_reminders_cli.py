"""``fazhi remind`` digests, "my work", and the ``fazhi disputes`` command."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core import reminders
from fazhi.core.models import Notification
from fazhi.disputes.services import disputes as ds
from fazhi.disputes.services import petitions as ps

from .helpers import appeal, dispute, petition

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2024, 10, 9, 9), tick=False)
def test_one_digest_per_user_with_due_and_overdue(world):
    p1 = ps.act(
        petition(world, received_on="2024-09-16"),
        "assign",
        user=world.admin_a,
        data={"handler": world.clerk_a.pk},
    )  # acceptance due 10-08: overdue
    ps.act(
        petition(world, received_on="2024-09-27"),
        "assign",
        user=world.admin_a,
        data={"handler": world.clerk_a.pk},
    )  # due 10-12 (make-up Saturday): within 3 working days
    ps.act(
        petition(world, received_on="2024-10-09"),
        "assign",
        user=world.admin_a,
        data={"handler": world.clerk_a.pk},
    )  # due 10-24: not yet
    d = ds.act(dispute(world), "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    assert d.mediation_due == dt.date(2024, 11, 11)  # 9 Nov is a Saturday
    result = reminders.run(dt.date(2024, 10, 9))
    note = Notification.objects.get(user=world.clerk_a)
    assert len(note.items) == 2 and note.items[0]["overdue"] and not note.items[1]["overdue"]
    assert not Notification.objects.filter(user=world.mediator_a).exists()
    sup = Notification.objects.get(user=world.supervisor)
    assert [i["url"] for i in sup.items] == [f"/disputes/petitions/{p1.pk}/"]
    assert result["digests"] == 2
    reminders.run(dt.date(2024, 10, 9))
    assert Notification.objects.count() == 2  # rerun the same day: nothing new
    mine = reminders.my_work(world.clerk_a, dt.date(2024, 10, 9))
    assert [i.due for i in mine] == sorted(i.due for i in mine) and len(mine) == 3


def test_cli_act_list_import_export(world, tmp_path, capsys):
    d = dispute(world)
    call_command(
        "disputes",
        "act",
        "dispute",
        str(d.pk),
        "assign",
        "--user",
        world.admin_a.username,
        "--set",
        f"handler={world.mediator_a.username}",
    )
    assert "已交办" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不能达成协议"):
        call_command(
            "disputes", "act", "dispute", str(d.pk), "agree", "--user", world.mediator_a.username
        )
    with pytest.raises(CommandError, match="找不到"):
        call_command(
            "disputes", "act", "dispute", str(d.pk), "assign", "--user", world.clerk_b.username
        )
    with pytest.raises(CommandError, match="字段=值"):
        call_command(
            "disputes", "act", "dispute", str(d.pk), "session", "--user", "clerk_a", "--set", "x"
        )
    f = tmp_path / "a.csv"
    f.write_text(
        "工单编号,诉求类别,来电时间,诉求内容\nC-1,咨询,2024-10-31 08:00,咨询\nC-2,无,2024-10-31,x\n"
    )
    call_command("disputes", "import-hotline", world.township_a.code, str(f), "--user", "clerk_a")
    out = capsys.readouterr().out
    assert "第3行" in out and "新增 1 件" in out
    call_command("disputes", "list", "dispute", "--unit", "甲镇")
    assert d.number in capsys.readouterr().out
    call_command("disputes", "export", "hotline", "甲镇", "--out", str(tmp_path / "h.xlsx"))
    assert (tmp_path / "h.xlsx").stat().st_size > 1000
    with pytest.raises(CommandError, match="找不到单位"):
        call_command("disputes", "export", "hotline", "无此镇", "--out", str(tmp_path / "x.xlsx"))
    appeal(world, "Z-1")
    call_command("disputes", "committees")
    assert "个调委会" in capsys.readouterr().out
