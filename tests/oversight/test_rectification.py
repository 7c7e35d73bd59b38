"""整改销号: the procedure, who signs off, deadlines in working days, overdue, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core import attachments, reminders
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.core.models import Notification
from fazhi.core.procedures import timeline
from fazhi.core.roles import Role
from fazhi.oversight import services
from fazhi.oversight.models import InspectionKind, Rectification, RectificationStatus
from fazhi.oversight.procedures import RECTIFICATION, run
from tests.factories import member

from .helpers import county_inspection, finding

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def evidence(rect, world):
    attachments.attach(rect, SimpleUploadedFile("整改照片.png", PNG), user=world.clerk_a)


@time_machine.travel("2024-09-27 10:00 +0800", tick=False)
def test_a_county_finding_belongs_to_the_township_and_its_deadline_counts_working_days(world):
    insp = county_inspection(world, date=dt.date(2024, 9, 27))
    assert insp.unit == world.county and insp.target == world.township_a
    r = finding(insp, world, days=5)
    # 9-28 is a make-up working day; 10-1..10-7 National Day.
    assert r.deadline == dt.date(2024, 10, 10) and r.deadline_provisional is False
    assert r.unit == world.township_a and r.number == 1
    assert finding(insp, world).number == 2
    # The township sees the inspection and its findings; a sibling township sees neither.
    assert services.Inspection.objects.visible_to(world.clerk_a).filter(pk=insp.pk).exists()
    assert not services.Inspection.objects.visible_to(world.clerk_b).exists()
    assert Rectification.objects.visible_to(world.clerk_a).count() == 2
    assert Rectification.objects.visible_to(world.clerk_b).count() == 0


def test_only_the_county_opens_a_supervision_and_adds_its_findings(world):
    with pytest.raises(PermissionDenied, match="无权"):
        services.create_inspection(
            actor=world.admin_a,
            kind=InspectionKind.SUPERVISION,
            target=world.township_a,
            date=dt.date(2024, 9, 1),
            title="x",
        )
    insp = county_inspection(world)
    with pytest.raises(PermissionDenied, match="无权"):
        services.add_finding(insp, actor=world.admin_a, problem="p", owner_name="o", days=5)
    with pytest.raises(InvalidInput, match="早于检查日期"):
        finding(insp, world, deadline=dt.date(2024, 1, 1))
    with pytest.raises(InvalidInput, match="不存在或不能办理"):
        finding(insp, world, owner="clerk_b")


@time_machine.travel("2024-10-08 10:00 +0800", tick=False)
def test_the_procedure_through_to_sign_off(world):
    r = finding(county_inspection(world), world, days=20)
    assert [o.transition.action for o in RECTIFICATION.available(r, world.clerk_a)] == ["start"]
    with pytest.raises(TransitionNotAllowed, match="请填写整改措施"):
        run(r, "start", user=world.clerk_a)
    with pytest.raises(PermissionDenied, match="无权"):
        run(r, "start", user=world.supervisor, data={"measures": "m"})
    r = run(r, "start", user=world.clerk_a, data={"measures": "逐项补办备案"})
    assert r.status == RectificationStatus.IN_PROGRESS
    with pytest.raises(TransitionNotAllowed, match="请先上传整改证明材料"):
        run(r, "submit", user=world.clerk_a, data={"evidence_note": "已补办"})
    evidence(r, world)
    with pytest.raises(TransitionNotAllowed, match="整改成效说明"):
        run(r, "submit", user=world.clerk_a)
    r = run(r, "submit", user=world.clerk_a, data={"evidence_note": "已补办备案"})
    assert r.status == RectificationStatus.SUBMITTED and r.submitted_on == dt.date(2024, 10, 8)
    # A 督察 finding is signed off by the inspecting level, not the township's own admin.
    reason = RECTIFICATION.check(r, "sign_off", world.admin_a)
    assert reason == "督察发现的问题由甲县督察人员销号"
    with pytest.raises(TransitionNotAllowed):
        run(r, "sign_off", user=world.admin_a)
    with pytest.raises(TransitionNotAllowed, match="退回理由"):
        run(r, "send_back", user=world.supervisor)
    r = run(r, "send_back", user=world.supervisor, data={"reason": "材料不全"})
    assert r.status == RectificationStatus.IN_PROGRESS and r.return_reason == "材料不全"
    r = run(r, "submit", user=world.clerk_a, data={"evidence_note": "补充了备案回执"})
    r = run(r, "sign_off", user=world.supervisor, expected_version=r.version)
    assert r.status == RectificationStatus.SIGNED_OFF and r.signed_off_by == world.supervisor
    assert [t.action for t in timeline(r)] == ["start", "submit", "send_back", "submit", "sign_off"]
    assert r.history.count() >= 6


@time_machine.travel("2024-10-08 10:00 +0800", tick=False)
def test_a_self_check_is_signed_off_by_the_units_admin(world):
    insp = services.create_inspection(
        actor=world.clerk_a,
        kind=InspectionKind.SELF_CHECK,
        target=world.township_a,
        date=dt.date(2024, 10, 8),
        title="自查",
    )
    assert insp.unit == world.township_a
    r = services.add_finding(
        insp, actor=world.clerk_a, problem="台账缺页", owner_name="张三", days=10
    )
    r = run(r, "start", user=world.clerk_a, data={"measures": "补齐"})
    evidence(r, world)
    r = run(r, "submit", user=world.clerk_a, data={"evidence_note": "已补齐"})
    assert RECTIFICATION.check(r, "sign_off", world.clerk_a) == "自查发现的问题由本单位管理员销号"
    r = run(r, "sign_off", user=world.admin_a)
    assert r.status == RectificationStatus.SIGNED_OFF


def test_stale_version_is_refused(world):
    r = finding(county_inspection(world), world, days=10)
    run(r, "start", user=world.clerk_a, data={"measures": "m"})
    with pytest.raises(Exception, match="已被他人修改"):
        run(r, "submit", user=world.clerk_a, data={"evidence_note": "e"}, expected_version=0)


def test_overdue_is_visible_to_the_county_and_counted(world):
    with time_machine.travel("2024-09-10 10:00 +0800", tick=False):
        insp = county_inspection(world)
        late = finding(insp, world, deadline=dt.date(2024, 9, 30))
        finding(insp, world, deadline=dt.date(2024, 12, 30))
        done = finding(insp, world, deadline=dt.date(2024, 9, 20))
        run(done, "start", user=world.clerk_a, data={"measures": "m"})
        evidence(done, world)
        run(done, "submit", user=world.clerk_a, data={"evidence_note": "e"})
        run(done, "sign_off", user=world.supervisor)
    today = dt.date(2024, 10, 15)
    assert list(Rectification.objects.overdue(today)) == [late]
    rows = {r["unit"].name: r for r in services.by_township(world.supervisor, world.county, today)}
    assert (rows["甲镇"]["total"], rows["甲镇"]["overdue"], rows["甲镇"]["signed_off"]) == (3, 1, 1)
    assert rows["乙乡"]["total"] == 0
    with time_machine.travel("2024-10-15 10:00 +0800", tick=False):
        rate = services.rectification_closed_rate(world.county, 2024)
    assert rate == {"total": 3, "closed": 1, "overdue": 1, "rate": 0.3333}
    assert services.rectification_closed_rate(world.township_b, 2024)["rate"] is None


def test_closed_rate_queries_are_bounded(world, django_assert_max_num_queries):
    insp = county_inspection(world)
    for i in range(10):
        finding(insp, world, problem=f"问题{i}", days=10)
    with django_assert_max_num_queries(1):
        services.rectification_closed_rate(world.county, 2024)


def test_remind_includes_rectifications_due_soon_or_overdue(world):
    owner = member(world.township_a, Role.TOWNSHIP_STAFF, username="owner_a")
    with time_machine.travel("2024-09-10 10:00 +0800", tick=False):
        insp = county_inspection(world)
        overdue = finding(
            insp, world, problem="逾期的问题", deadline=dt.date(2024, 10, 8), owner="owner_a"
        )
        soon = finding(insp, world, problem="快到期的问题", deadline=dt.date(2024, 10, 14))
        finding(insp, world, problem="还早的问题", deadline=dt.date(2024, 11, 30), owner="owner_a")
    today = dt.date(2024, 10, 10)
    items = [i for i in reminders.collect(today) if i.kind == "整改"]
    assert {i.label.split("：")[1].split("（")[0] for i in items} == {"逾期的问题", "快到期的问题"}
    mine = [i for i in reminders.my_work(owner, today) if i.kind == "整改"]
    assert [i.due for i in mine] == [overdue.deadline]
    assert mine[0].assignee_id == owner.pk and mine[0].supervised
    reminders.run(today)
    note = Notification.objects.get(user=owner, day=today)
    assert any("逾期的问题" in i["label"] and i["overdue"] for i in note.items)
    sup = Notification.objects.get(user=world.supervisor, day=today)
    assert [i["label"] for i in sup.items if i["kind"] == "整改"][0].startswith("甲镇")
    assert soon.deadline == dt.date(2024, 10, 14)
