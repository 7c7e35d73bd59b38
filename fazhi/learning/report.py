"""学法's contribution to the annual report (theme "learning": 学法用法和普法宣传).

What the seeds write about study — "2021年共开展领导班子学法11次", "确保领导干部和机关事业单位
干部年度学法时间不少于40小时", "确保参学率、参考率、优秀率达到三个100%", "党工委书记……给党员干部
上法治课" — written from the ledgers:

- points: the leadership team's study (领导班子学法 apart from all sessions, one or two named
  sessions with date, topic, the laws studied and the lecturer's post) and the cadres'
  hours and the yearly exam (学法时长达标率, 参学率, 参考率, 优秀率);
- head acts: sessions a head (党委书记, 乡镇长 …) lectured (``StudySession.lecturer``) or
  attended (their own ``Attendance`` rows);
- shortfalls: the study indicators below target, with vetted causes;
- plans: cadres still short of the year's hours.

Indicators this module adds (group ``learning_report``, same rules as the app's pages):
``learning.leadership_sessions``, ``learning.study_rate`` (参学率) and
``learning.excellent_rate`` (优秀率, score ≥ the county's excellent mark).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from fazhi.indicators import registry
from fazhi.indicators.definitions import LEARNING_READS
from fazhi.indicators.registry import Indicator, Value, group, indicator, number_text, year_records
from fazhi.reports.contrib import (
    Context,
    Contribution,
    Found,
    HeadAct,
    PlanHint,
    Point,
    Source,
    below_target,
    day,
    register,
)

from . import services
from .common import law_titles
from .models import Attendance, Cadre, ExamResult, SessionKind, StudySession

THEME = "learning"


# --------------------------------------------------------------------------- indicators
@group("learning_report", "学法（年度报告）", reads=LEARNING_READS)
def _figures(unit, year):
    rates = services.exam_rates(unit, year)  # the exam page's own figures
    counts = year_records(StudySession, unit, year, "date").aggregate(
        leadership=Count("pk", filter=Q(leadership_group=True)),
        seminars=Count("pk", filter=Q(kind=SessionKind.SEMINAR)),
        party_lectures=Count("pk", filter=Q(kind=SessionKind.PARTY_LECTURE)),
        law_lectures=Count("pk", filter=Q(kind=SessionKind.LAW_LECTURE)),
    )
    return {
        "learning.leadership_sessions": Value.count(counts["leadership"]),
        "learning.seminars": Value.count(counts["seminars"]),
        "learning.party_lectures": Value.count(counts["party_lectures"]),
        "learning.law_lectures": Value.count(counts["law_lectures"]),
        "learning.study_rate": Value.rate(rates.studied, rates.cadres),
        "learning.excellent_rate": Value.rate(rates.excellent, rates.took),
    }


indicator(
    Indicator(
        "learning.leadership_sessions",
        "领导班子学法",
        "次",
        "learning_report",
        phrase="开展领导班子学法",
    )
)
for _ind in (
    Indicator("learning.seminars", "专题研讨", "次", "learning_report", phrase="开展专题研讨"),
    Indicator(
        "learning.party_lectures", "专题党课", "次", "learning_report", phrase="讲授专题党课"
    ),
    Indicator("learning.law_lectures", "法律讲座", "场", "learning_report", phrase="举办法律讲座"),
):
    indicator(_ind)
indicator(
    Indicator(
        "learning.study_rate",
        "在线学法参学率",
        "%",
        "learning_report",
        target=Decimal("100"),
        kind="rate",
        phrase="参学率",
    )
)
indicator(
    Indicator(
        "learning.excellent_rate",
        "学法考试优秀率",
        "%",
        "learning_report",
        kind="rate",
        phrase="优秀率",
    )
)


# --------------------------------------------------------------------------- heads
def head_kind(voice, post: str) -> str:
    """ "party" / "gov" when ``post`` is one of the unit's two heads, else "".

    ``voice.is_head_post`` reads any 书记 or 主任 as a head; a 纪委书记, 村党支部书记 or 党政办主任
    is not one, so only the posts that name the heads themselves are kept."""
    kind = voice.is_head_post(post)
    p = re.sub(r"\s+", "", post or "")
    if kind == "party":
        party = p == "书记" or p.endswith(("党委书记", "党工委书记", "党组书记"))
        return kind if party and "支部" not in p and "纪" not in p else ""
    if kind == "gov" and p.endswith("主任"):
        heads = ("办事处主任", "管委会主任", voice.gov_head)
        return kind if p == "主任" or p.endswith(heads) else ""
    return kind


def heads(ctx: Context) -> list[tuple[str, Cadre]]:
    """The unit's own cadres holding a head's post, party head first, serving ones first."""
    rows = Cadre.objects.filter(unit=ctx.unit).only("pk", "name", "post", "active")
    found = [(head_kind(ctx.voice, c.post), c) for c in rows]
    found = [(k, c) for k, c in found if k]
    return sorted(found, key=lambda kc: (kc[0] != "party", not kc[1].active, kc[1].pk))


def _head_title(ctx: Context, kind: str) -> str:
    return ctx.voice.party_head if kind == "party" else ctx.voice.gov_head


def match_head(ctx: Context, lecturer: str, found: list[tuple[str, Cadre]]):
    """The head who gave a session: the lecturer names them ("王某", "镇党委书记王某"), or
    names a head's title ("镇党委书记", "党委书记") held by one serving cadre only."""
    text = re.sub(r"\s+", "", lecturer or "")
    if not text:
        return None
    for kind, c in found:
        titles = {c.post, _head_title(ctx, kind), ctx.voice.name + c.post}
        name = (c.name or "").strip()
        if len(name) >= 2 and (text.startswith(name) or text.endswith(name)):
            rest = text.replace(name, "", 1)
            if rest == "" or rest in titles:
                return kind, c
    for kind in ("party", "gov"):
        serving = [c for k, c in found if k == kind and c.active]
        if len(serving) != 1:
            continue
        c = serving[0]
        titles = {c.post, _head_title(ctx, kind), ctx.voice.name + c.post}
        if kind == "party":
            titles |= {ctx.voice.party + "书记"}
        if text in titles:
            return kind, c
    return None


