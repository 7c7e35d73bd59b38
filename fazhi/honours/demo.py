"""Demo honours and assessments (after the publicity generator, whose model-village titles
are already honours): per township a few titles won this year and the year before, one
sought, and last year's 法治建设考核 and 依法行政考核 results with ranks among the county's
townships. Fixed rows, no ``rng``: the other generators' data stay as they were."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fazhi.core import demo
from fazhi.disputes.models import Dispute

from .models import (
    Assessment,
    AssessmentKind,
    Grade,
    Honour,
    HonourKind,
    HonourStatus,
    Level,
)
from .services import default_title

# (kind, level, title ("" = by level and kind), village index or None for the township,
#  holder, post, awarded_by, document, (month, day), years back, status)
HONOURS = [
    [
        (
            HonourKind.GOLD_ROOM,
            Level.CITY,
            "",
            0,
            "人民调解委员会",
            "",
            "市司法局",
            "市司发〔{y}〕21号",
            (6, 18),
            0,
            HonourStatus.AWARDED,
        ),
        (
            HonourKind.MODEL_MEDIATOR,
            Level.COUNTY,
            "",
            0,
            "陈秀英",
            "红星村人民调解员",
            "县司法局",
            "县司发〔{y}〕9号",
            (3, 20),
            0,
            HonourStatus.AWARDED,
        ),
        (
            HonourKind.ADVANCED_COLLECTIVE,
            Level.COUNTY,
            "全县平安建设先进集体",
            None,
            "",
            "",
            "县委、县人民政府",
            "县委发〔{y}〕3号",
            (2, 26),
            1,
            HonourStatus.AWARDED,
        ),
        (
            HonourKind.RULE_OF_LAW_TOWNSHIP,
            Level.PROVINCIAL,
            "全省法治乡镇（街道）创建示范单位",
            None,
            "",
            "",
            "省委全面依法治省委员会办公室",
            "",
            (5, 10),
            0,
            HonourStatus.APPLYING,
        ),
    ],
    [
        (
            HonourKind.RULE_OF_LAW_TOWNSHIP,
            Level.CITY,
            "",
            None,
            "",
            "",
            "市委全面依法治市委员会办公室",
            "市法治办〔{y}〕15号",
            (9, 26),
            0,
            HonourStatus.AWARDED,
        ),
        (
            HonourKind.ADVANCED_INDIVIDUAL,
            Level.COUNTY,
            "全县人民调解工作先进个人",
            1,
            "周建国",
            "柳树村党支部书记",
            "县司法局",
            "县司发〔{y}〕30号",
            (12, 28),
            1,
            HonourStatus.AWARDED,
        ),
    ],
    [
        (
            HonourKind.GOLD_ROOM,
            Level.COUNTY,
            "",
            1,
            "“老街坊”调解室",
            "",
            "县司法局",
            "县司发〔{y}〕18号",
            (7, 8),
            0,
            HonourStatus.AWARDED,
        ),
        (
            HonourKind.MODEL_MEDIATOR,
            Level.CITY,
            "全市模范人民调解员",
            0,
            "刘桂兰",
            "东门社区人民调解委员会主任",
            "",
            "",
            (4, 2),
            0,
            HonourStatus.APPLYING,
        ),
    ],
    [
        (
            HonourKind.ADVANCED_COLLECTIVE,
            Level.CITY,
            "全市法治宣传教育先进集体",
            None,
            "",
            "",
            "市委宣传部、市司法局",
            "市司发〔{y}〕40号",
            (8, 12),
            0,
            HonourStatus.AWARDED,
        ),
    ],
]
# last year's 法治建设考核 rank, score, grade; 依法行政考核 score, grade (by township index)
ASSESSED = [
    (3, "92.5", Grade.EXCELLENT, "90.0", Grade.EXCELLENT),
    (1, "96.0", Grade.EXCELLENT, "93.5", Grade.EXCELLENT),
    (2, "94.5", Grade.EXCELLENT, "88.0", Grade.GOOD),
    (4, "85.0", Grade.GOOD, "84.5", Grade.GOOD),
]


@demo.register(order=75)
def gen(ctx) -> None:
    today = timezone.localdate()
    user = ctx.users.get("clerk_df")
    county_body = "县委全面依法治县委员会办公室"
    n = len(ctx.townships)
    made = 0
    for t_index, township in enumerate(ctx.townships):
        villages = ctx.villages[township.pk]
        for kind, level, title, v, holder, post, body, doc, (m, d), back, status in HONOURS[
            t_index % len(HONOURS)
        ]:
            year = ctx.year - back
            day = min(dt.date(year, m, d), today)
            unit = villages[v] if v is not None and v < len(villages) else township
            if holder == "人民调解委员会":
                holder = unit.name + holder
            won = status == HonourStatus.AWARDED
            Honour.objects.create(
                unit=unit,
                kind=kind,
                level=level,
                title=title or default_title(kind, level, unit.kind),
                year=year,
                awarded_by=body,
                document_no=doc.format(y=year) if won else "",
                holder_name=holder,
                holder_post=post,
                status=status,
                applied_on=None if won else day,
                awarded_on=day if won else None,
                created_by=user,
            )
            made += 1
        if t_index == 0:
            made += _best_case(ctx, township, villages, user, today)
        last = ctx.year - 1
        rank, score, grade, admin_score, admin_grade = ASSESSED[t_index % len(ASSESSED)]
        announced = min(dt.date(ctx.year, 3, 18), today)
        Assessment.objects.create(
            unit=township,
            kind=AssessmentKind.RULE_OF_LAW,
            name=f"{last}年度全县乡镇（街道）法治建设考核",
            year=last,
            assessed_by=county_body,
            score=Decimal(score),
            grade=grade,
            rank=rank if n <= len(ASSESSED) else t_index + 1,
            among=n,
            announced_on=announced,
            document_no=f"县法治办〔{ctx.year}〕5号",
            created_by=user,
        )
        Assessment.objects.create(
            unit=township,
            kind=AssessmentKind.LAW_BASED_ADMIN,
            name=f"{last}年度依法行政考核",
            year=last,
            assessed_by="县人民政府",
            score=Decimal(admin_score),
            grade=admin_grade,
            announced_on=announced,
            created_by=user,
        )
    ctx.log(f"荣誉与考核：{made} 项荣誉称号，{2 * n} 项考核结果")


def _best_case(ctx, township, villages, user, today) -> int:
    """东风镇's 优秀调解案例 of the year: the largest dispute its first village's committee
    mediated to agreement this year, named a city-level best case (0 when there is none)."""
    if not villages:
        return 0
    committee = f"{villages[0].name}人民调解委员会"
    d = (
        Dispute.objects.in_subtree(township)
        .filter(
            registered_on__year=ctx.year,
            outcome="succeeded",
            committee__name=committee,
            parties__isnull=False,
        )
        .order_by("-amount", "pk")
        .first()
    )
    if d is None:
        return 0
    Honour.objects.create(
        unit=villages[0],
        kind=HonourKind.BEST_CASE,
        level=Level.CITY,
        title=default_title(HonourKind.BEST_CASE, Level.CITY),
        year=ctx.year,
        awarded_by="市司法局",
        document_no=f"市司发〔{ctx.year}〕35号",
        holder_name=committee,
        status=HonourStatus.AWARDED,
        awarded_on=min(dt.date(ctx.year, 11, 20), today),
        dispute=d,
        created_by=user,
    )
    return 1
