"""The study ledgers (干部, 学法活动) as the pages, Excel and the CLI see them.

The exam page, the overview and the settings stay plain views (``views.py``); the
attendance of a session is kept on the session's detail page (``_session_extra.html``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models import (
    F as Ref,
)
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Filt, Ledger, bool_filter, model_fields, registered, unit_col
from fazhi.ledgers.fields import F
from fazhi.ledgers.importing import Importer

from . import importers, services
from .models import (
    DEFAULT_EXAM_EXCELLENT,
    DEFAULT_EXAM_PASS,
    DEFAULT_REQUIRED_HOURS,
    Attendance,
    Cadre,
    ExamResult,
    LearningSettings,
    SessionKind,
    StudySession,
)
from .schemas import CadreOut, SessionDetailOut

TABS = [
    ("index", "概览"),
    ("session_list", "学法活动"),
    ("cadre_list", "干部学法时长"),
    ("exam", "学法考试"),
    ("exam_result_list", "考试成绩"),
    ("settings", "设置"),
]

# --------------------------------------------------------------------------- cadres
CADRE_FIELDS = (
    F("name", "姓名"),
    F("post", "职务", required=False),
    F("is_leader", "领导干部", "bool"),
    F("in_leadership_group", "领导班子成员", "bool"),
)
CADRE_EDIT_FIELDS = (*CADRE_FIELDS, F("active", "在职", "bool"))


def _create_cadre(*, unit, actor, raw):
    data = flow.parse(CADRE_FIELDS, raw)
    return services.create_cadre(
        unit=unit,
        actor=actor,
        name=data["name"],
        post=data["post"] or "",
        is_leader=data["is_leader"],
        in_leadership_group=data["in_leadership_group"],
    )


def _update_cadre(obj, *, actor, raw):
    data = flow.parse(CADRE_EDIT_FIELDS, raw)
    return services.update_cadre(
        obj,
        actor=actor,
        name=data["name"],
        post=data["post"] or "",
        is_leader=data["is_leader"],
        in_leadership_group=data["in_leadership_group"],
        active=data["active"],
    )


def _year(p) -> int:
    """The year the figures are for: ``?year=``, else the switcher's (pages), else this one."""
    if p.request is not None:
        from fazhi.web.switcher import current_year

        return current_year(p.request)
    return p.year() or timezone.localdate().year


DEC = DecimalField(max_digits=7, decimal_places=1)


def county_setting(name: str, default: Decimal):
    """A county's study setting for each listed record, in SQL: the one LearningSettings
    whose unit's path begins the record's unit path (settings exist for counties only)."""
    row = LearningSettings.objects.filter(
        unit__path=Substr(OuterRef("unit__path"), 1, Length("unit__path"))
    ).values(name)[:1]
    return Coalesce(Subquery(row, output_field=DEC), Value(default), output_field=DEC)


def _with_hours(qs, p):
    """Each cadre's hours and sessions in the year, and the county's requirement (SQL)."""
    year = _year(p)
    if p.choice("inactive", ("1",)) != "1":
        qs = qs.filter(active=True)
    attended = Attendance.objects.filter(cadre=OuterRef("pk"), session__date__year=year).order_by()
    hours = attended.values("cadre").annotate(t=Sum("hours")).values("t")
    sessions = attended.values("cadre").annotate(n=Count("pk")).values("n")
    return qs.annotate(
        year_hours=Coalesce(Subquery(hours, output_field=DEC), Value(Decimal(0)), output_field=DEC),
        year_sessions=Coalesce(Subquery(sessions, output_field=IntegerField()), Value(0)),
        required_hours=county_setting("required_hours", DEFAULT_REQUIRED_HOURS),
        hours_year=Value(year, output_field=IntegerField()),
    )


def hours_of(o) -> services.CadreHours:
    """A listed cadre's hours against the requirement, from the annotations above."""
    cached = getattr(o, "_hours", None)
    if cached is not None:
        return cached
    required = Decimal(o.required_hours)
    fraction = services.elapsed_fraction(o.hours_year, timezone.localdate())
    expected = (required * fraction).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    o._hours = services.CadreHours(
        o, Decimal(o.year_hours or 0).quantize(Decimal("0.1")), o.year_sessions, required, expected
    )
    return o._hours