# a lecturer's post as recorded ("县法院 法官"); a bare name is never printed
_POST_WORDS = re.compile(
    r"(书记|所长|局长|院长|庭长|校长|镇长|乡长|县长|区长|主任|主席|法官|检察官|律师|顾问|教授|讲师|专家|委员|民警|警官)"
)


def lecturer_post(ctx: Context, lecturer: str, found) -> str:
    """How the report names a lecturer: a head by the unit's title for them, anyone else by
    the post recorded (cut after its last post word, so a trailing name is dropped)."""
    m = match_head(ctx, lecturer, found)
    if m:
        return _head_title(ctx, m[0])
    text = re.sub(r"\s+", "", lecturer or "")
    ends = [m.end() for m in _POST_WORDS.finditer(text)]
    return text[: ends[-1]] if ends else ""


def session_source(s: StudySession) -> Source:
    return Source(
        f"学法活动 {s.date:%Y-%m-%d} {s.topic}", reverse("learning:session_detail", args=[s.pk])
    )


# --------------------------------------------------------------------------- points
def points(ctx: Context) -> list[Point]:
    found = heads(ctx)
    out = (_leadership(ctx, found), _forms(ctx), _hours_and_exam(ctx))
    return [p for p in out if p]


FORM_CODES = ("learning.seminars", "learning.party_lectures", "learning.law_lectures")


def _forms(ctx: Context) -> Point | None:
    """专题研讨、专题党课、法律讲座: the study forms beside the routine sessions, each
    clause only where the ledger holds such sessions."""
    codes = [c for c in FORM_CODES if ctx.n(c)]
    if not codes:
        return None
    clauses = "、".join(f"{registry.get(c).phrase}{ctx.fig(c)}" for c in codes)
    return Point(
        THEME,
        "丰富学法形式",
        f"全年{clauses}。",
        sources=[ctx.indicator_source(c) for c in codes],
        # a detail of the study beside the leaders' and the cadres' own: the 普法 point
        # (75) and the two study points go first when section one runs long
        weight=45,
        key="learning.forms",
        records=0,
    )


