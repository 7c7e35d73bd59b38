"""Every change to the study ledgers, and the figures computed from them.

Views, API and CLI call these functions; each is atomic, checks the actor may change the
unit, validates, saves row by row (history) and writes an audit row.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from fazhi.core import audit, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit, UnitKind
from fazhi.core.roles import Perm

from .common import apply_fields, rate, save_validated
from .models import (
    DEFAULT_EXAM_EXCELLENT,
    DEFAULT_EXAM_PASS,
    DEFAULT_EXAM_QUESTIONS,
    DEFAULT_REQUIRED_HOURS,
    LEADERSHIP_KINDS,
    Attendance,
    AttendanceSource,
    Cadre,
    ExamResult,
    LearningSettings,
    SessionKind,
    StudySession,
)

ZERO = Decimal("0")


# --------------------------------------------------------------------------- helpers
REFUSED = "您无权在该单位登记或修改学法台账"


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Rules:
    required_hours: Decimal
    exam_questions: int
    exam_pass: Decimal
    exam_excellent: Decimal
    county: Unit | None
    configured: bool


def county_of(unit: Unit) -> Unit | None:
    if unit.kind == UnitKind.COUNTY:
        return unit
    return unit.county()


def rules_for(unit: Unit) -> Rules:
    """The study rules that apply to ``unit``: its county's settings, else the defaults."""
    county = county_of(unit)
    s = LearningSettings.objects.filter(unit=county).first() if county else None
    if s is None:
        return Rules(
            DEFAULT_REQUIRED_HOURS,
            DEFAULT_EXAM_QUESTIONS,
            DEFAULT_EXAM_PASS,
            DEFAULT_EXAM_EXCELLENT,
            county,
            False,
        )
    return Rules(s.required_hours, s.exam_questions, s.exam_pass, s.exam_excellent, county, True)


SETTINGS_FIELDS = ("required_hours", "exam_questions", "exam_pass", "exam_excellent")


def _given(**values) -> dict:
    """The keyword arguments a caller gave (``None`` means "leave as it is")."""
    return {k: v for k, v in values.items() if v is not None}


@transaction.atomic
def save_settings(
    county: Unit,
    *,
    actor,
    required_hours: Decimal | None = None,
    exam_questions: int | None = None,
    exam_pass: Decimal | None = None,
    exam_excellent: Decimal | None = None,
) -> LearningSettings:
    """A county's study rules; an argument left ``None`` keeps its value (or the default)."""
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput("学法设置按县(区)设定，请选择县(区)")
    scoping.require(actor, Perm.CONFIGURE, county, REFUSED)
    obj = LearningSettings.objects.select_for_update().filter(unit=county).first()
    created = obj is None
    if created:
        obj = LearningSettings(unit=county, created_by=actor)
    data = _given(
        required_hours=required_hours,
        exam_questions=exam_questions,
        exam_pass=exam_pass,
        exam_excellent=exam_excellent,
    )
    apply_fields(obj, data, SETTINGS_FIELDS)
    if Decimal(obj.exam_excellent) < Decimal(obj.exam_pass):
        raise InvalidInput("优秀分数线不能低于合格分数线")
    save_validated(obj, actor=actor, event=audit.E.CONFIG)
    return obj


# --------------------------------------------------------------------------- cadres
CADRE_FIELDS = ("name", "post", "is_leader", "in_leadership_group", "active")


@transaction.atomic
def create_cadre(
    *,
    unit: Unit,
    actor,
    name: str,
    post: str = "",
    is_leader: bool = False,
    in_leadership_group: bool = False,
    active: bool = True,
) -> Cadre:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    cadre = Cadre(
        unit=unit,
        created_by=actor,
        name=(name or "").strip(),
        post=(post or "").strip(),
        is_leader=is_leader,
        in_leadership_group=in_leadership_group,
        active=active,
    )
    save_validated(cadre, actor=actor, event=audit.E.CREATE)
    return cadre