STATUS_CHOICES = (
    ("behind", "落后或未达标"),
    (services.Pace.MET, services.Pace.LABELS[services.Pace.MET]),
    (services.Pace.ON_PACE, services.Pace.LABELS[services.Pace.ON_PACE]),
    (services.Pace.SHORT, services.Pace.LABELS[services.Pace.SHORT]),
)


def _by_status(qs, value):
    """Status is reckoned as the page shows it (``CadreHours``), so the two never differ."""
    rows = [hours_of(o) for o in qs.order_by()]
    if value == "behind":
        keep = [r.cadre.pk for r in rows if r.behind]
    else:
        keep = [r.cadre.pk for r in rows if r.status == value]
    return qs.filter(pk__in=keep)


def _cadre_context(obj, request):
    from fazhi.web.switcher import current_year

    year = current_year(request)
    return {
        "year": year,
        "hours": services.cadre_hours(obj, year),
        "attendances": Attendance.objects.filter(cadre=obj, session__date__year=year)
        .select_related("session")
        .order_by("-session__date"),
        "exams": ExamResult.objects.filter(cadre=obj).order_by("-year"),
    }


def _save_roster_row(*, unit, actor, row):
    return services.create_cadre(
        unit=unit,
        actor=actor,
        name=row["name"],
        post=row.get("post") or "",
        is_leader=bool(row.get("is_leader")),
        in_leadership_group=bool(row.get("in_leadership_group")),
    )


ROSTER = Importer(
    columns=importers.ROSTER_COLUMNS,
    save=_save_roster_row,
    # A cadre is one name with one post in one unit: a roster imported twice adds nobody.
    key_columns=("name", "post"),
    note="每行一名干部；同一单位中姓名与职务都相同的视为已在名单中，不重复添加。",
)

CADRE = Ledger(
    app="learning",
    key="cadre",
    plural="cadres",
    model=Cadre,
    title="干部学法时长",
    columns=[
        Col("姓名", lambda o: o.name, "name"),
        Col("职务", lambda o: o.post),
        unit_col(),
        Col("领导干部", lambda o: o.is_leader),
        Col("领导班子成员", lambda o: o.in_leadership_group),
        Col("在职", lambda o: o.active),
        Col("参学次数", lambda o: o.year_sessions, "year_sessions"),
        Col("学法时长", lambda o: hours_of(o).hours, "year_hours"),
        Col("年度要求", lambda o: hours_of(o).required),
        Col("按进度应达", lambda o: hours_of(o).expected),
        Col("状态", lambda o: hours_of(o).status_label),
    ],
    filters=[
        Filt("status", "状态", STATUS_CHOICES, _by_status),
        Filt(
            "leaders",
            "领导干部",
            (("1", "只看领导干部"),),
            lambda qs, v: qs.filter(Q(is_leader=True) | Q(in_leadership_group=True)),
        ),
        Filt("inactive", "在职", (("1", "含已不在职"),), lambda qs, v: qs),  # in _with_hours
    ],
    search=("name", "post"),
    prepare=_with_hours,
    ordering=("unit__path", "-in_leadership_group", "name"),
    create_fields=CADRE_FIELDS,
    create=_create_cadre,
    edit_fields=CADRE_EDIT_FIELDS,
    update=_update_cadre,
    importer=ROSTER,
    detail=lambda o: model_fields(
        o, ["name", "post", "is_leader", "in_leadership_group", "active"]
    ),
    extra_template="learning/_cadre_extra.html",
    extra_context=_cadre_context,
    names={"new": "cadre_create"},
    out=CadreOut,
    notices={"created": "已添加干部"},
    empty="添加干部，或从 Excel 导入干部名册（列：姓名、职务、领导干部、班子成员）。",
)

# --------------------------------------------------------------------------- sessions
SESSION_FIELDS = (
    F("kind", "学法形式", "choice", choices=tuple(SessionKind.choices)),
    F("date", "日期", "date"),
    F("topic", "主题"),
    F("laws", "学习的法律法规", "textarea", required=False),
    F("lecturer", "主讲人", required=False),
    F("hours", "学时（小时）", "decimal"),
    F("leadership_group", "领导班子学法（含中心组学法，单独统计）", "bool"),
    F("place", "地点", required=False),
    F("notes", "备注", "textarea", required=False),
)


