"""Major administrative decisions (重大行政决策), their catalog, steps and collective discussions."""

from __future__ import annotations

from django.db import models

from fazhi.core.history import history
from fazhi.core.models.base import LedgerModel


class CatalogStatus(models.TextChoices):
    DRAFT = "draft", "编制中"
    APPROVED = "approved", "已审定"
    PUBLISHED = "published", "已公布"


class DecisionCatalog(LedgerModel):
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("目录名称", max_length=200)
    status = models.CharField(
        "状态", max_length=20, choices=CatalogStatus.choices, default=CatalogStatus.DRAFT
    )
    approved_on = models.DateField("审定日期", null=True, blank=True)
    approval_meeting = models.CharField("审定会议", max_length=200, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    publish_channel = models.CharField("公布渠道", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "重大行政决策目录"
        ordering = ["-year", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="decision_catalog_unit_year")
        ]

    def __str__(self) -> str:
        return self.title


class DecisionStatus(models.TextChoices):
    DRAFTING = "drafting", "起草论证"
    DISCUSSING = "discussing", "提交集体讨论"
    DISCUSSED = "discussed", "集体讨论通过"
    REPORTED = "reported", "已向党委请示报告"
    DECIDED = "decided", "已决定"
    PUBLISHED = "published", "已公布"
    ARCHIVED = "archived", "已归档"
    TERMINATED = "terminated", "已终止"


class DecisionKind(models.TextChoices):
    MAJOR = "major", "重大行政决策"


class MajorDecision(LedgerModel):
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("决策事项", max_length=200)
    catalog = models.ForeignKey(
        DecisionCatalog, on_delete=models.PROTECT, related_name="decisions", verbose_name="决策目录"
    )
    added_reason = models.CharField("目录外增补理由", max_length=500, blank=True)
    drafting_office = models.CharField("承办单位", max_length=100)
    summary = models.TextField("决策草案要点", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFTING
    )
    # Which conditional steps apply, each with the reason (None = not yet determined).
    participation_applies = models.BooleanField("需公众参与", null=True, blank=True)
    participation_reason = models.CharField("公众参与适用说明", max_length=500, blank=True)
    hearing_applies = models.BooleanField("需举行听证会", null=True, blank=True)
    hearing_reason = models.CharField("听证适用说明", max_length=500, blank=True)
    expert_applies = models.BooleanField("需专家论证", null=True, blank=True)
    expert_reason = models.CharField("专家论证适用说明", max_length=500, blank=True)
    risk_applies = models.BooleanField("需风险评估", null=True, blank=True)
    risk_reason = models.CharField("风险评估适用说明", max_length=500, blank=True)
    party_reported_on = models.DateField("向党委请示报告日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_doc_number = models.CharField("决定文号", max_length=100, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    publish_channel = models.CharField("公布渠道", max_length=200, blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)
    end_reason = models.CharField("终止理由", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "重大行政决策"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["unit", "year", "status"])]

    def __str__(self) -> str:
        return self.title


class StepKind(models.TextChoices):
    PARTICIPATION = "participation", "公众参与"
    HEARING = "hearing", "听证会"
    EXPERT = "expert", "专家论证"
    RISK = "risk", "风险评估"
    PARTY_REPORT = "party_report", "向党委请示报告"
    EVALUATION = "evaluation", "决策后评估"
    REVISION = "revision", "修改决策草案"


class RiskLevel(models.TextChoices):
    LOW = "low", "低风险（可控）"
    MEDIUM = "medium", "中风险（可控）"
    HIGH = "high", "高风险（采取措施后可控）"
    UNCONTROLLABLE = "uncontrollable", "风险不可控"


class DecisionStep(LedgerModel):
    """One recorded procedure step of a major decision, with its dates, people and materials."""

    decision = models.ForeignKey(
        MajorDecision, on_delete=models.CASCADE, related_name="steps", verbose_name="决策"
    )
    kind = models.CharField("环节", max_length=20, choices=StepKind.choices)
    started_on = models.DateField("开始日期", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    people = models.TextField("参加人员", blank=True)
    summary = models.TextField("情况与意见", blank=True)
    opinions_count = models.PositiveIntegerField("收到意见数", null=True, blank=True)
    handling = models.TextField("意见采纳情况", blank=True)
    short_reason = models.CharField("缩短期限理由", max_length=500, blank=True)
    materials_sent_on = models.DateField("材料送达日期", null=True, blank=True)
    record_signed = models.BooleanField("笔录已签字", default=False)
    interest_excluded = models.BooleanField("已排除有直接利害关系的专家", default=False)
    signed = models.BooleanField("书面意见已签名", default=False)
    risk_level = models.CharField("风险等级", max_length=20, choices=RiskLevel.choices, blank=True)
    risk_points = models.TextField("风险点", blank=True)
    measures = models.TextField("防范化解措施", blank=True)
    plan = models.TextField("处置预案", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "决策程序环节"
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return f"{self.decision}：{self.get_kind_display()}"


class MeetingKind(models.TextChoices):
    EXECUTIVE = "executive", "政府常务会议"
    PLENARY = "plenary", "政府全体会议"
    LEADERSHIP = "leadership", "乡镇领导班子会议"
    PARTY = "party", "党委会议"


class MatterCategory(models.TextChoices):
    DECISION = "decision", "重大行政决策"
    MAJOR_MATTER = "major_matter", "重大事项决策"
    APPOINTMENT = "appointment", "重要干部任免"
    PROJECT = "project", "重大项目安排"
    FUNDS = "funds", "大额度资金使用"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "通过"
    REJECTED = "rejected", "不通过"
    DEFERRED = "deferred", "暂缓决定"


class CollectiveDiscussion(LedgerModel):
    """A collective decision record: of a major decision, or of a "三重一大" matter on its own."""

    decision = models.ForeignKey(
        MajorDecision,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discussions",
        verbose_name="重大行政决策",
    )
    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    title = models.CharField("议题", max_length=200)
    meeting_kind = models.CharField("会议", max_length=20, choices=MeetingKind.choices)
    meeting_date = models.DateField("会议日期", db_index=True)
    members_total = models.PositiveSmallIntegerField("应到人数")
    attendees_count = models.PositiveSmallIntegerField("实到人数")
    head_name = models.CharField("主持人（主要负责人）", max_length=50)
    outcome = models.CharField("决定结果", max_length=20, choices=Outcome.choices)
    majority_view = models.CharField("多数意见", max_length=20, blank=True)
    head_reason = models.TextField("主要负责人不同于多数意见的理由", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "集体讨论决定"
        ordering = ["-meeting_date", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.meeting_date:%Y-%m-%d} {self.get_meeting_kind_display()}）"


class View(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"
    ABSTAIN = "abstain", "弃权"


class MemberView(models.Model):
    """One member's view at a collective discussion, in speaking order; dissent as stated."""

    discussion = models.ForeignKey(
        CollectiveDiscussion, on_delete=models.CASCADE, related_name="views"
    )
    order = models.PositiveSmallIntegerField("发言顺序")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    is_head = models.BooleanField("主要负责人", default=False)
    view = models.CharField("意见", max_length=20, choices=View.choices)
    statement = models.TextField("发言要点", blank=True)

    class Meta:
        ordering = ["discussion", "order"]
        verbose_name = verbose_name_plural = "参会人员意见"

    def __str__(self) -> str:
        return f"{self.name}：{self.get_view_display()}"
