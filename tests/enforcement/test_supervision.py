"""行政执法监督 ledgers: 案卷评查 (findings become oversight rectifications through its
service), 行政裁量权基准, 人大代表政协委员监督, 执法人员培训考试; their indicators and
the report's 加强行政执法监督 sentences."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

import fazhi.enforcement.report  # noqa: F401  (registers the indicators)
from fazhi.core.errors import InvalidInput
from fazhi.enforcement import services
from fazhi.enforcement.ledgers import VISIT
from fazhi.enforcement.models import SupervisionVisit
from fazhi.indicators import registry
from fazhi.ledgers import importing
from fazhi.oversight.models import InspectionKind, Rectification, RectificationStatus
from fazhi.reports import figures, voice
from fazhi.reports.contrib import REGISTRY, Context

from .helpers import case, officers

pytestmark = pytest.mark.django_db
Y = 2024


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(Y + 1, 1, 15, 10, 0), tick=False):
        yield


def review_raw(**over):
    raw = {
        "year": str(Y),
        "reviewed_on": f"{Y}-11-20",
        "reviewer": "县司法局",
        "files_reviewed": "10",
        "files_excellent": "6",
        "files_qualified": "3",
        "files_failed": "1",
        "average_score": "88.5",
        "findings": "案卷装订不规范\n裁量理由未载明",
        "rectify_owner": "执法队长",
    }
    raw.update(over)
    return raw


def test_a_review_by_the_unit_itself_makes_a_self_check_with_its_findings(world, frozen):
    review = services.create_case_review(
        unit=world.township_a, actor=world.clerk_a, raw=review_raw()
    )
    assert review.grade == "qualified"  # from the score, none given
    insp = review.inspection
    assert insp.kind == InspectionKind.SELF_CHECK and insp.target == world.township_a
    found = list(Rectification.objects.filter(inspection=insp).order_by("number"))
    assert [r.problem for r in found] == ["案卷装订不规范", "裁量理由未载明"]
    assert all(r.owner_name == "执法队长" and r.status == RectificationStatus.OPEN for r in found)
    # an edit adds a new finding only; the ones kept are not repeated
    review = services.update_case_review(
        review,
        actor=world.clerk_a,
        raw=review_raw(findings="案卷装订不规范\n裁量理由未载明\n送达回证缺失", grade="合格"),
    )
    assert Rectification.objects.filter(inspection=insp).count() == 3
    assert review.inspection_id == insp.pk
    # the edit form comes back without an owner: kept findings need none
    from fazhi.enforcement.ledgers import CASE_REVIEW
    from fazhi.ledgers.pages import initial

    form = initial(CASE_REVIEW, review, CASE_REVIEW.edit_fields)
    assert form["rectify_owner"] == ""
    review = services.update_case_review(review, actor=world.clerk_a, raw={**form, "notes": "复查"})
    assert review.notes == "复查" and Rectification.objects.filter(inspection=insp).count() == 3
    with pytest.raises(InvalidInput, match="整改责任人"):
        services.update_case_review(
            review, actor=world.clerk_a, raw={**form, "findings": form["findings"] + "\n新问题"}
        )


def test_a_county_review_of_a_township_is_a_supervision(world, frozen):
    review = services.create_case_review(
        unit=world.township_a, actor=world.supervisor, raw=review_raw()
    )
    assert review.inspection.kind == InspectionKind.SUPERVISION
    assert review.inspection.unit == world.county
    assert Rectification.objects.filter(unit=world.township_a).count() == 2


@pytest.mark.parametrize(
    "over, reason",
    [
        ({"files_excellent": "9", "files_failed": "5"}, "之和不能超过"),
        ({"average_score": "", "grade": ""}, "评查等次或平均得分"),
        ({"average_score": "120"}, "0至100"),
        ({"rectify_owner": ""}, "整改责任人"),
        ({"reviewed_on": f"{Y + 3}-01-01"}, "不能晚于今天"),
        ({"grade": "很好"}, "评查等次"),
    ],
)
def test_review_refusals(world, frozen, over, reason):
    with pytest.raises(InvalidInput, match=reason):
        services.create_case_review(
            unit=world.township_a, actor=world.clerk_a, raw=review_raw(**over)
        )


def test_review_cases_must_be_the_units_and_outsiders_are_refused(world, frozen):
    c = case(world, opened=f"{Y}-06-03")
    review = services.create_case_review(
        unit=world.township_a, actor=world.clerk_a, raw=review_raw(cases=[str(c.pk)])
    )
    assert list(review.cases.all()) == [c]
    with pytest.raises(InvalidInput, match="抽查的执法案件"):
        services.create_case_review(
            unit=world.township_b, actor=world.supervisor, raw=review_raw(cases=[str(c.pk)])
        )
    with pytest.raises(PermissionDenied):
        services.create_case_review(unit=world.township_a, actor=world.clerk_b, raw=review_raw())


def test_standard_visit_and_training_rules(world, frozen):
    a, clerk = world.township_a, world.clerk_a
    raw = {"title": "安全生产裁量基准", "sector": "安全生产", "adopted_on": f"{Y}-03-01"}
    s = services.create_standard(unit=a, actor=clerk, raw=raw)
    assert s.sector == "safety" and s.status == "current"
    with pytest.raises(InvalidInput, match="已登记"):
        services.create_standard(unit=a, actor=clerk, raw=raw)
    with pytest.raises(InvalidInput, match="修订日期不能早于制定日期"):
        services.update_standard(s, actor=clerk, raw={**raw, "revised_on": f"{Y}-01-01"})
    s = services.update_standard(
        s, actor=clerk, raw={**raw, "revised_on": f"{Y}-09-01", "status": "已修订"}
    )
    assert s.status == "revised" and s.version == 1
    visit = {"held_on": f"{Y}-06-01", "kind": "视察", "subject": "视察执法"}
    with pytest.raises(InvalidInput, match="人大代表或政协委员"):
        services.create_visit(unit=a, actor=clerk, raw=visit)
    v = services.create_visit(unit=a, actor=clerk, raw={**visit, "deputies": "4"})
    assert v.kind == "inspection" and v.members == 0
    t = {"held_on": f"{Y}-04-01", "title": "执法培训", "attendees": "30"}
    with pytest.raises(InvalidInput, match="仅资格考试"):
        services.create_staff_training(unit=a, actor=clerk, raw={**t, "passed": "20"})
    with pytest.raises(InvalidInput, match="不能超过参考人数"):
        services.create_staff_training(
            unit=a, actor=clerk, raw={**t, "is_exam": "是", "passed": "31"}
        )
    with pytest.raises(InvalidInput, match="县\\(区\\)或乡镇"):
        services.create_visit(unit=world.village_a, actor=world.admin_a, raw=visit)


def test_visits_imported_from_a_file_and_a_second_import_is_a_no_op(world, frozen):
    data = (
        "日期,形式,监督事项,人大代表,政协委员\n"
        f"{Y}-05-10,视察,视察城管执法,5,3\n"
        f"{Y}-09-10,旁听,旁听听证会,2,0\n"
    ).encode()
    run = importing.run(
        VISIT, root=world.township_a, actor=world.clerk_a, data=data, filename="v.csv"
    )
    assert run.ok and run.created == 2, run.as_dict()
    again = importing.run(
        VISIT, root=world.township_a, actor=world.clerk_a, data=data, filename="v.csv"
    )
    assert again.created == 0 and again.skipped == 2
    bad = f"日期,形式,监督事项\n{Y}-05-11,参观,走访\n".encode()
    result = importing.run(
        VISIT, root=world.township_a, actor=world.clerk_a, data=bad, filename="b.csv"
    )
    assert not result.ok and SupervisionVisit.objects.count() == 2


def test_indicators_and_the_supervision_sentences(world, frozen):
    a, clerk = world.township_a, world.clerk_a
    review = services.create_case_review(unit=a, actor=clerk, raw=review_raw())
    first = Rectification.objects.get(inspection=review.inspection, number=1)
    Rectification.objects.filter(pk=first.pk).update(status=RectificationStatus.SIGNED_OFF)
    services.create_standard(
        unit=a,
        actor=clerk,
        raw={"title": "安全生产裁量基准", "sector": "safety", "adopted_on": f"{Y}-03-01"},
    )
    services.create_standard(  # adopted earlier, revised this year: counted
        unit=a,
        actor=clerk,
        raw={
            "title": "生态环境裁量基准",
            "sector": "environment",
            "adopted_on": f"{Y - 2}-03-01",
            "revised_on": f"{Y}-08-01",
        },
    )
    services.create_standard(  # neither adopted nor revised this year: not counted
        unit=a,
        actor=clerk,
        raw={"title": "交通运输裁量基准", "sector": "transport", "adopted_on": f"{Y - 1}-03-01"},
    )
    for held, kind, d, m, o in ((f"{Y}-05-10", "视察", 5, 3, 4), (f"{Y}-09-10", "旁听", 2, 0, 0)):
        services.create_visit(
            unit=a,
            actor=clerk,
            raw={
                "held_on": held,
                "kind": kind,
                "subject": "监督执法",
                "deputies": d,
                "members": m,
                "opinions": o,
            },
        )
    services.create_staff_training(
        unit=a, actor=clerk, raw={"held_on": f"{Y}-04-01", "title": "培训", "attendees": "30"}
    )
    services.create_staff_training(
        unit=a,
        actor=clerk,
        raw={
            "held_on": f"{Y}-10-01",
            "title": "考试",
            "is_exam": "是",
            "attendees": "12",
            "passed": "11",
        },
    )
    officers(world)  # the ledger is kept (certificates in force)
    values = registry.compute(a, Y, fresh=True)
    ctx = Context(a, Y, values, voice.for_unit(a), {})
    assert ctx.n("enforcement.files_reviewed") == 10
    assert ctx.n("enforcement.files_excellent_rate") == 60
    assert ctx.n("enforcement.review_findings") == 2
    assert ctx.n("enforcement.review_findings_closed") == 1
    assert ctx.n("enforcement.discretion_standards") == 2
    assert ctx.n("enforcement.supervision_deputies") == 7
    assert ctx.n("enforcement.exam_passed") == 11
    point = next(
        p for p in REGISTRY["enforcement"].points(ctx) if p.key == "enforcement.supervision"
    )
    text = figures.plain(point.text, ctx.values, {})
    assert text == (
        "组织开展行政执法案卷评查1次，评查执法案卷10卷，其中优秀6卷、合格3卷、不合格1卷，"
        "优秀率60%；评查发现问题2个，均已列入整改台账，已整改销号1个。"
        "制定（修订）行政裁量权基准2项，涵盖安全生产和生态环境等领域，规范行政裁量权行使。"
        "邀请人大代表、政协委员对行政执法工作开展视察、旁听等监督活动2次，"
        "参加人大代表7人次、政协委员3人次，提出意见建议4条。"
        "组织行政执法人员培训1期，培训执法人员30人次；组织执法资格考试1次，参考12人次、合格11人。"
    ), text
    short = [f.key for f in REGISTRY["enforcement"].shortfalls(ctx)]
    assert "indicator:enforcement.files_failed" in short


def test_no_supervision_sentence_from_empty_ledgers(world, frozen):
    officers(world)
    ctx = Context(
        world.township_a,
        Y,
        registry.compute(world.township_a, Y, fresh=True),
        voice.for_unit(world.township_a),
        {},
    )
    assert not [
        p for p in REGISTRY["enforcement"].points(ctx) if p.key == "enforcement.supervision"
    ]
    assert not ctx.ok("enforcement.files_failed")


def test_responsibility_posts_with_their_items_and_the_sentence(world, frozen):
    from fazhi.enforcement.ledgers import RESPONSIBILITY
    from fazhi.ledgers.pages import initial

    a, clerk = world.township_a, world.clerk_a
    cert = officers(world)[0]
    raw = {
        "post": "安全生产执法岗",
        "person_name": "张执法",
        "certificate": cert.number,
        "sector": "safety",
        "items": "安全生产监督检查\n安全生产违法行为行政处罚\n",
        "assigned_on": f"{Y}-02-01",
    }
    r = services.create_responsibility(unit=a, actor=clerk, raw=raw)
    assert r.certificate == cert and r.item_list == [
        "安全生产监督检查",
        "安全生产违法行为行政处罚",
    ]
    # the edit form hands the certificate back by id; kept as it was
    form = initial(RESPONSIBILITY, r, RESPONSIBILITY.edit_fields)
    r = services.update_responsibility(r, actor=clerk, raw={**form, "post": "安全生产执法一岗"})
    assert r.certificate == cert and r.post == "安全生产执法一岗"
    with pytest.raises(InvalidInput, match="不存在或不属于本县"):
        services.create_responsibility(unit=a, actor=clerk, raw={**raw, "certificate": "X-404"})
    with pytest.raises(InvalidInput, match="执法事项"):
        services.create_responsibility(unit=a, actor=clerk, raw={**raw, "items": " \n "})
    services.create_responsibility(  # ended before the year: not counted
        unit=a,
        actor=clerk,
        raw={
            **raw,
            "post": "旧岗位",
            "assigned_on": f"{Y - 2}-01-01",
            "ended_on": f"{Y - 1}-06-30",
        },
    )
    ctx = Context(a, Y, registry.compute(a, Y, fresh=True), voice.for_unit(a), {})
    assert ctx.n("enforcement.responsibility_posts") == 1
    point = next(
        p for p in REGISTRY["enforcement"].points(ctx) if p.key == "enforcement.supervision"
    )
    assert figures.plain(point.text, ctx.values, {}) == (
        "落实行政执法责任制，明确执法岗位1个、执法事项2项，执法责任落实到岗到人。"
    )
