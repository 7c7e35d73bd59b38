"""Demo: each township's year of proactive disclosure (a catalogue of items by category
and channel) and a handful of requests for disclosure through every step — one asked
to complete its application, one extended, the rest replied, a late one and one still
in hand in some townships, and in one township a reconsideration about a reply."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fazhi.core import demo, identifiers, workdays

from .models import (
    ApplicantKind,
    Category,
    Disclosure,
    DisclosureChannel,
    InformationRequest,
    ReplyReason,
    ReplyType,
    RequestChannel,
    RequestStatus,
)

C, CH = Category, DisclosureChannel
# (category, title pattern, channels, how many a year)
ITEMS = [
    (C.ORGANISATION, "{u}机构职能及领导分工调整", (CH.WEBSITE, CH.BOARD), 2),
    (C.POLICY, "{u}关于印发{t}的通知", (CH.WEBSITE, CH.NEW_MEDIA), 8),
    (C.PLANNING, "{u}{y}年{t}工作计划", (CH.WEBSITE,), 3),
    (C.FINANCE, "{u}{y}年部门预算及“三公”经费预算", (CH.WEBSITE, CH.BOARD), 2),
    (C.FINANCE, "{u}{p}年部门决算及“三公”经费决算", (CH.WEBSITE,), 1),
    (C.LIVELIHOOD, "{u}{y}年第{q}季度城乡低保、特困供养对象名单公示", (CH.BOARD, CH.WEBSITE), 4),
    (C.LIVELIHOOD, "{u}{y}年耕地地力保护补贴发放情况公示", (CH.BOARD,), 2),
    (C.PROJECTS, "{u}{t}项目招标及中标结果公示", (CH.WEBSITE,), 3),
    (C.PROCUREMENT, "{u}{t}政府采购结果公告", (CH.WEBSITE,), 2),
    (C.LAND, "{u}{t}征收补偿安置方案公告", (CH.BOARD, CH.WEBSITE), 1),
    (C.PENALTY, "{u}行政处罚决定信息公示（{y}年第{q}批）", (CH.WEBSITE,), 4),
    (C.EMERGENCY, "{u}防汛抗旱应急预案", (CH.WEBSITE, CH.NEW_MEDIA), 1),
    (C.PERSONNEL, "{u}{y}年公益性岗位招聘公告", (CH.WEBSITE, CH.NEW_MEDIA), 1),
]
TOPICS = [
    "人居环境整治", "安全生产大排查", "乡村振兴衔接资金使用", "道路硬化", "农村危房改造",
    "高标准农田建设", "饮水安全巩固提升", "禁毒宣传", "秸秆禁烧", "森林防火",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["建国", "秀英", "志强", "丽华", "海涛", "桂兰", "明", "静", "军", "芳"]
REQUESTS = [
    "本村{y}年土地征收补偿款发放明细",
    "{u}{y}年农村低保评定程序和名单",
    "本组道路硬化工程的招标文件和验收报告",
    "本村宅基地审批的相关文件",
    "{u}关于集体林权流转的批复文件",
    "本村危房改造补助对象名单及补助标准",
    "{u}某企业环境影响评价审批意见",
]
ORGS = ["某某建筑工程有限公司", "某某律师事务所", "某某农业发展有限公司"]


def _id_number(rng, year: int) -> str:
    birth = dt.date(rng.randrange(1955, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
    first = f"990101{birth:%Y%m%d}{rng.randrange(100, 999)}"
    return first + identifiers.id_check_digit(first)


def _wd(day, n):
    return workdays.add_working_days(day, n)


def _disclosures(ctx, t, year, today):
    rng = ctx.rng
    rows = []
    for cat, pattern, channels, n in ITEMS:
        for _ in range(n + rng.randrange(0, 3)):
            day = dt.date(year, 1, 5) + dt.timedelta(days=rng.randrange(0, 340))
            day = workdays.next_working_day(day)
            if day > today:
                continue
            title = pattern.format(
                u=t.name,
                y=year,
                p=year - 1,
                q=min(4, (day.month - 1) // 3 + 1),
                t=rng.choice(TOPICS),
            )
            rows.append(
                Disclosure(
                    unit=t,
                    title=title[:200],
                    category=cat,
                    channel=rng.choice(channels),
                    published_on=day,
                    doc_number=f"{t.code}-{year}-{len(rows) + 1:04d}",
                )
            )
    Disclosure.objects.bulk_create(rows)
    return len(rows)


def _request(ctx, t, year, n, received, *, kind, person=True):
    rng = ctx.rng
    name = (rng.choice(SURNAMES) + rng.choice(GIVEN)) if person else rng.choice(ORGS)
    due = _wd(received, InformationRequest.REPLY_DAYS)
    return InformationRequest(
        unit=t,
        number=f"{year}-{n:03d}",
        applicant_kind=kind,
        applicant_name=name,
        id_number=_id_number(rng, year) if person else "",
        phone=f"139{rng.randrange(10000000, 99999999)}",
        content=rng.choice(REQUESTS).format(u=t.name, y=year - 1),
        channel=rng.choice([RequestChannel.IN_PERSON, RequestChannel.POST, RequestChannel.ONLINE]),
        received_on=received,
        correction_by=_wd(received, InformationRequest.CORRECTION_DAYS).date,
        reply_due=due.date,
        reply_due_provisional=due.provisional,
    )


def _reply(r, day, kind, reason="", content=""):
    r.replied_on = day
    r.reply_type = kind
    r.reply_reason = reason
    r.reply_content = content or "经查，现将你申请的政府信息提供如下（见附件）。"
    r.replied_on_time = r.reply_due is None or day <= r.reply_due
    r.status = RequestStatus.REPLIED
    r.version += 1


def _requests(ctx, t, year, today, index: int, clerk):
    rng = ctx.rng
    out = []
    start = dt.date(year, 2, 20)
    span = max(1, min((today - start).days - 60, 260))
    days = sorted(
        workdays.next_working_day(start + dt.timedelta(days=rng.randrange(0, span)))
        for _ in range(4 + index % 3)
    )
    for n, received in enumerate(days, start=1):
        person = n != 2
        kind = ApplicantKind.PERSON if person else ApplicantKind.BUSINESS
        r = _request(ctx, t, year, n, received, kind=kind, person=person)
        r.created_by = clerk
        if n == 1:  # incomplete: 补正 asked within 7 working days, the clock restarts
            r.correction_on = _wd(received, 3).date
            r.correction_items = "请明确所申请信息的具体名称、文号或者便于查询的其他特征性描述。"
            r.correction_limit = _wd(r.correction_on, 10).date
            r.corrected_on = _wd(r.correction_on, 4).date
            due = _wd(r.corrected_on, InformationRequest.REPLY_DAYS)
            r.reply_due, r.reply_due_provisional = due.date, due.provisional
            _reply(r, _wd(r.corrected_on, 12).date, ReplyType.GRANTED)
        elif n == 2:  # extended once, approved and notified
            r.extension_days = 15
            r.extension_approver = "党政办主任"
            r.extension_approved_on = _wd(received, 16).date
            r.extension_notified_on = _wd(received, 17).date
            r.extension_reason = "申请的信息涉及多个部门，需会商后答复"
            r.reply_due = _wd(r.reply_due, 15).date
            r.status = RequestStatus.EXTENDED
            _reply(
                r,
                _wd(received, 28).date,
                ReplyType.PARTIAL,
                content="部分信息涉及第三方商业秘密，已作区分处理后提供。",
            )
        elif n == 3:
            _reply(
                r,
                _wd(received, 9).date,
                ReplyType.UNABLE,
                ReplyReason.NOT_HELD,
                "经检索，本机关未制作、获取该政府信息。",
            )
        elif n == len(days) and index == 2 and received + dt.timedelta(days=60) < today:
            # 城关街道: one replied after its deadline (a shortfall the report names)
            _reply(r, _wd(received, 23).date, ReplyType.GRANTED)
        else:
            _reply(r, _wd(received, rng.randrange(5, 18)).date, ReplyType.GRANTED)
        if r.replied_on and r.replied_on > today:  # built early in the year: still in hand
            r.replied_on = None
            r.reply_type, r.reply_reason, r.reply_content, r.replied_on_time = "", "", "", None
            r.status = RequestStatus.EXTENDED if r.extension_days else RequestStatus.RECEIVED
        r.save()
        out.append(r)
    return out


def _reconsideration(t, r, today):
    """A reconsideration about the partial disclosure of request ``r`` (the enforcement
    app keeps reconsiderations: 行政复议 against the township)."""
    from fazhi.enforcement.models import ChallengeStatus, Outcome, Reconsideration

    received = _wd(r.replied_on, 20).date
    if received > today:
        return
    due = _wd(received, Reconsideration.REPLY_DAYS)
    replied = _wd(received, 6).date
    rec = Reconsideration.objects.create(
        unit=t,
        case_no=f"县政复〔{received.year}〕{r.pk % 50 + 1}号",
        applicant=r.applicant_name,
        act=f"{t.name}政府信息公开申请答复（{r.number}）",
        organ="县人民政府",
        received_on=received,
        reply_due=due.date,
        reply_due_provisional=due.provisional,
        replied_on=replied if replied <= today else None,
        replied_on_time=True if replied <= today else None,
        status=ChallengeStatus.CONCLUDED
        if _wd(received, 40).date <= today
        else ChallengeStatus.RECEIVED,
        outcome=Outcome.DISMISSED if _wd(received, 40).date <= today else "",
        outcome_on=_wd(received, 40).date if _wd(received, 40).date <= today else None,
        corrected=False if _wd(received, 40).date <= today else None,
    )
    r.reconsideration = rec
    r.save(update_fields=["reconsideration"])


@demo.register(order=65)
def gen(ctx):
    year = ctx.year
    today = timezone.localdate()
    clerk = ctx.users.get("clerk_df")
    total = 0
    for index, t in enumerate(ctx.townships):
        total += _disclosures(ctx, t, year, today)
        requests = _requests(ctx, t, year, today, index, clerk if t.code == "990101" else None)
        if index == 2:
            partial = next((r for r in requests if r.reply_type == ReplyType.PARTIAL), None)
            if partial is not None:
                _reconsideration(t, partial, today)
        _annual_draft(t, year)
    ctx.log(
        f"政务公开：主动公开 {total} 条，每个乡镇 4–6 件依申请公开（补正、延期、答复），"
        f"{year}年度政府信息公开工作年度报告草稿（由台账起草）"
    )


def _annual_draft(t, year: int) -> None:
    """The year's 政府信息公开工作年度报告 drafted from the records just made, as a clerk
    would in December (due by 31 January): tables and sections 一 and 五; 六 (the fees
    charged, not recorded) left to the writer."""
    from . import annual
    from .models import OpennessReport
    from .services import annual_title

    tables = annual.annual_tables(t, year)
    OpennessReport.objects.create(
        unit=t,
        year=year,
        title=annual_title(t, year),
        tables=tables,
        generated_at=timezone.now(),
        **annual.draft_sections(t, year, tables),
    )