def _leadership(ctx: Context, found) -> Point | None:
    """领导班子学法 with one or two named sessions."""
    if not ctx.n("learning.leadership_sessions"):
        return None
    # the unit's own leadership team's sessions are the ones named (a county's report does
    # not present a township's team as its own)
    rows = list(
        StudySession.objects.filter(unit=ctx.unit, date__year=ctx.year, leadership_group=True)
        .only("pk", "kind", "date", "topic", "laws", "lecturer")
        .order_by("date", "pk")[:200]
    )

    def score(s: StudySession) -> int:
        return (
            4 * bool(match_head(ctx, s.lecturer, found))
            + 2 * bool(law_titles(s.laws))
            + bool(lecturer_post(ctx, s.lecturer, found))
        )

    named: list[StudySession] = []
    for s in sorted(rows, key=lambda s: (-score(s), s.date, s.pk)):
        if all(s.topic != n.topic and s.laws != n.laws for n in named):
            named.append(s)
        if len(named) == 2:
            break
    named.sort(key=lambda s: (s.date, s.pk))
    central = any(s.kind == SessionKind.CENTRAL_GROUP for s in rows)
    opening = (
        f"坚持{ctx.voice.party}理论学习中心组学法制度" if central else "坚持领导班子集体学法制度"
    )
    text = opening + "，"
    if ctx.n("learning.sessions") > ctx.n("learning.leadership_sessions"):
        text += f"全年组织学法{ctx.fig('learning.sessions')}，其中"
    else:
        text += "全年"
    text += f"开展领导班子学法{ctx.fig('learning.leadership_sessions')}"
    yoy = ctx.yoy("learning.leadership_sessions")
    text += (f"，{yoy}" if yoy else "") + "。"
    if named:
        text += "；".join(_named_session(ctx, s, found) for s in named) + "。"
    sources = [session_source(s) for s in named]
    sources += [
        ctx.indicator_source(c) for c in ("learning.sessions", "learning.leadership_sessions")
    ]
    return Point(
        THEME,
        "抓住领导干部“关键少数”",
        text,
        sources=sources,
        weight=90,
        key="learning.leadership",
        records=len(named),
    )


def _named_session(ctx: Context, s: StudySession, found) -> str:
    laws = law_titles(s.laws, 2)
    studied = "".join(laws)
    m = match_head(ctx, s.lecturer, found)
    if m:
        text = f"{day(s.date)}，{_head_title(ctx, m[0])}围绕“{s.topic}”为班子成员讲授专题法治课"
        return text + (f"，带领学习{studied}" if studied else "")
    post = lecturer_post(ctx, s.lecturer, found)
    if post:
        text = f"{day(s.date)}，邀请{post}围绕“{s.topic}”为班子成员作专题辅导"
        return text + (f"，学习{studied}" if studied else "")
    who = "中心组" if s.kind == SessionKind.CENTRAL_GROUP else "领导班子"
    what = "专题研讨" if s.kind == SessionKind.SEMINAR else "专题学法"
    text = f"{day(s.date)}，{who}围绕“{s.topic}”开展{what}"
    return text + (f"，集中学习{studied}" if studied else "")


def _hours_and_exam(ctx: Context) -> Point | None:
    """The cadres' yearly hours and the online study and exam."""
    parts, sources = [], []
    attended = ctx.records(Attendance, "session__date")
    if ctx.ok("learning.cadres_40h_rate") and attended.exists():
        required = number_text(services.rules_for(ctx.unit).required_hours)
        yoy = ctx.yoy("learning.cadres_40h_rate")
        parts.append(
            f"严格落实国家工作人员学法制度，要求干部年度学法不少于{required}小时，"
            f"学法时长达标率{ctx.fig('learning.cadres_40h_rate')}" + (f"，{yoy}" if yoy else "")
        )
        sources.append(Source("干部学法时长", reverse("learning:cadre_list")))
        sources.append(ctx.indicator_source("learning.cadres_40h_rate"))
    platforms = list(
        ExamResult.objects.in_subtree(ctx.unit)
        .filter(year=ctx.year)
        .values("platform")
        .annotate(n=Count("pk"))
        .order_by("-n", "platform")[:1]
    )
    codes = [
        c
        for c in (
            "learning.study_rate",
            "learning.exam_participation_rate",
            "learning.excellent_rate",
        )
        if ctx.ok(c)
    ]
    if platforms and codes:
        platform = (platforms[0]["platform"] or "").strip()
        where = f"通过“{platform}”平台" if platform else ""
        rates = "、".join(f"{registry.get(c).phrase}{ctx.fig(c)}" for c in codes)
        parts.append(f"组织干部{where}开展在线学法、参加年度学法用法考试，{rates}")
        sources.append(Source(f"{ctx.year}年学法考试成绩", reverse("learning:exam")))
        sources += [ctx.indicator_source(c) for c in codes]
    if not parts:
        return None
    return Point(
        THEME,
        "抓实干部日常学法和考法",
        "；".join(parts) + "。",
        sources=sources,
        weight=80,
        key="learning.cadres",
        records=0,
    )


