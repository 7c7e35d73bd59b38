"""Law study (学法): cadres, study sessions with attendance and hours, the yearly online exam.

Rules kept here and in ``services``:
- a cadre's study hours in a year = the hours credited on their attendance rows for
  sessions dated in that year; the requirement (40 hours by default) is set per county
  (``LearningSettings``);
- sessions of the leadership group (领导班子学法, 中心组学法) are counted apart;
- the yearly online exam (法宣在线 and similar) is one ``ExamResult`` per cadre and year;
  pass and excellent marks come from the county's settings when the rates are computed.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.history import history
from fazhi.core.models import LedgerModel, UnitSettings

DEFAULT_REQUIRED_HOURS = Decimal("40")
DEFAULT_EXAM_QUESTIONS = 50
DEFAULT_EXAM_PASS = Decimal("60")
DEFAULT_EXAM_EXCELLENT = Decimal("90")


class LearningSettings(UnitSettings):
    """A county's study rules (its ``unit`` is the county); townships inherit them."""

    required_hours = models.DecimalField(
        "年度学法时长要求（小时）",
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_REQUIRED_HOURS,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("500"))],
    )
    exam_questions = models.PositiveSmallIntegerField(
        "考试题量",
        default=DEFAULT_EXAM_QUESTIONS,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    exam_pass = models.DecimalField(
        "合格分数线",
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_EXAM_PASS,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    exam_excellent = models.DecimalField(
        "优秀分数线",
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_EXAM_EXCELLENT,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "学法设置"
        constraints = [
            models.UniqueConstraint(fields=["unit"], name="learning_settings_one_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.unit}学法设置"


class Cadre(LedgerModel):
    """A person in a unit whose study hours are counted (干部)."""

    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=100, blank=True)
    is_leader = models.BooleanField("领导干部", default=False)
    in_leadership_group = models.BooleanField("领导班子成员", default=False)
    active = models.BooleanField("在职", default=True, db_index=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["unit__path", "-in_leadership_group", "name"]
        indexes = [models.Index(fields=["unit", "name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class SessionKind(models.TextChoices):
    PRE_MEETING = "pre_meeting", "会前学法"
    CENTRAL_GROUP = "central_group", "党委理论学习中心组学法"
    LECTURE = "lecture", "专题讲座"
    TRAINING = "training", "培训"
    COURT_HEARING = "court_hearing", "旁听庭审"
    ONLINE = "online", "在线学习"
    SEMINAR = "seminar", "专题研讨"
    PARTY_LECTURE = "party_lecture", "专题党课"
    LAW_LECTURE = "law_lecture", "法律讲座"


# Kinds that are leadership-group study by nature (counted apart as 领导班子学法).
LEADERSHIP_KINDS = frozenset({SessionKind.CENTRAL_GROUP})


class StudySession(LedgerModel):
    kind = models.CharField("学法形式", max_length=20, choices=SessionKind.choices)
    date = models.DateField("日期", db_index=True)
    topic = models.CharField("主题", max_length=200)
    laws = models.TextField("学习的法律法规", blank=True)
    lecturer = models.CharField("主讲人", max_length=100, blank=True)
    hours = models.DecimalField(
        "学时（小时）",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("40"))],
    )
    leadership_group = models.BooleanField(
        "领导班子学法", default=False, help_text="领导班子集体学法（含中心组学法），单独统计"
    )
    place = models.CharField("地点", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "学法活动"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class AttendanceSource(models.TextChoices):
    PAGE = "page", "页面签到"
    SIGN_IN_SHEET = "sheet", "签到表导入"
    API = "api", "接口"


class Attendance(LedgerModel):
    """One cadre at one session, with the hours credited (the session's hours by default)."""

    session = models.ForeignKey(
        StudySession, on_delete=models.CASCADE, related_name="attendances", verbose_name="学法活动"
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="attendances", verbose_name="干部"
    )
    hours = models.DecimalField(
        "计入学时",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    source = models.CharField(
        "来源", max_length=10, choices=AttendanceSource.choices, default=AttendanceSource.PAGE
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "参学记录"
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} @ {self.session}"


class ExamResult(LedgerModel):
    """One cadre's yearly online law exam (法宣在线 and similar)."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="exam_results", verbose_name="干部"
    )
    platform = models.CharField("考试平台", max_length=50, default="法宣在线")
    studied_online = models.BooleanField("参加在线学习", default=False)
    took_exam = models.BooleanField("参加考试", default=False)
    score = models.DecimalField(
        "成绩",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "学法考试成绩"
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="exam_result_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.cadre.name} {self.score if self.score is not None else '未考'}"
