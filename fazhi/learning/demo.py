"""Demo study ledgers: per township a cadre roster, 40–60 sessions with attendance (some
cadres end under the 40-hour requirement), and the yearly online exam.

For the annual report's heads section, each township's newest year has a leadership-team
session lectured by its party secretary and one 中心组 session attended by its head of
government; once the oversight demo has named the two heads (order 70), ``align_heads``
gives the roster's two head cadres the same names and posts."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from fazhi.core import bulk, demo
from fazhi.reports import voice

from .models import Attendance, AttendanceSource, Cadre, ExamResult, LearningSettings, StudySession

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲峰建国志文斌宇浩凯鹏飞"
POSTS = [
    "党委书记",
    "镇长",
    "党委副书记",
    "副镇长",
    "人大主席",
    "纪委书记",
    "组织委员",
    "宣传委员",
    "武装部长",
]
STAFF_POSTS = [
    "党政办主任",
    "司法所长",
    "综治办主任",
    "财政所长",
    "经发办主任",
    "社会事务办主任",
    "科员",
    "科员",
    "科员",
    "办事员",
]
TOPICS = [
    ("习近平法治思想专题学习", "《中华人民共和国宪法》"),
    ("民法典婚姻家庭编解读", "《中华人民共和国民法典》"),
    ("行政处罚法修订要点", "《中华人民共和国行政处罚法》"),
    ("行政复议法学习", "《中华人民共和国行政复议法》"),
    ("信访工作条例学习", "《信访工作条例》"),
    ("安全生产法专题讲座", "《中华人民共和国安全生产法》"),
    ("土地管理法与农村宅基地", "《中华人民共和国土地管理法》"),
    ("重大行政决策程序暂行条例", "《重大行政决策程序暂行条例》"),
    ("保守国家秘密法学习", "《中华人民共和国保守国家秘密法》"),
    ("乡村振兴促进法学习", "《中华人民共和国乡村振兴促进法》"),
    ("反电信网络诈骗法学习", "《中华人民共和国反电信网络诈骗法》"),
    ("优化营商环境条例学习", "《优化营商环境条例》"),
]
HEAD = "party head"  # a lecturer drawn as the unit's party secretary (its voice's title)
LECTURERS = ("县司法局 法律顾问", HEAD, "律师事务所 律师", "县法院 法官", "")
# the party secretary lectures the leadership team and topical lectures, not every session
HEAD_LECTURES = ("central_group", "lecture")
KINDS = (
    ["central_group"] * 11
    + ["pre_meeting"] * 14
    + ["lecture"] * 8
    + ["training"] * 6
    + ["court_hearing"] * 2
    + ["online"] * 9
)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@demo.register(order=40)
def gen(ctx) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    user = ctx.users.get("clerk_df")
    LearningSettings.objects.create(unit=ctx.county, created_by=ctx.users.get("county"))
    total_sessions = total_att = 0
    for township in ctx.townships:
        cadres = []
        for i, post in enumerate(POSTS):
            cadres.append(
                Cadre(
                    unit=township,
                    name=_name(rng),
                    post=post,
                    is_leader=True,
                    in_leadership_group=i < 7,
                    created_by=user,
                )
            )
        for _ in range(rng.randint(10, 16)):
            cadres.append(
                Cadre(unit=township, name=_name(rng), post=rng.choice(STAFF_POSTS), created_by=user)
            )
        cadres = bulk.insert(Cadre, cadres)
        # Each cadre's habit: some study diligently, some fall behind the 40 hours.
        zeal = {c.pk: rng.choice((0.2, 0.3, 0.5, 0.7, 0.85, 0.95)) for c in cadres}
        for year in ctx.years:
            s, a = _year(ctx, township, cadres, zeal, year, today, user)
            total_sessions += s
            total_att += a
    ctx.log(f"学法：{total_sessions} 次学法活动，{total_att} 条参学记录")


def _year(ctx, township, cadres, zeal, year, today, user) -> tuple[int, int]:
    rng = ctx.rng
    last = min(dt.date(year, 12, 31), today)
    first = dt.date(year, 1, 1)
    span = max(1, (last - first).days)
    n = rng.randint(40, 60)
    kinds = [rng.choice(KINDS) for _ in range(n)]
    party_head = voice.for_unit(township).party_head
    sessions = []
    for kind in kinds:
        topic, law = rng.choice(TOPICS)
        hours = {
            "central_group": "2",
            "pre_meeting": "0.5",
            "lecture": "2",
            "training": "4",
            "court_hearing": "3",
            "online": rng.choice(("1", "2")),
        }[kind]
        sessions.append(
            StudySession(
                unit=township,
                kind=kind,
                date=first + dt.timedelta(days=rng.randint(0, span)),
                topic=topic,
                laws=law,
                hours=Decimal(hours),
                leadership_group=kind == "central_group",
                lecturer=_lecturer(rng.choice(LECTURERS), kind, party_head),
                place=rng.choice(("镇政府三楼会议室", "镇党建活动室", "县人民法院", "")),
                created_by=user,
            )
        )
    _other_forms(sessions, random.Random(f"study-forms-{year}-{township.name}"), party_head)
    if year == ctx.year:
        _head_lectures(sessions, party_head)
    sessions = bulk.insert(StudySession, sessions)
    rows = []
    for s in sessions:
        for c in cadres:
            if s.kind == "central_group" and not c.in_leadership_group:
                continue
            p = zeal[c.pk] if s.kind != "central_group" else 0.9
            if rng.random() < p:
                rows.append(
                    Attendance(
                        unit=township,
                        session=s,
                        cadre=c,
                        hours=s.hours,
                        source=rng.choice((AttendanceSource.SIGN_IN_SHEET, AttendanceSource.PAGE)),
                        created_by=user,
                    )
                )
    if year == ctx.year:
        rows += _head_attends(township, sessions, cadres[1], rows, user)
    bulk.insert(Attendance, rows)
    results = []
    for c in cadres:
        studied = rng.random() < 0.95
        took = studied and rng.random() < 0.92
        score = Decimal(rng.choice((58, 66, 78, 85, 88, 90, 92, 95, 96, 98, 100))) if took else None
        results.append(
            ExamResult(
                unit=township,
                cadre=c,
                year=year,
                studied_online=studied,
                took_exam=took,
                score=score,
                created_by=user,
            )
        )
    bulk.insert(ExamResult, results)
    return len(sessions), len(rows)


def _other_forms(sessions: list[StudySession], rng, party_head: str) -> None:
    """Some sessions become 法律讲座, 专题研讨 (of the leadership team) and one a 专题党课,
    drawn from an rng of their own so the rest of the demo stays as it was."""
    for s in sessions:
        if s.kind == "lecture" and rng.random() < 0.5:
            s.kind = "law_lecture"
            s.lecturer = rng.choice(("律师事务所 律师", "县法院 法官", "县司法局 法律顾问"))
        elif s.kind == "central_group" and rng.random() < 0.25:
            s.kind = "seminar"  # leadership_group stays: the team's own seminar
    training = [s for s in sessions if s.kind == "training"]
    if training:
        s = rng.choice(training)
        s.kind, s.hours, s.lecturer = "party_lecture", Decimal(2), party_head
        s.topic = "学习贯彻习近平法治思想专题党课"


def _lecturer(drawn: str, kind: str, party_head: str) -> str:
    if drawn != HEAD:
        return drawn
    return party_head if kind in HEAD_LECTURES else "县司法局 法律顾问"


def _head_lectures(sessions: list[StudySession], party_head: str) -> None:
    """The report year has a leadership-team session the party secretary lectured."""
    if any(s.leadership_group and s.lecturer == party_head for s in sessions):
        return
    central = sorted((s for s in sessions if s.kind == "central_group"), key=lambda s: s.date)
    if central:
        central[0].lecturer = party_head


def _head_attends(township, sessions, head: Cadre, rows, user) -> list[Attendance]:
    """The report year has a 中心组 session the head of government attended."""
    central = sorted((s for s in sessions if s.kind == "central_group"), key=lambda s: s.date)
    if not central or any(
        r.cadre_id == head.pk and r.session.kind == "central_group" for r in rows
    ):
        return []
    s = central[0]
    return [
        Attendance(
            unit=township,
            session=s,
            cadre=head,
            hours=s.hours,
            source=AttendanceSource.SIGN_IN_SHEET,
            created_by=user,
        )
    ]


@demo.register(order=75)
def align_heads(ctx) -> None:
    """The roster's two heads carry the names and posts the oversight demo gave them."""
    try:
        from fazhi.oversight.models import DutyReport
    except ImportError:  # pragma: no cover - oversight is installed with the project
        return
    from .report import head_kind

    for township in ctx.townships:
        v = voice.for_unit(township)
        for rep in DutyReport.objects.filter(unit=township, year=ctx.year).order_by("pk"):
            kind = head_kind(v, rep.post)
            roster_post = {"party": POSTS[0], "gov": POSTS[1]}.get(kind)
            if roster_post:
                Cadre.objects.filter(unit=township, post=roster_post).update(
                    name=rep.person_name, post=rep.post
                )
