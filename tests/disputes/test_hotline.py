"""Hotline appeals: working-day deadlines per category, import, send back and escalation."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook

from fazhi.core.errors import InvalidInput
from fazhi.core.models import Notification
from fazhi.disputes.models import HotlineAppeal, HotlineCategory
from fazhi.disputes.services import hotline as hs

from .helpers import appeal

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2024, 10, 12, 10), tick=False)
def test_deadline_in_working_days_per_category(world):
    # Received Friday 27 Sept 2024: 29 Sept (make-up Sunday) and 30 Sept are working days.
    assert appeal(world, "A1", category="咨询").deadline == dt.date(2024, 9, 30)
    # 15 working days: 29, 30 Sept, then 8–11, 12 (make-up Saturday), 14–18, 21–23 Oct.
    assert appeal(world, "A2", category="投诉").deadline == dt.date(2024, 10, 23)
    cat = HotlineCategory.objects.get(name="建议")
    cat.deadline_days = 3
    cat.save()
    assert appeal(world, "A3", category="建议").deadline == dt.date(2024, 10, 8)
    with pytest.raises(InvalidInput, match="已存在"):
        appeal(world, "A1")


def test_sign_reply_complete_rate(world):
    h = appeal(world, "B1", received_at="2024-09-27T10:00:00")
    h = hs.act(h, "sign", user=world.clerk_a)
    assert h.status == "signed" and h.handler == world.clerk_a
    h = hs.act(h, "reply", user=world.clerk_a, data={"reply": "已修复"})
    h = hs.act(h, "complete", user=world.clerk_a)
    h = hs.act(h, "rate", user=world.clerk_a, data={"satisfaction": "satisfied"})
    assert h.status == "completed" and h.satisfied and h.closed_on and h.due_date is None


def test_sent_back_three_times_is_escalated_to_the_supervisor(world):
    h = appeal(world, "C1")
    h = hs.act(h, "sign", user=world.clerk_a)
    for n in range(1, 4):
        h = hs.act(h, "reply", user=world.clerk_a, data={"reply": f"第{n}次答复"})
        h = hs.act(h, "send_back", user=world.clerk_a, data={"reason": "市民不满意"})
        assert h.redo_count == n and h.status == "signed"
        assert h.escalated is (n >= 3)
    assert h.supervised
    notes = Notification.objects.filter(kind="escalation")
    # Township A's admin and the county supervisor are told; the clerk (no supervise) is not.
    assert set(notes.values_list("user_id", flat=True)) == {world.admin_a.pk, world.supervisor.pk}
    assert "C1" in notes.first().items[0]["label"]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["工单编号", "热线", "诉求类别", "来电时间", "来电人", "联系电话", "诉求内容", "村(社区)"]
    )
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@time_machine.travel(dt.datetime(2024, 11, 1, 10), tick=False)
def test_import_reports_bad_rows_and_is_idempotent(world):
    data = _xlsx(
        [
            [
                "8890-001",
                "8890",
                "投诉",
                "2024-10-08 09:30",
                "甲",
                "13812345678",
                "噪音扰民",
                "甲村",
            ],
            ["8890-002", "8890", "未知类别", "2024-10-08 09:30", "乙", "", "内容", ""],
            ["8890-003", "8890", "咨询", "不是日期", "丙", "", "内容", ""],
            ["8890-004", "8890", "咨询", "2024-10-09", "丁", "12345", "内容", ""],
            ["8890-001", "8890", "咨询", "2024-10-09", "戊", "", "重复", ""],
            ["8890-005", "8890", "求助", "2024-10-09", "己", "", "", ""],
            ["8890-006", "8890", "建议", "2024-10-10 15:00", "庚", "", "建议增设路灯", "不存在村"],
            [
                "8890-007",
                "12345",
                "建议",
                "2024-10-10 15:00",
                "辛",
                "0571-88886666",
                "建议增设路灯",
                "",
            ],
        ]
    )
    result = hs.import_appeals(
        actor=world.clerk_a, unit=world.township_a, data=data, filename="export.xlsx"
    )
    assert result.created == 2 and result.unchanged == 0
    text = "\n".join(result.errors)
    for row in (3, 4, 5, 6, 7, 8):
        assert f"第{row}行" in text, text
    assert "诉求类别无效" in text and "重复" in text and "不能为空" in text and "不在本乡镇" in text
    h = HotlineAppeal.objects.get(number="8890-001")
    assert h.village == world.village_a and h.deadline == dt.date(2024, 10, 28)
    again = hs.import_appeals(
        actor=world.clerk_a, unit=world.township_a, data=data, filename="export.xlsx"
    )
    # Nothing changes: the two imported tickets (and the row repeating one of them) are left as they are.
    assert again.created == 0 and again.unchanged == 3
    assert HotlineAppeal.objects.count() == 2


@time_machine.travel(dt.datetime(2024, 11, 1, 10), tick=False)
def test_import_csv_in_gbk_and_hostile_files(world):
    csv = "工单编号,诉求类别,来电时间,诉求内容\nG-1,咨询,2024-10-31 08:00,咨询低保\n".encode(
        "gb18030"
    )
    result = hs.import_appeals(
        actor=world.clerk_a, unit=world.township_a, data=csv, filename="a.csv"
    )
    assert result.created == 1 and not result.errors
    with pytest.raises(InvalidInput, match="缺少必需的列"):
        hs.import_appeals(
            actor=world.clerk_a, unit=world.township_a, data=b"a,b\n1,2\n", filename="x.csv"
        )
    with pytest.raises(InvalidInput):
        hs.import_appeals(
            actor=world.clerk_a, unit=world.township_a, data=b"PK\x03\x04junk", filename="x.xlsx"
        )


def test_dispute_and_petition_ledger_import_all_or_nothing(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.disputes.importers import import_disputes
    from fazhi.disputes.models import Dispute, Petition

    head = "登记日期,村(社区),来源,纠纷类别,纠纷简称,当事人,涉及金额（元）\n"
    good = "2024-03-01,甲村,网格排查,邻里,排水纠纷,张三、李四,1200\n"
    bad = "2024-03-02,甲村,乱填,邻里,x,王五,abc\n2024-03-03,乙村,来访,邻里,y,赵六,0\n"
    result = import_disputes(
        actor=world.clerk_a,
        unit=world.township_a,
        data=(head + good + bad).encode(),
        filename="d.csv",
    )
    text = "\n".join(result.errors)
    assert (
        "第3行“来源”" in text and "第3行“涉及金额（元）”" in text and Dispute.objects.count() == 0
    )
    result = import_disputes(
        actor=world.clerk_a,
        unit=world.township_a,
        data=(head + good + "2024-03-03,乙村,来访,邻里,y,赵六,0\n").encode(),
        filename="d.csv",
    )
    assert result.errors == ["第3行：村(社区)“乙村”不在本乡镇"]
    assert Dispute.objects.count() == 0  # nothing half-imported
    result = import_disputes(
        actor=world.clerk_a, unit=world.township_a, data=(head + good).encode(), filename="d.csv"
    )
    d = Dispute.objects.get()
    assert result.errors == [] and d.parties.count() == 2 and d.village == world.village_a
    r = client_for(world.clerk_a).post(
        "/disputes/petitions/import/",
        {
            "unit": world.township_a.pk,
            "file": SimpleUploadedFile(
                "p.csv",
                "收到日期,信访形式,信访类型,信访人,信访事项\n"
                "2024-05-06,来信,申诉求决,王五,要求修路\n".encode(),
            ),
        },
        follow=True,
    )
    assert "已导入 1 件" in r.content.decode() and Petition.objects.get().matter == "要求修路"