@transaction.atomic
def update_cadre(
    cadre: Cadre,
    *,
    actor,
    name: str | None = None,
    post: str | None = None,
    is_leader: bool | None = None,
    in_leadership_group: bool | None = None,
    active: bool | None = None,
) -> Cadre:
    """Change the given fields (``None``: unchanged)."""
    scoping.require(actor, Perm.CHANGE, cadre.unit, REFUSED)
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)
    data = _given(
        name=name,
        post=post,
        is_leader=is_leader,
        in_leadership_group=in_leadership_group,
        active=active,
    )
    apply_fields(cadre, data, CADRE_FIELDS)
    cadre.name = (cadre.name or "").strip()
    save_validated(cadre, actor=actor, event=audit.E.UPDATE)
    return cadre


# --------------------------------------------------------------------------- sessions
SESSION_FIELDS = (
    "kind",
    "date",
    "topic",
    "laws",
    "lecturer",
    "hours",
    "leadership_group",
    "place",
    "notes",
)


def _check_session(session: StudySession) -> None:
    if session.kind in LEADERSHIP_KINDS:
        session.leadership_group = True
    if session.date and session.date > timezone.localdate() + dt.timedelta(days=366):
        raise InvalidInput("日期超出范围：学法活动最多提前一年登记")


@transaction.atomic
def create_session(
    *,
    unit: Unit,
    actor,
    kind: str,
    date: dt.date,
    topic: str,
    hours: Decimal,
    laws: str = "",
    lecturer: str = "",
    leadership_group: bool = False,
    place: str = "",
    notes: str = "",
) -> StudySession:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    session = StudySession(
        unit=unit,
        created_by=actor,
        kind=kind,
        date=date,
        topic=(topic or "").strip(),
        hours=hours,
        laws=laws or "",
        lecturer=lecturer or "",
        leadership_group=leadership_group,
        place=place or "",
        notes=notes or "",
    )
    _check_session(session)
    save_validated(session, actor=actor, event=audit.E.CREATE)
    return session


@transaction.atomic
def update_session(
    session: StudySession,
    *,
    actor,
    kind: str | None = None,
    date: dt.date | None = None,
    topic: str | None = None,
    hours: Decimal | None = None,
    laws: str | None = None,
    lecturer: str | None = None,
    leadership_group: bool | None = None,
    place: str | None = None,
    notes: str | None = None,
) -> StudySession:
    """Change the given fields (``None``: unchanged)."""
    scoping.require(actor, Perm.CHANGE, session.unit, REFUSED)
    session = StudySession.objects.select_for_update().select_related("unit").get(pk=session.pk)
    data = _given(
        kind=kind,
        date=date,
        topic=topic,
        hours=hours,
        laws=laws,
        lecturer=lecturer,
        leadership_group=leadership_group,
        place=place,
        notes=notes,
    )
    apply_fields(session, data, SESSION_FIELDS)
    _check_session(session)
    over = session.attendances.filter(hours__gt=session.hours).count() if session.hours else 0
    if over:
        raise InvalidInput(f"已有 {over} 人的计入学时超过新的活动学时，请先调整参学记录")
    save_validated(session, actor=actor, event=audit.E.UPDATE)
    return session


def eligible_cadres(session: StudySession):
    """Cadres who may be credited for ``session``: active, in the session's unit or below."""
    return Cadre.objects.in_subtree(session.unit).filter(active=True)


def _validate_attendance(session: StudySession, cadre: Cadre, hours: Decimal) -> None:
    if session.date > timezone.localdate():
        raise InvalidInput("学法活动尚未举行，不能签到")
    if not cadre.unit.is_within(session.unit):
        raise InvalidInput(f"{cadre.name}不属于{session.unit.name}及其下级单位，不能计入本次学法")
    if not cadre.active:
        raise InvalidInput(f"{cadre.name}已不在职，不能签到")
    if hours is None or hours < ZERO:
        raise InvalidInput("计入学时不能为负数")
    if hours > session.hours:
        raise InvalidInput(f"计入学时（{hours}）不能超过本次活动学时（{session.hours}）")


