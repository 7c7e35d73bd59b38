"""Legality reviews (合法性审查/审核) over decisions, documents, contracts and enforcement
decisions, their findings (发现的问题及整改), and contract reviews (合同审查)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from fazhi.core.history import history
from fazhi.core.models.base import LedgerModel, user_field


class SubjectKind(models.TextChoices):
    DECISION = "decision", "重大行政决策"
    DOCUMENT = "document", "规范性文件"
    CONTRACT = "contract", "合同"
    ENFORCEMENT = "enforcement", "重大执法决定"
    OTHER = "other", "其他"


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "待分配"
    ASSIGNED = "assigned", "审查中"
    COMPLETED = "completed", "已出具意见"


class Conclusion(models.TextChoices):
    LAWFUL = "lawful", "合法"
    LAWFUL_WITH_CHANGES = "changes", "修改后合法"
    UNLAWFUL = "unlawful", "不合法"


class LegalityReview(LedgerModel):
    subject_kind = models.CharField("审查对象", max_length=20, choices=SubjectKind.choices)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    subject_label = models.CharField("审查事项", max_length=200)
    drafting_office = models.CharField("送审（起草）单位", max_length=100)
    requested_on = models.DateField("送审日期", db_index=True)
    due_date = models.DateField("审查期限", db_index=True)
    due_provisional = models.BooleanField(default=False)
    reviewer = user_field("审查人", on_delete=models.PROTECT)
    reviewer_name = models.CharField("审查人", max_length=50, blank=True)
    reviewer_office = models.CharField("审查人所在机构", max_length=100, blank=True)
    reviewer_qualification = models.CharField("法律职业资格证书编号", max_length=50, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED
    )
    conclusion = models.CharField("审查结论", max_length=20, choices=Conclusion.choices, blank=True)
    opinion = models.TextField("审查意见", blank=True)
    opinion_on = models.DateField("出具意见日期", null=True, blank=True)
    working_days_taken = models.PositiveIntegerField("审查用时（工作日）", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "合法性审查"
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["unit", "requested_on", "status"])]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}：{self.subject_label}"

    @property
    def subject(self):
        if self.content_type_id is None:
            return None
        model = self.content_type.model_class()
        return model.objects.filter(pk=self.object_id).first() if model else None

    @property
    def open_findings(self):
        return self.findings.filter(fixed=False)

    @property
    def passed(self) -> bool:
        """Opinion given, not unlawful, and every finding fixed."""
        return (
            self.status == ReviewStatus.COMPLETED
            and self.conclusion != Conclusion.UNLAWFUL
            and not self.open_findings.exists()
        )


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class ReviewFinding(LedgerModel):
    review = models.ForeignKey(
        LegalityReview, on_delete=models.CASCADE, related_name="findings", verbose_name="审查"
    )
    description = models.TextField("发现的问题")
    severity = models.CharField("严重程度", max_length=20, choices=Severity.choices)
    fixed = models.BooleanField("已整改", default=False, db_index=True)
    fixed_on = models.DateField("整改日期", null=True, blank=True)
    fix_note = models.TextField("整改情况", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "审查发现的问题"
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class ContractStatus(models.TextChoices):
    REVIEWING = "reviewing", "审查中"
    REVIEWED = "reviewed", "已审查"
    SIGNED = "signed", "已签订"
    ABANDONED = "abandoned", "未签订"


class ContractReview(LedgerModel):
    title = models.CharField("合同名称", max_length=200)
    counterparty = models.CharField("合同相对方", max_length=200)
    amount = models.DecimalField(
        "合同金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    drafting_office = models.CharField("承办科室", max_length=100)
    review = models.OneToOneField(
        LegalityReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name="合法性审查",
    )
    status = models.CharField(
        "状态", max_length=20, choices=ContractStatus.choices, default=ContractStatus.REVIEWING
    )
    adopted = models.BooleanField("审查意见是否采纳", null=True, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "合同审查"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title