# --------------------------------------------------------------------------- head acts
MAX_LECTURES = 3
MAX_STUDIES = 3

_STUDY_LABEL = {
    SessionKind.PRE_MEETING: "会前学法",
    SessionKind.LECTURE: "专题法治讲座",
    SessionKind.TRAINING: "法治培训",
    SessionKind.COURT_HEARING: "旁听庭审",
    SessionKind.ONLINE: "在线学法",
    SessionKind.SEMINAR: "专题研讨",
    SessionKind.PARTY_LECTURE: "专题党课",
    SessionKind.LAW_LECTURE: "法律讲座",
}


def _topic(s: StudySession) -> str:
    """What a session was about, for the engine's wording: its laws in 《》, else its topic."""
    laws = law_titles(s.laws, 2)
    return "".join(laws) if laws else f"“{s.topic}”"


def _lecture_text(s: StudySession) -> str:
    laws = law_titles(s.laws, 1)
    audience = "为班子成员" if s.leadership_group else "为机关干部"
    if laws:
        return f"{audience}讲授{laws[0]}专题法治课"
    return f"以“{s.topic}”为题{audience}讲授专题法治课"


def _study_text(ctx: Context, s: StudySession) -> str:
    studied = "".join(law_titles(s.laws, 2))
    if s.kind == SessionKind.CENTRAL_GROUP:
        label = f"{ctx.voice.party}理论学习中心组专题学法"
    elif s.kind == SessionKind.COURT_HEARING:
        return "参加旁听庭审" + (f"，现场学习{studied}" if studied else f"（{s.topic}）")
    else:
        label = _STUDY_LABEL.get(s.kind, "学法活动")
        if s.leadership_group:
            label = "领导班子" + label
    if studied:
        return f"参加{label}，学习{studied}"
    return f"参加{label}，围绕“{s.topic}”开展学习"


def head_acts(ctx: Context) -> list[HeadAct]:
    """Sessions each head lectured or attended, from their own records (three of each at most:
    leadership-team sessions first; two heads are given different sessions where they can be)."""
    found = heads(ctx)
    if not found:
        return []
    fields = ("pk", "kind", "date", "topic", "laws", "lecturer", "leadership_group")
    lectured: dict[int, list[StudySession]] = {}
    for s in (
        StudySession.objects.filter(unit=ctx.unit, date__year=ctx.year)
        .exclude(lecturer="")
        .only(*fields)
        .order_by("date", "pk")[:500]
    ):
        m = match_head(ctx, s.lecturer, found)
        if m:
            lectured.setdefault(m[1].pk, []).append(s)
    attended: dict[int, list[StudySession]] = {}
    for a in (
        Attendance.objects.filter(cadre__in=[c.pk for _, c in found], session__date__year=ctx.year)
        .select_related("session")
        .order_by("session__date", "session__pk")[:2000]
    ):
        attended.setdefault(a.cadre_id, []).append(a.session)

    out: list[HeadAct] = []
    used_texts: set[str] = set()
    used_sessions: set[int] = set()
    for _kind, c in found:
        own = lectured.get(c.pk, [])
        lectures: dict[str, StudySession] = {}  # one act per sentence
        for s in sorted(own, key=lambda s: (not s.leadership_group, not s.laws, s.date)):
            if len(lectures) < MAX_LECTURES:
                lectures.setdefault(_lecture_text(s), s)
        for t, s in sorted(lectures.items(), key=lambda ts: (ts[1].date, ts[1].pk)):
            out.append(
                HeadAct(c.name, c.post, t, s.date, "lecture", [session_source(s)], topic=_topic(s))
            )
        given = {s.pk for s in own}
        ranked = sorted(
            (
                s
                for s in attended.get(c.pk, [])
                if s.pk not in given and s.kind != SessionKind.ONLINE
            ),
            key=lambda s: (not s.leadership_group, s.kind != SessionKind.CENTRAL_GROUP, s.date),
        )
        picked: list[tuple[StudySession, str]] = []
        texts: set[str] = set()
        # first sessions whose sentence no other head has, then any other session of theirs
        for strict in (True, False):
            for s in ranked:
                if len(picked) == MAX_STUDIES:
                    break
                t = _study_text(ctx, s)
                if t in texts or s.pk in used_sessions:
                    continue
                if strict and t in used_texts:
                    continue
                picked.append((s, t))
                texts.add(t)
        used_texts |= texts
        used_sessions |= {s.pk for s, _ in picked}
        for s, t in sorted(picked, key=lambda st: (st[0].date, st[0].pk)):
            out.append(
                HeadAct(c.name, c.post, t, s.date, "study", [session_source(s)], topic=_topic(s))
            )
    return out


