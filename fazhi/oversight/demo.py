"""Demo: each township's leading group, heads' duty reports and funding, and one county
inspection (督察) with 5–10 findings in various states of rectification."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from fazhi.core import demo, workdays
from fazhi.core.models import Attachment

from .models import (
    DutyReport,
    Funding,
    FundingKind,
    Inspection,
    InspectionKind,
    LeadingGroup,
    LeadingGroupMember,
    MemberRole,
    Rectification,
    RectificationStatus,
)

PROBLEMS = [
    "重大行政决策目录未按时公开",
    "规范性文件备案超过法定期限",
    "行政执法公示信息更新不及时",
    "村法律顾问坐班记录不完整",
    "领导干部学法台账缺少签到记录",
    "合同合法性审查意见未归档",
    "矛盾纠纷排查台账未按月更新",
    "普法责任清单未公开",
    "法治建设年度报告未按时公开",
    "执法案卷全过程记录资料缺失",
]
SURNAMES = "王李张刘陈杨黄赵周吴"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _attach(obj, name: str) -> None:
    att = Attachment(
        unit=obj.unit,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        original_name=name,
        kind="png",
        size=len(PNG),
        sha256=hashlib.sha256(PNG).hexdigest(),
        description="整改证明材料",
    )
    att.file.save("upload", ContentFile(PNG), save=False)
    att.save()


# Each head's own year (section three of the annual report is written from these):
# different topics and study sessions, so no sentence is shared between the two heads.
DUTY = [
    {  # the party secretary
        "topics": [
            "听取法治建设工作领导小组年度工作汇报",
            "专题研究法治督察反馈问题整改",
            "部署年度普法依法治理工作",
        ],
        "study": [
            (3, 16, "{party}理论学习中心组学法", "习近平法治思想"),
            (6, 18, "{party}理论学习中心组学法", "宪法"),
            (9, 17, "{party}理论学习中心组学法", "信访工作条例"),
        ],
        "report": "本人认真履行推进法治建设第一责任人职责，把法治建设纳入班子重要议事日程……",
    },
    {  # the head of the government (镇长, 乡长, 主任)
        "topics": [
            "听取法治政府建设工作汇报",
            "专题研究重大行政决策合法性审查",
            "研究落实行政执法“三项制度”",
            "部署村（社区）法律顾问履职考核",
        ],
        "study": [
            (4, 14, "会前学法", "行政处罚法"),
            (7, 15, "会前学法", "民法典"),
            (10, 13, "会前学法", "行政复议法"),
            (11, 17, "会前学法", "优化营商环境条例"),
        ],
        "report": "本人坚持依法行政，带头尊法学法守法用法，严格落实重大行政决策程序……",
    },
]


def head_posts(unit) -> tuple[str, str]:
    """The two heads' posts in the unit's own words (党委书记/镇长, 党工委书记/办事处主任 …)."""
    if unit.kind == "subdistrict":
        return "党工委书记", "办事处主任"
    if unit.kind == "development_zone":
        return "党工委书记", "管委会主任"
    return "党委书记", "乡长" if unit.name.endswith("乡") else "镇长"


def _duty_report_day(year: int, today: dt.date) -> dt.date | None:
    """The heads' year-end 述法: 20 December, or — when the demo is built in December
    before that day — a working day earlier in December; none before December."""
    day = dt.date(year, 12, 20)
    if day <= today:
        return day
    if today.year == year and today.month == 12:
        day = today - dt.timedelta(days=2)
        while not workdays.is_working_day(day):
            day -= dt.timedelta(days=1)
        if day.month == 12:
            return day
    return None


@dataclass(frozen=True)
class DemoInspection:
    """One inspection the demo holds in every township's year, with its findings (the
    first signed off, the others in progress); no ``rng``."""

    kind: str
    month_day: tuple[int, int]
    title: str  # "{year}…"
    team: str
    summary: str
    problems: tuple[str, ...]
    requirement: str
    owner_name: str
    measures: str
    days: int


SELF_CHECK = DemoInspection(
    kind=InspectionKind.SELF_CHECK,
    month_day=(6, 15),
    title="{year}年上半年法治建设自查",
    team="司法所、党政办",
    summary="对照年度法治建设工作要点逐项自查。",
    problems=("部分村（社区）普法宣传栏内容更新不及时", "行政执法案卷装订归档不规范"),
    requirement="限期整改。",
    owner_name="司法所所长",
    measures="制定整改方案，逐项落实。",
    days=30,
)
PATROL = DemoInspection(
    kind=InspectionKind.PATROL,
    month_day=(4, 20),
    title="{year}年度常规巡察",
    team="县委第二巡察组",
    summary="听取工作汇报、个别谈话、调阅资料，反馈问题3个。",
    problems=(
        "落实党政主要负责人履行推进法治建设第一责任人职责不够到位",
        "重大行政决策合法性审查程序执行不严格",
        "基层矛盾纠纷排查台账不完整",
    ),
    requirement="按巡察反馈意见限期整改，整改情况报县委巡察办。",
    owner_name="党委副书记",
    measures="召开巡察整改专题会议，制定整改方案，逐项落实。",
    days=60,
)


def _inspection(spec: DemoInspection, t, year: int, today: dt.date, user, *, by=None) -> None:
    """``spec`` carried out on township ``t`` by ``by`` (a county: a 巡察 by the county's
    team, signed off by ``user``) or by ``t`` itself (``user`` owns the findings)."""
    date = workdays.next_working_day(dt.date(year, *spec.month_day))
    if date > today:
        return
    inspection = Inspection.objects.create(
        unit=by or t,
        target=t,
        kind=spec.kind,
        year=year,
        date=date,
        title=spec.title.format(year=year),
        team=spec.team,
        summary=spec.summary,
        created_by=user,
    )
    for i, problem in enumerate(spec.problems, start=1):
        deadline = workdays.add_working_days(date, spec.days)
        done = i == 1
        Rectification.objects.create(
            unit=t,
            inspection=inspection,
            number=i,
            problem=problem,
            requirement=spec.requirement,
            owner_name=spec.owner_name,
            owner_user=None if by else user,
            deadline=deadline.date,
            deadline_provisional=deadline.provisional,
            status=RectificationStatus.SIGNED_OFF if done else RectificationStatus.IN_PROGRESS,
            measures=spec.measures,
            evidence_note="已完成整改。" if done else "",
            submitted_on=deadline.date if done else None,
            signed_off_on=deadline.date if done else None,
            signed_off_by=user if done and by else None,
            version=3 if done else 1,
        )


@demo.register(order=70)
def gen(ctx):
    rng = ctx.rng
    year = ctx.year
    today = timezone.localdate()
    county_user = ctx.users.get("county")
    for t in ctx.townships:
        party, head = head_posts(t)
        secretary, mayor = rng.choice(SURNAMES) + "书记", rng.choice(SURNAMES) + head
        if mayor[0] == secretary[0]:  # two heads, two people: never the same "某某"
            mayor = SURNAMES[(SURNAMES.index(mayor[0]) + 1) % len(SURNAMES)] + head
        group = LeadingGroup.objects.create(
            unit=t,
            year=year,
            name="法治建设工作领导小组",
            doc_number=f"{t.name[:2]}发〔{year}〕{rng.randrange(3, 20)}号",
            established_on=dt.date(year, 2, 20),
            office="司法所",
            office_director=rng.choice(SURNAMES) + "所长",
            duties="统筹推进本单位法治建设，研究解决法治建设中的重大问题。",
        )
        members = [
            (MemberRole.LEADER, secretary[0] + "某", party),
            (MemberRole.DEPUTY, mayor[0] + "某", head),
            (MemberRole.DEPUTY, rng.choice(SURNAMES) + "某", "分管政法副职"),
        ]
        members += [
            (MemberRole.MEMBER, rng.choice(SURNAMES) + "某", post)
            for post in ("司法所所长", "党政办主任", "综治中心主任", "派出所所长")
        ]
        for i, (role, name, post) in enumerate(members):
            LeadingGroupMember.objects.create(
                group=group, unit=t, role=role, name=name, post=post, order=i
            )
        reported_on = _duty_report_day(year, today)
        for k, (name, post) in enumerate(((secretary[0] + "某", party), (mayor[0] + "某", head))):
            own = DUTY[k]
            DutyReport.objects.create(
                unit=t,
                year=year,
                person_name=name,
                post=post,
                study="\n".join(
                    f"{year}-{m:02d}-{d:02d} {form.format(party=party[:-2])}：{law}"
                    for m, d, form, law in own["study"]
                ),
                topics="\n".join(own["topics"]),
                report_text=own["report"] if reported_on else "",
                report_date=reported_on,
            )
        for kind, item, amount in (
            (FundingKind.PUBLICITY, "普法宣传经费", 30000),
            (FundingKind.RULE_OF_LAW, "法治建设工作经费", 50000),
            (FundingKind.ADVISERS, "村(社区)法律顾问经费", 12000 * len(ctx.villages[t.pk])),
        ):
            Funding.objects.create(
                unit=t,
                year=year,
                kind=kind,
                item=item,
                amount=Decimal(amount),
                spent=Decimal(int(amount * rng.uniform(0.4, 0.95))),
            )
        # One county inspection with 5–10 findings in various states.
        date = workdays.next_working_day(min(today - dt.timedelta(days=60), dt.date(year, 9, 10)))
        inspection = Inspection.objects.create(
            unit=ctx.county,
            target=t,
            kind=InspectionKind.SUPERVISION,
            year=date.year,
            date=date,
            title=f"{date.year}年度法治政府建设督察（{t.name}）",
            team="县依法治县办督察组",
            summary="对照法治政府建设实施纲要和年度工作要点，查阅台账资料、现场检查。",
            created_by=county_user,
        )
        n = rng.randrange(5, 11)
        problems = rng.sample(PROBLEMS, n)
        owner = ctx.users.get("clerk_df") if t.code == "990101" else None
        states = [
            RectificationStatus.SIGNED_OFF,
            RectificationStatus.SUBMITTED,
            RectificationStatus.IN_PROGRESS,
            RectificationStatus.OPEN,
        ]
        for i, problem in enumerate(problems, start=1):
            status = states[i % len(states)] if i > 1 else RectificationStatus.SIGNED_OFF
            deadline = workdays.add_working_days(date, rng.choice([20, 30, 60, 90]))
            r = Rectification.objects.create(
                unit=t,
                inspection=inspection,
                number=i,
                problem=problem,
                requirement="限期整改，整改完成后报送整改材料申请销号。",
                owner_name=rng.choice(SURNAMES) + "某（分管领导）",
                owner_user=owner,
                deadline=deadline.date,
                deadline_provisional=deadline.provisional,
                status=status,
                measures=""
                if status == RectificationStatus.OPEN
                else "制定整改方案，明确责任人和时限，逐项落实。",
                evidence_note="已完成整改并建立长效机制。"
                if status in (RectificationStatus.SUBMITTED, RectificationStatus.SIGNED_OFF)
                else "",
                submitted_on=min(deadline.date, today)
                if status in (RectificationStatus.SUBMITTED, RectificationStatus.SIGNED_OFF)
                else None,
                signed_off_on=min(deadline.date, today)
                if status == RectificationStatus.SIGNED_OFF
                else None,
                signed_off_by=county_user if status == RectificationStatus.SIGNED_OFF else None,
                version=[
                    RectificationStatus.OPEN,
                    RectificationStatus.IN_PROGRESS,
                    RectificationStatus.SUBMITTED,
                    RectificationStatus.SIGNED_OFF,
                ].index(status),
            )
            if status in (RectificationStatus.SUBMITTED, RectificationStatus.SIGNED_OFF):
                _attach(r, f"整改材料-问题{i}.png")
        if ctx.townships.index(t) % 2 == 0:
            _inspection(SELF_CHECK, t, year, today, owner)
        else:
            _inspection(PATROL, t, year, today, county_user, by=ctx.county)
    ctx.log(
        "督察整改：领导小组、第一责任人述法、经费保障，每个乡镇一次县级督察及其整改，"
        "隔一个乡镇一次自查或县委巡察"
    )
