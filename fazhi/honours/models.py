"""Honours (荣誉/创建) won or sought by a unit or a person, and the results of the
assessments (考核) a unit receives from the level above.

``Honour.unit`` is the holder: the village, township or county the title belongs to (for a
person's title, the unit they serve in, the person named in ``holder_name``). A
民主法治示范村(社区) title won is kept in step with the publicity app's model-village
ledger (``kept_by``; ``publicity.ModelVillage.honour`` points here)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class HonourKind(models.TextChoices):
    MODEL_VILLAGE = "model_village", "民主法治示范村"
    MODEL_COMMUNITY = "model_community", "民主法治示范社区"
    RULE_OF_LAW_TOWNSHIP = "rule_of_law_township", "法治乡镇(街道)"
    GOLD_ROOM = "gold_room", "金牌调解室"
    MODEL_MEDIATOR = "model_mediator", "模范调解员"
    ADVANCED_COLLECTIVE = "advanced_collective", "先进集体"
    ADVANCED_INDIVIDUAL = "advanced_individual", "先进个人"
    BEST_CASE = "best_case", "优秀调解案例"
    OTHER = "other", "其他荣誉"


# Titles a person holds (``holder_name`` is the person); the others belong to a unit or a
# body within it (a mediation room, a committee).
PERSON_KINDS = (HonourKind.MODEL_MEDIATOR, HonourKind.ADVANCED_INDIVIDUAL)
# Titles the publicity app's model-village ledger also keeps (one per village and level).
MODEL_KINDS = (HonourKind.MODEL_VILLAGE, HonourKind.MODEL_COMMUNITY)


class Level(models.TextChoices):
    """The same values as publicity's ``ModelLevel`` (a model village's title is an honour)."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


LEVEL_ORDER = [Level.NATIONAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY]


class HonourStatus(models.TextChoices):
    APPLYING = "applying", "申报中"
    AWARDED = "awarded", "已获评"
    REVIEWING = "reviewing", "复核中"
    NOT_AWARDED = "not_awarded", "未获评"
    REVOKED = "revoked", "已撤销"


# A title the holder has: won, and still held while it is being re-examined.
HELD = (HonourStatus.AWARDED, HonourStatus.REVIEWING)

KEPT_BY_MODEL_LEDGER = "publicity.model"


class Honour(LedgerModel):
    title = models.CharField("称号名称", max_length=200, help_text="如 全国民主法治示范村")
    kind = models.CharField("类别", max_length=30, choices=HonourKind.choices, db_index=True)
    level = models.CharField("级别", max_length=20, choices=Level.choices, db_index=True)
    year = models.PositiveSmallIntegerField(
        "年度", db_index=True, help_text="获评（命名）的年度；申报中为申报年度"
    )
    awarded_by = models.CharField("命名(表彰)单位", max_length=100, blank=True)
    document_no = models.CharField("文号", max_length=100, blank=True)
    holder_name = models.CharField(
        "获评对象", max_length=100, blank=True, help_text="个人称号填姓名；不填为本单位"
    )
    holder_post = models.CharField("职务(身份)", max_length=100, blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=HonourStatus.choices,
        default=HonourStatus.APPLYING,
        db_index=True,
    )
    applied_on = models.DateField("申报日期", null=True, blank=True)
    awarded_on = models.DateField("命名日期", null=True, blank=True)
    reviewed_on = models.DateField("复核日期", null=True, blank=True)
    reason = models.TextField("未获评/撤销原因", blank=True)
    dispute = models.ForeignKey(
        "disputes.Dispute",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="调解案件",
        help_text="优秀调解案例：获评的纠纷案件（本单位或下级的台账记录）",
    )
    notes = models.TextField("备注", blank=True)
    kept_by = models.CharField("同步台账", max_length=30, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "荣誉称号"
        ordering = ["-year", "unit__path", "id"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        who = self.holder_name or (self.unit.name if self.unit_id else "")
        return f"{who} {self.year}年{self.title}"

    @property
    def is_person(self) -> bool:
        return self.kind in PERSON_KINDS

    @property
    def dispute_number(self) -> str:
        """The 优秀调解案例's case as the disputes ledger numbers it ("" when none)."""
        return self.dispute.number if self.dispute_id else ""


class AssessmentKind(models.TextChoices):
    LAW_BASED_ADMIN = "law_based_admin", "依法行政考核"
    RULE_OF_LAW = "rule_of_law", "法治建设考核"
    OTHER = "other", "其他考核"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"


class Assessment(LedgerModel):
    """One assessment result of ``unit`` for ``year`` (考核年度), as the assessing body
    announced it: a score, a grade, a rank among the units assessed — any of them."""

    kind = models.CharField("考核类别", max_length=20, choices=AssessmentKind.choices)
    name = models.CharField("考核名称", max_length=200, help_text="如 2025年度全县乡镇法治建设考核")
    year = models.PositiveSmallIntegerField("考核年度", db_index=True)
    assessed_by = models.CharField("考核单位", max_length=100)
    score = models.DecimalField(
        "得分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    full_score = models.DecimalField(
        "满分",
        max_digits=6,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    grade = models.CharField("等次", max_length=20, choices=Grade.choices, blank=True)
    rank = models.PositiveSmallIntegerField(
        "名次", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    among = models.PositiveSmallIntegerField(
        "参评单位数", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    announced_on = models.DateField("通报日期", null=True, blank=True)
    document_no = models.CharField("通报文号", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "考核结果"
        ordering = ["-year", "unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind", "name"], name="assessment_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name if self.unit_id else ''} {self.name}"

    @property
    def score_text(self) -> str:
        """ "92.5", "90" (no trailing zeros); "" without a score."""
        return "" if self.score is None else f"{self.score.normalize():f}"
