"""Excel imports: sign-in sheets, rosters and exam results; bad rows write nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from fazhi.core.errors import InvalidInput
from fazhi.learning import importers, services
from fazhi.learning.models import Attendance, Cadre, ExamResult

from .helpers import cadre, session, xlsx

pytestmark = pytest.mark.django_db


def test_sign_in_sheet_credits_the_named_cadres(world):
    cadre(world, name="王伟", post="镇长")
    cadre(world, name="李娜")
    s = session(world, date=dt.date(2024, 3, 1), hours="3")
    data = xlsx([["序号", "姓名", "职务", "学时"], [1, "王伟", "镇长", None], [2, "李娜", "", 1.5]])
    assert importers.import_sign_in(s, data, "签到表.xlsx", actor=world.clerk_a) == 2
    hours = dict(Attendance.objects.values_list("cadre__name", "hours"))
    assert hours == {"王伟": Decimal("3.0"), "李娜": Decimal("1.5")}
    assert set(Attendance.objects.values_list("source", flat=True)) == {"sheet"}


def test_sign_in_sheet_with_bad_rows_writes_nothing(world):
    cadre(world, name="王伟")
    cadre(world, name="张三", post="科员")
    cadre(world, name="张三", post="司法所长")
    cadre(world, name="乙乡的人", unit=world.township_b)
    s = session(world, date=dt.date(2024, 3, 1), hours="2")
    data = xlsx(
        [
            ["姓名", "职务", "学时"],
            ["王伟", "", 2],
            ["查无此人", "", 2],
            ["张三", "", 2],
            ["乙乡的人", "", 2],
            ["王伟", "", "两小时"],
            ["王伟", "", 5],
        ]
    )
    with pytest.raises(importers.ImportFailed) as exc:
        importers.import_sign_in(s, data, "签到表.xlsx", actor=world.clerk_a)
    messages = [str(e) for e in exc.value.errors]
    assert "第3行“姓名”：“查无此人”不在本单位在职干部名单中" in messages
    assert any(m.startswith("第4行") and "重名" in m for m in messages)
    assert any(m.startswith("第5行") for m in messages)  # another township's cadre
    assert any(m.startswith("第6行“学时”") for m in messages)
    assert any(m.startswith("第7行") and "不能超过" in m for m in messages)
    assert Attendance.objects.count() == 0


def test_sign_in_sheet_as_csv_in_gbk(world):
    cadre(world, name="王伟")
    s = session(world, date=dt.date(2024, 3, 1))
    data = "姓名\n王伟\n".encode("gb18030")
    assert importers.import_sign_in(s, data, "qd.csv", actor=world.clerk_a) == 1


def test_not_a_spreadsheet_is_refused(world):
    s = session(world, date=dt.date(2024, 3, 1))
    with pytest.raises(InvalidInput, match="请上传"):
        importers.import_sign_in(s, b"%PDF-1.4 nonsense", "a.pdf", actor=world.clerk_a)
    with pytest.raises(InvalidInput, match="缺少必需的列：姓名"):
        importers.import_sign_in(s, xlsx([["名字"], ["王伟"]]), "a.xlsx", actor=world.clerk_a)


def test_roster_import(world):
    data = xlsx(
        [
            ["姓名", "职务", "领导干部", "班子成员"],
            ["王伟", "镇长", "是", "是"],
            ["李娜", "科员", "否", ""],
        ]
    )
    assert importers.import_roster(world.township_a, data, "名册.xlsx", actor=world.clerk_a) == 2
    assert Cadre.objects.get(name="王伟").in_leadership_group
    bad = xlsx([["姓名", "职务", "领导干部"], ["赵六", "科员", "也许"], ["王伟", "镇长", "是"]])
    with pytest.raises(importers.ImportFailed) as exc:
        importers.import_roster(world.township_a, bad, "名册.xlsx", actor=world.clerk_a)
    assert {e.row for e in exc.value.errors} == {2, 3}
    assert Cadre.objects.count() == 2


def test_exam_results_import(world):
    for name in ("王伟", "李娜", "赵六", "孙七"):
        cadre(world, name=name)
    data = xlsx(
        [
            ["姓名", "单位", "学习积分", "考试成绩"],
            ["王伟", "甲镇", 120, 96],
            ["李娜", "甲镇", 80, 72],
            ["赵六", "甲镇", 30, None],
        ]
    )
    assert (
        importers.import_exam(world.township_a, 2024, data, "成绩.xlsx", actor=world.clerk_a) == 3
    )
    r = services.exam_rates(world.township_a, 2024)
    assert (r.cadres, r.studied, r.took, r.passed, r.excellent) == (4, 3, 2, 2, 1)
    # Re-importing replaces, not duplicates.
    importers.import_exam(world.township_a, 2024, data, "成绩.xlsx", actor=world.clerk_a)
    assert ExamResult.objects.count() == 3


def test_exam_import_with_bad_rows_writes_nothing(world):
    cadre(world, name="王伟")
    data = xlsx(
        [["姓名", "参考", "成绩"], ["王伟", "是", 101], ["无名", "是", 80], ["王伟", "是", None]]
    )
    with pytest.raises(importers.ImportFailed) as exc:
        importers.import_exam(world.township_a, 2024, data, "成绩.xlsx", actor=world.clerk_a)
    rows = sorted({e.row for e in exc.value.errors})
    assert rows == [2, 3, 4]
    assert ExamResult.objects.count() == 0
