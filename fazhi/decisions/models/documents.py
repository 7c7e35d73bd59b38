"""Normative documents (规范性文件) and the unit's one register of document numbers."""

from __future__ import annotations

from django.db import models

from fazhi.core.history import history
from fazhi.core.models.base import LedgerModel

from .reviews import LegalityReview


class DocStatus(models.TextChoices):
    DRAFTING = "drafting", "起草中"
    COMMENTING = "commenting", "征求意见中"
    REVIEWING = "reviewing", "合法性审查中"
    DELIBERATED = "deliberated", "已集体审议"
    PUBLISHED = "published", "已发布（待备案）"
    FILED = "filed", "已发布并备案"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"


class NormativeDocument(LedgerModel):
    title = models.CharField("文件名称", max_length=200)
    drafting_office = models.CharField("起草单位", max_length=100)
    status = models.CharField(
        "状态", max_length=20, choices=DocStatus.choices, default=DocStatus.DRAFTING
    )
    comment_required = models.BooleanField("需公开征求意见", null=True, blank=True)
    comment_reason = models.CharField("征求意见适用说明", max_length=500, blank=True)
    comment_start = models.DateField("征求意见开始", null=True, blank=True)
    comment_end = models.DateField("征求意见截止", null=True, blank=True)
    comments_count = models.PositiveIntegerField("收到意见数", null=True, blank=True)
    comment_handling = models.TextField("意见采纳情况", blank=True)
    review = models.ForeignKey(
        LegalityReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="合法性审查",
    )
    deliberated_on = models.DateField("集体审议日期", null=True, blank=True)
    deliberation_meeting = models.CharField("审议会议", max_length=200, blank=True)
    doc_number = models.CharField("文号", max_length=100, blank=True, db_index=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True, db_index=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    filing_due = models.DateField("报备期限", null=True, blank=True, db_index=True)
    filing_due_provisional = models.BooleanField(default=False)
    filed_on = models.DateField("报备日期", null=True, blank=True)
    filed_with = models.CharField("报备机关", max_length=100, blank=True)
    filed_on_time = models.BooleanField("按时报备", null=True, blank=True)
    ended_on = models.DateField("修改/废止日期", null=True, blank=True)
    end_reason = models.CharField("修改/废止理由", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "规范性文件"
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number_year", "number_seq"], name="normative_doc_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title + (f"（{self.doc_number}）" if self.doc_number else "")


class DocumentRegister(LedgerModel):
    """统一登记、统一编号: one numbering sequence per unit and year."""

    year = models.PositiveSmallIntegerField("年度")
    prefix = models.CharField("文号字头", max_length=50)
    last_number = models.PositiveIntegerField("已用顺序号", default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "规范性文件登记簿"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="document_register_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年 {self.prefix}"