@transaction.atomic
def check_in(
    session: StudySession,
    cadre: Cadre,
    *,
    actor,
    hours: Decimal | None = None,
    source: str = AttendanceSource.PAGE,
) -> Attendance:
    """Record (or correct the hours of) one cadre's attendance."""
    scoping.require(actor, Perm.CHANGE, session.unit, REFUSED)
    hours = session.hours if hours is None else Decimal(hours)
    _validate_attendance(session, cadre, hours)
    row = Attendance.objects.select_for_update().filter(session=session, cadre=cadre).first()
    if row is None:
        row = Attendance(
            unit=session.unit, session=session, cadre=cadre, created_by=actor, source=source
        )
        event = audit.E.CREATE
    elif row.hours == hours:
        return row
    else:
        event = audit.E.UPDATE
    row.hours = hours
    save_validated(row, actor=actor, event=event)
    return row


@transaction.atomic
def remove_attendance(session: StudySession, cadre: Cadre, *, actor) -> bool:
    scoping.require(actor, Perm.CHANGE, session.unit, REFUSED)
    row = Attendance.objects.filter(session=session, cadre=cadre).first()
    if row is None:
        return False
    audit.record(audit.E.DELETE, obj=row, user=actor)
    row.delete()
    return True


@transaction.atomic
def set_attendance(
    session: StudySession,
    cadre_ids: set[int],
    *,
    actor,
    source: str = AttendanceSource.PAGE,
) -> tuple[int, int]:
    """Make the attendance list exactly ``cadre_ids`` (page check-in). Returns (added, removed)."""
    scoping.require(actor, Perm.CHANGE, session.unit, REFUSED)
    cadres = {c.pk: c for c in eligible_cadres(session).select_related("unit")}
    unknown = set(cadre_ids) - set(cadres)
    if unknown:
        raise InvalidInput("所选人员不在本单位在职干部名单中")
    current = set(session.attendances.values_list("cadre_id", flat=True))
    added = removed = 0
    for pk in sorted(set(cadre_ids) - current):
        check_in(session, cadres[pk], actor=actor, source=source)
        added += 1
    for row in session.attendances.filter(cadre_id__in=current - set(cadre_ids)).select_related(
        "cadre"
    ):
        remove_attendance(session, row.cadre, actor=actor)
        removed += 1
    return added, removed


# --------------------------------------------------------------------------- exam
EXAM_FIELDS = ("platform", "studied_online", "took_exam", "score")


UNSET = object()  # ``score=UNSET``: unchanged (``None`` clears it)


@transaction.atomic
def record_exam_result(
    cadre: Cadre,
    *,
    year: int,
    actor,
    platform: str | None = None,
    studied_online: bool | None = None,
    took_exam: bool | None = None,
    score: Decimal | None | object = UNSET,
) -> ExamResult:
    """Create or replace a cadre's exam result for ``year`` (``None``: unchanged)."""
    scoping.require(actor, Perm.CHANGE, cadre.unit, REFUSED)
    data = _given(platform=platform, studied_online=studied_online, took_exam=took_exam)
    if score is not UNSET:
        data["score"] = score
    if not 2000 <= int(year) <= timezone.localdate().year + 1:
        raise InvalidInput("年度不正确")
    row = ExamResult.objects.select_for_update().filter(cadre=cadre, year=year).first()
    event = audit.E.UPDATE
    if row is None:
        row = ExamResult(unit=cadre.unit, cadre=cadre, year=year, created_by=actor)
        event = audit.E.CREATE
    apply_fields(row, data, EXAM_FIELDS)
    if row.score is not None:
        row.took_exam = True
    if row.took_exam and row.score is None:
        raise InvalidInput(f"{cadre.name}：参加考试的须填写成绩")
    save_validated(row, actor=actor, event=event)
    return row


# --------------------------------------------------------------------------- figures
def elapsed_fraction(year: int, today: dt.date) -> Decimal:
    """How much of ``year`` has passed on ``today`` (0 before it starts, 1 after it ends)."""
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return ZERO
    days = 366 if calendar.isleap(year) else 365
    done = (today - dt.date(year, 1, 1)).days + 1
    return Decimal(done) / Decimal(days)