# --------------------------------------------------------------------------- shortfalls
SUGGESTIONS = {
    "learning.cadres_40h_rate": [
        "部分干部承担中心工作任务较重，参加集中学法的时间难以保证",
        "学法形式以会前学法为主，专题讲座和集中培训偏少，学时积累不足",
        "对干部个人学法时长的跟踪提醒不够，未及时督促补学",
        "新入职和岗位调整的干部纳入学法计划较晚",
    ],
    "learning.exam_participation_rate": [
        "个别干部因出差、病休等原因未参加年度学法用法考试",
        "考前组织动员和提醒不够到位，个别干部错过考试时间",
        "部分年龄较大的干部不熟悉在线考试平台操作",
        "人员调整后考试名单更新不及时",
    ],
    "learning.study_rate": [
        "部分干部对在线学法重视不够，未按要求登录平台学习",
        "对在线学习进度缺少定期通报和督促",
        "部分干部不熟悉学法平台操作，学习任务未完成",
        "基层站所人员流动较大，学法平台账号开通不及时",
    ],
}

PLANS = {
    "learning.cadres_40h_rate": "健全干部学法学时登记和按季通报制度，确保干部年度学法时长全部达标",
    "learning.exam_participation_rate": "组织全体干部参加年度学法用法考试，做到应考尽考",
    "learning.study_rate": "督促干部按时登录学法平台在线学习，做到应学尽学",
}


def shortfalls(ctx: Context) -> list[Found]:
    return below_target(ctx, list(SUGGESTIONS), THEME, suggestions=SUGGESTIONS, plans=PLANS)


# --------------------------------------------------------------------------- plans
def plans(ctx: Context) -> list[PlanHint]:
    """Cadres who ended the year short of the required hours (two aggregate queries)."""
    rules = services.rules_for(ctx.unit)
    cadres = Cadre.objects.in_subtree(ctx.unit).filter(active=True)
    total = cadres.count()
    if not total or rules.required_hours <= 0:
        return []
    met = (
        Attendance.objects.filter(cadre__in=cadres.values("pk"), session__date__year=ctx.year)
        .order_by()
        .values("cadre")
        .annotate(total=Sum("hours"))
        .filter(total__gte=rules.required_hours)
        .count()
    )
    short = total - met
    if not short:
        return []
    return [
        PlanHint(
            THEME,
            f"对{ctx.year}年度学法时长未达到要求的{short}名干部逐一督促补学，"
            "按季度通报干部学法学时",
            [Source("学法时长未达标的干部", reverse("learning:cadre_list") + "?status=behind")],
        )
    ]


register(
    Contribution(
        "learning",
        points=points,
        head_acts=head_acts,
        shortfalls=shortfalls,
        plans=plans,
        order=50,
    )
)
