"""巡察 beside 督察 and 自查: the county opens it, its findings are rectified by the
township and signed off by the county; the report counts it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

import fazhi.oversight.report as oreport
from fazhi.core import attachments
from fazhi.core.errors import InvalidInput, TransitionNotAllowed
from fazhi.indicators import registry
from fazhi.oversight import services
from fazhi.oversight.models import InspectionKind, RectificationStatus
from fazhi.oversight.procedures import run
from fazhi.reports import voice
from fazhi.reports.contrib import Context

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _patrol(world, actor=None, target=None):
    return services.create_inspection(
        actor=actor or world.supervisor,
        kind=InspectionKind.PATROL,
        target=target or world.township_a,
        date=dt.date(2024, 4, 22),
        title="2024年度常规巡察",
        team="县委第二巡察组",
    )


def test_only_the_county_opens_a_patrol_of_a_township(world):
    with pytest.raises(PermissionDenied, match="无权在该单位组织巡察"):
        _patrol(world, actor=world.admin_a)
    with pytest.raises(InvalidInput, match="巡察对象应为乡镇"):
        _patrol(world, target=world.village_a)
    with pytest.raises(InvalidInput, match="督察、巡察或自查"):
        services.create_inspection(
            actor=world.supervisor, kind="audit", target=world.township_a,
            date=dt.date(2024, 4, 22), title="x",
        )  # fmt: skip
    insp = _patrol(world)
    assert insp.unit == world.county and insp.get_kind_display() == "巡察"
    assert not services.may_add_findings(world.admin_a, insp)


def test_a_patrol_finding_is_rectified_by_the_township_and_signed_off_by_the_county(world):
    r = services.add_finding(
        _patrol(world), actor=world.supervisor, problem="第一责任人职责落实不到位",
        owner_name="党委副书记", days=30,
    )  # fmt: skip
    assert r.unit == world.township_a
    r = run(r, "start", user=world.clerk_a, data={"measures": "召开专题会议整改"})
    attachments.attach(r, SimpleUploadedFile("整改.png", PNG), user=world.clerk_a)
    r = run(r, "submit", user=world.clerk_a, data={"evidence_note": "已整改"})
    with pytest.raises(TransitionNotAllowed, match="巡察发现的问题由甲县巡察人员销号"):
        run(r, "sign_off", user=world.admin_a)
    r = run(r, "sign_off", user=world.supervisor)
    assert r.status == RectificationStatus.SIGNED_OFF


def test_the_report_counts_and_names_the_patrol(world):
    insp = _patrol(world)
    services.add_finding(insp, actor=world.supervisor, problem="p", owner_name="o", days=30)
    unit = world.township_a
    ctx = Context(unit, 2024, registry.compute(unit, 2024, fresh=True), voice.for_unit(unit))
    assert ctx.values["inspections.patrols"].value == 1
    assert ctx.values["inspections.supervisions"].value == 0
    (point,) = [p for p in oreport.points(ctx) if p.key == "oversight.inspections"]

    def fig(m):
        return registry.format_value(registry.get(m.group(1)), ctx.values[m.group(1)])

    text = re.sub(r"\{\{([\w.]+)\}\}", fig, point.text)
    assert "4月22日，县委第二巡察组对我镇开展“2024年度常规巡察”" in text
    assert "全年接受巡察1次，共发现问题1个" in text
    assert "督察" not in point.lead and "巡察" in point.lead


def test_the_leads_name_only_the_inspections_there_were(world):
    """Neither the point's lead nor the theme's names a 督察 or a 自查 the records lack, and
    a patrol that found nothing is not rectified."""
    from fazhi.reports.drafting import _oversight_lead

    _patrol(world)
    unit = world.township_a
    ctx = Context(unit, 2024, registry.compute(unit, 2024, fresh=True), voice.for_unit(unit))
    (point,) = [p for p in oreport.points(ctx) if p.key == "oversight.inspections"]
    assert point.lead == "开展法治巡察"
    assert _oversight_lead(ctx) == "我镇主动接受上级巡察，以查促改、以改促建。"
    empty = Context(unit, 2023, registry.compute(unit, 2023, fresh=True), voice.for_unit(unit))
    assert _oversight_lead(empty) == ""
