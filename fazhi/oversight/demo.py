"""Demo: each township's leading group, heads' duty reports and funding, and one county
inspection (督察) with 5–10 findings in various states of rectification."""

from __future__ import annotations

import datetime as dt
import hashlib
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


@demo.register(order=70)
def gen(ctx):
    rng = ctx.rng
    year = ctx.year
    today = timezone.localdate()
    county_user = ctx.users.get("county")
    for t in ctx.townships:
        head = (
            "主任"
            if t.kind == "development_zone"
            else ("主任" if t.kind == "subdistrict" else "镇长")
        )
        secretary, mayor = rng.choice(SURNAMES) + "书记", rng.choice(SURNAMES) + head
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
            (MemberRole.LEADER, secretary[0] + "某", "党委书记"),
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
        for name, post in ((secretary[0] + "某", "党委书记"), (mayor[0] + "某", head)):
            reported = dt.date(year, 12, 20) <= today
            DutyReport.objects.create(
                unit=t,
                year=year,
                person_name=name,
                post=post,
                study="\n".join(
                    f"{year}-{m:02d}-15 会前学法：{law}"
                    for m, law in (
                        (3, "宪法"),
                        (6, "行政处罚法"),
                        (9, "民法典"),
                        (11, "信访工作条例"),
                    )
                ),
                topics="听取法治政府建设工作汇报\n研究年度普法依法治理工作要点\n专题研究重大行政决策合法性审查",
                report_text=(
                    "本人认真履行推进法治建设第一责任人职责，带头学法、尊法、守法、用法……"
                    if reported
                    else ""
                ),
                report_date=dt.date(year, 12, 20) if reported else None,
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
    ctx.log("督察整改：领导小组、第一责任人述法、经费保障，每个乡镇一次县级督察及其整改")