class Pace:
    MET = "met"
    ON_PACE = "on_pace"
    BEHIND = "behind"
    SHORT = "short"  # the year is over and the requirement was not met

    LABELS = {MET: "已达标", ON_PACE: "进度正常", BEHIND: "落后于进度", SHORT: "未达标"}


@dataclass
class CadreHours:
    cadre: Cadre
    hours: Decimal
    sessions: int
    required: Decimal
    expected: Decimal  # the pro-rata requirement so far

    @property
    def status(self) -> str:
        if self.hours >= self.required:
            return Pace.MET
        if self.expected >= self.required:
            return Pace.SHORT
        if self.hours >= self.expected:
            return Pace.ON_PACE
        return Pace.BEHIND

    @property
    def status_label(self) -> str:
        return Pace.LABELS[self.status]

    @property
    def behind(self) -> bool:
        return self.status in (Pace.BEHIND, Pace.SHORT)

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.required - self.hours)

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.hours * 100 / self.required))


def hours_report(
    cadres, year: int, *, today: dt.date | None = None, rules: Rules
) -> list[CadreHours]:
    today = today or timezone.localdate()
    expected = (rules.required_hours * elapsed_fraction(year, today)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    listed = cadres.values("pk") if hasattr(cadres, "values") else [c.pk for c in cadres]
    cadres = list(cadres)
    # the year's hours and sessions of every listed cadre in one grouped pass (two
    # correlated subqueries per cadre took 128 ms for a county's 447 cadres)
    totals = {
        row["cadre"]: (row["total"], row["n"])
        for row in Attendance.objects.filter(cadre__in=listed, session__date__year=year)
        .order_by()
        .values("cadre")
        .annotate(total=Sum("hours"), n=Count("pk"))
    }
    out = []
    for c in cadres:
        total, n = totals.get(c.pk, (ZERO, 0))
        out.append(
            CadreHours(
                c,
                Decimal(total or 0).quantize(Decimal("0.1")),
                n or 0,
                rules.required_hours,
                expected,
            )
        )
    return out


def cadre_hours(cadre: Cadre, year: int, *, today: dt.date | None = None) -> CadreHours:
    rules = rules_for(cadre.unit)
    return hours_report(Cadre.objects.filter(pk=cadre.pk), year, today=today, rules=rules)[0]


@dataclass
class ExamRates:
    cadres: int
    studied: int
    took: int
    passed: int
    excellent: int
    rules: Rules

    @property
    def study_rate(self):  # 参学率
        return rate(self.studied, self.cadres)

    @property
    def participation_rate(self):  # 参考率
        return rate(self.took, self.cadres)

    @property
    def pass_rate(self):  # 合格率
        return rate(self.passed, self.took)

    @property
    def excellent_rate(self):  # 优秀率
        return rate(self.excellent, self.took)

    def as_dict(self) -> dict:
        return {
            "cadres": self.cadres,
            "studied": self.studied,
            "took": self.took,
            "passed": self.passed,
            "excellent": self.excellent,
            "study_rate": self.study_rate,
            "participation_rate": self.participation_rate,
            "pass_rate": self.pass_rate,
            "excellent_rate": self.excellent_rate,
            "exam_pass": self.rules.exam_pass,
            "exam_excellent": self.rules.exam_excellent,
        }


def exam_cadres(unit: Unit, year: int):
    """The cadres the rates count: active ones, and any who have a result for the year."""
    return (
        Cadre.objects.in_subtree(unit)
        .filter(Q(active=True) | Q(exam_results__year=year))
        .distinct()
    )


def exam_rates(unit: Unit, year: int, *, rules: Rules | None = None) -> ExamRates:
    """参学率, 参考率, 合格率, 优秀率 for ``unit``'s subtree in ``year`` (two queries)."""
    rules = rules or rules_for(unit)
    agg = (
        ExamResult.objects.in_subtree(unit)
        .filter(year=year)
        .aggregate(
            studied=Count("pk", filter=Q(studied_online=True)),
            took=Count("pk", filter=Q(took_exam=True)),
            passed=Count("pk", filter=Q(took_exam=True, score__gte=rules.exam_pass)),
            excellent=Count("pk", filter=Q(took_exam=True, score__gte=rules.exam_excellent)),
        )
    )
    return ExamRates(exam_cadres(unit, year).count(), rules=rules, **agg)


def exam_rates_by_unit(parent: Unit, units, year: int, *, rules: Rules) -> list[tuple]:
    """``(unit, exam_rates(unit))`` for child units of ``parent`` (the exam page's table), in
    two grouped queries instead of two per unit: rows are grouped by the child's path."""
    units = list(units)
    widths = {len(u.path) for u in units}
    if len(widths) != 1 or any(not u.path.startswith(parent.path) for u in units):
        return [(u, exam_rates(u, year, rules=rules)) for u in units]
    branch = Substr("unit__path", 1, widths.pop())
    results = {
        r.pop("branch"): r
        for r in ExamResult.objects.filter(year=year, unit__path__startswith=parent.path)
        .annotate(branch=branch)
        .order_by()
        .values("branch")
        .annotate(
            studied=Count("pk", filter=Q(studied_online=True)),
            took=Count("pk", filter=Q(took_exam=True)),
            passed=Count("pk", filter=Q(took_exam=True, score__gte=rules.exam_pass)),
            excellent=Count("pk", filter=Q(took_exam=True, score__gte=rules.exam_excellent)),
        )
    }
    cadres = dict(  # exam_cadres(): active, or with a result for the year; each once
        Cadre.objects.filter(unit__path__startswith=parent.path)
        .filter(Q(active=True) | Q(exam_results__year=year))
        .annotate(branch=branch)
        .order_by()
        .values("branch")
        .annotate(n=Count("pk", distinct=True))
        .values_list("branch", "n")
    )
    none = {"studied": 0, "took": 0, "passed": 0, "excellent": 0}
    return [
        (u, ExamRates(cadres.get(u.path, 0), rules=rules, **results.get(u.path, none)))
        for u in units
    ]


def session_summary(unit: Unit, year: int) -> dict:
    """Sessions in the year by kind, with leadership-group sessions counted apart."""
    qs = StudySession.objects.in_subtree(unit).filter(date__year=year)
    agg = qs.aggregate(
        total=Count("pk"),
        leadership=Count("pk", filter=Q(leadership_group=True)),
        hours=Coalesce(Sum("hours"), Value(ZERO), output_field=DecimalField()),
    )
    by_kind = dict(qs.order_by().values_list("kind").annotate(n=Count("pk")))
    agg["by_kind"] = [(label, by_kind.get(value, 0)) for value, label in SessionKind.choices]
    return agg


# --------------------------------------------------------------------------- indicators
def indicator_sessions(unit: Unit, year: int) -> int:
    """learning.sessions: study sessions held in ``unit``'s subtree in ``year``."""
    return StudySession.objects.in_subtree(unit).filter(date__year=year).count()


def indicator_cadres_hours_rate(unit: Unit, year: int) -> Decimal | None:
    """learning.cadres_40h_rate: % of active cadres whose year's hours meet the requirement."""
    rules = rules_for(unit)
    cadres = Cadre.objects.in_subtree(unit).filter(active=True)
    total = cadres.count()
    if rules.required_hours <= 0:
        return rate(total, total)
    # one grouped pass over the year's attendance (not a subquery per cadre: a county has
    # thousands of cadres and tens of thousands of attendance rows a year)
    met = (
        Attendance.objects.filter(cadre__in=cadres.values("pk"), session__date__year=year)
        .order_by()
        .values("cadre")
        .annotate(total=Sum("hours"))
        .filter(total__gte=rules.required_hours)
        .count()
    )
    return rate(met, total)


def indicator_exam_participation_rate(unit: Unit, year: int) -> Decimal | None:
    """learning.exam_participation_rate: 参考率 (took the exam / cadres)."""
    return exam_rates(unit, year).participation_rate


INDICATORS = {
    "learning.sessions": indicator_sessions,
    "learning.cadres_40h_rate": indicator_cadres_hours_rate,
    "learning.exam_participation_rate": indicator_exam_participation_rate,
}