def _session_data(raw) -> dict:
    data = flow.parse(SESSION_FIELDS, raw)
    for key in ("laws", "lecturer", "place", "notes"):
        data[key] = data[key] or ""
    return data


def _create_session(*, unit, actor, raw):
    return services.create_session(unit=unit, actor=actor, **_session_data(raw))


def _update_session(obj, *, actor, raw):
    return services.update_session(obj, actor=actor, **_session_data(raw))


def _session_context(obj, request):
    from fazhi.core import scoping
    from fazhi.core.roles import Perm

    attended = {
        a.cadre_id: a
        for a in obj.attendances.select_related("cadre", "cadre__unit").order_by("cadre__name")
    }
    eligible = list(services.eligible_cadres(obj).select_related("unit"))
    extra = [a.cadre for a in attended.values() if a.cadre not in eligible]
    return {
        "rows": [(c, attended.get(c.pk)) for c in eligible + extra],
        "attended_count": len(attended),
        "can_check_in": scoping.can(request.user, Perm.CHANGE, obj),
        "upcoming": obj.date > timezone.localdate(),
        "attendance_history": Attendance.history.filter(session_id=obj.pk)
        .select_related("history_user", "cadre")
        .order_by("-history_date")[:50],
        "session_ct": ContentType.objects.get_for_model(obj).pk,
    }


SESSION = Ledger(
    app="learning",
    key="session",
    plural="sessions",
    model=StudySession,
    title="学法活动",
    # The Excel columns, in the order of the old 学法活动台账 (日期 first).
    columns=[
        Col("日期", lambda o: o.date, "date"),
        unit_col(),
        Col("学法形式", lambda o: o.get_kind_display(), "kind"),
        Col("主题", lambda o: o.topic, "topic"),
        Col("学习的法律法规", lambda o: o.laws),
        Col("主讲人", lambda o: o.lecturer),
        Col("学时", lambda o: o.hours, "hours"),
        Col("领导班子学法", lambda o: o.leadership_group),
        Col("地点", lambda o: o.place),
        Col("参学人数", lambda o: o.n, "n"),
    ],
    filters=[
        Filt("kind", "学法形式", tuple(SessionKind.choices)),
        Filt(
            "leadership",
            "领导班子学法",
            (("1", "只看领导班子学法"),),
            lambda qs, v: qs.filter(leadership_group=True),
        ),
    ],
    search=("topic", "laws", "lecturer"),
    related=("unit", "created_by"),
    annotate=lambda qs: qs.annotate(n=Count("attendances")),
    year_field="date__year",
    date_field="date",
    ordering=("-date", "-pk"),
    create_fields=SESSION_FIELDS,
    create=_create_session,
    update=_update_session,
    detail=lambda o: (
        model_fields(o, ["date", "kind", "topic", "laws", "lecturer", "hours"])
        + [("领导班子学法", "是（单独统计）" if o.leadership_group else "否")]
        + model_fields(o, ["place", "notes"])
        + registered(o)
    ),
    extra_template="learning/_session_extra.html",
    extra_context=_session_context,
    names={"new": "session_create"},
    out=SessionDetailOut,
    notices={"created": "学法活动已登记，请记录参学人员"},
    empty="登记一次学法活动并记录参学人员。",
)

# --------------------------------------------------------------------------- exam results
EXAM_FIELDS = (
    F("year", "年度", "int"),
    F("platform", "考试平台", required=False),
    F("studied_online", "参加在线学习", "bool"),
    F("took_exam", "参加考试", "bool"),
    F("score", "成绩（0–100，参加考试的必填）", "decimal", required=False),
)
EXAM_CADRE = F("cadre", "干部", "choice")


def _exam_args(data) -> dict:
    return {
        "platform": data["platform"] or "法宣在线",
        "studied_online": data["studied_online"],
        "took_exam": data["took_exam"],
        "score": data["score"],
    }


def _create_exam(*, unit, actor, raw):
    from fazhi.core.errors import InvalidInput
    from fazhi.core.params import parse_int

    pk = parse_int((raw or {}).get("cadre"))
    cadre = Cadre.objects.in_subtree(unit).filter(pk=pk).select_related("unit").first()
    if cadre is None:
        raise InvalidInput(f"请选择{unit.name}及其下级单位的干部")
    data = flow.parse(EXAM_FIELDS, raw)
    return services.record_exam_result(cadre, year=data["year"], actor=actor, **_exam_args(data))


def _update_exam(obj, *, actor, raw):
    data = flow.parse(EXAM_FIELDS[1:], raw)
    return services.record_exam_result(obj.cadre, year=obj.year, actor=actor, **_exam_args(data))


def _exam_choices(obj, name, user):
    if name != "cadre":
        return ()
    from fazhi.core import scoping
    from fazhi.core.roles import Perm

    units = scoping.visible_units(user, Perm.CHANGE)
    cadres = (
        Cadre.objects.filter(active=True, unit__in=units)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    return [(str(c.pk), f"{c.name}（{c.post or '—'}，{c.unit.name}）") for c in cadres[:500]]


def _level(o) -> str:
    """等次 by the county's marks (annotated as ``mark_pass`` / ``mark_excellent``)."""
    if not o.took_exam or o.score is None:
        return ""
    if o.score >= o.mark_excellent:
        return "优秀"
    return "合格" if o.score >= o.mark_pass else "不合格"


_LEVELS = {
    "excellent": lambda qs: qs.filter(took_exam=True, score__gte=Ref("mark_excellent")),
    "pass": lambda qs: qs.filter(
        took_exam=True, score__gte=Ref("mark_pass"), score__lt=Ref("mark_excellent")
    ),
    "fail": lambda qs: qs.filter(took_exam=True, score__lt=Ref("mark_pass")),
}


def _save_exam_row(*, unit, actor, row):
    cadre = importers.find_cadre(unit, row)
    return services.record_exam_result(cadre, actor=actor, **importers.exam_values(row))


def _exam_key(unit, row):
    """The same result already recorded (a changed score is recorded again: it replaces)."""
    values = importers.exam_values(row)
    return {
        "unit__path__startswith": unit.path,
        "cadre__active": True,
        "cadre__name": str(row.get("name") or "").strip(),
        **({"cadre__post": str(row["post"]).strip()} if row.get("post") else {}),
        **values,
    }


EXAM_RESULTS = Importer(
    columns=importers.EXAM_LEDGER_COLUMNS,
    save=_save_exam_row,
    key=_exam_key,
    unit_column=False,
    note="考试平台的成绩导出文件加“年度”列；干部按姓名（重名时加职务）在所选单位及下级单位的在职干部中查找。"
    "再次导入同一文件不会重复登记；成绩有变的记录按新成绩更新。",
)

EXAM = Ledger(
    app="learning",
    key="exam_result",
    plural="exam/results",
    model=ExamResult,
    title="学法考试成绩",
    columns=[
        Col("姓名", lambda o: o.cadre.name, "cadre__name"),
        Col("职务", lambda o: o.cadre.post),
        unit_col(),
        Col("年度", lambda o: o.year, "year"),
        Col("考试平台", lambda o: o.platform),
        Col("参学", lambda o: o.studied_online),
        Col("参考", lambda o: o.took_exam),
        Col("成绩", lambda o: o.score, "score"),
        Col("等次", _level),
    ],
    filters=[
        bool_filter("took_exam", "参考", ("yes", "参考"), ("no", "未参考")),
        Filt(
            "level",
            "等次",
            (("excellent", "优秀"), ("pass", "合格"), ("fail", "不合格")),
            lambda qs, v: _LEVELS[v](qs),
        ),
    ],
    search=("cadre__name",),
    related=("unit", "cadre"),
    annotate=lambda qs: qs.annotate(
        mark_pass=county_setting("exam_pass", DEFAULT_EXAM_PASS),
        mark_excellent=county_setting("exam_excellent", DEFAULT_EXAM_EXCELLENT),
    ),
    year_field="year",
    ordering=("-year", "unit__path", "cadre__name"),
    create_fields=(EXAM_CADRE, *EXAM_FIELDS),
    create=_create_exam,
    edit_fields=EXAM_FIELDS[1:],
    update=_update_exam,
    choices_for=_exam_choices,
    importer=EXAM_RESULTS,
    detail=lambda o: (
        [("干部", str(o.cadre)), ("单位", o.unit.name)]
        + model_fields(o, ["year", "platform", "studied_online", "took_exam", "score"])
    ),
    notices={"created": "已登记考试成绩"},
    empty="从考试平台导出成绩表（加“年度”列），点击“从Excel导入”。",
)

LEDGERS = [SESSION, CADRE, EXAM]
