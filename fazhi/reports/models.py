"""The annual report (法治政府建设年度报告): sections, figures, overrides, the reporting date."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交审批"
    APPROVED = "approved", "领导已审批"
    SECRECY_REVIEWED = "secrecy_reviewed", "已保密审查"
    PUBLISHED = "published", "已公开"


class SecrecyConclusion(models.TextChoices):
    PUBLIC = "public", "不涉密，可以公开"
    SECRET = "secret", "涉及国家秘密，不予公开"


class AnnualReport(LedgerModel):
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("标题", max_length=200)
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    issuers = models.CharField(
        "发文单位", max_length=200, help_text="落款单位，多个单位用换行或“；”分隔"
    )
    signed_on = models.DateField("成文日期", null=True, blank=True)
    snapshot = models.ForeignKey(
        "indicators.IndicatorSnapshot",
        verbose_name="数据快照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    submitted_on = models.DateField("报送日期", null=True, blank=True, db_index=True)
    approved_by_name = models.CharField("审批人", max_length=50, blank=True)
    approved_on = models.DateField("审批日期", null=True, blank=True)
    secrecy_reviewer = models.CharField("保密审查人", max_length=50, blank=True)
    secrecy_conclusion = models.CharField(
        "保密审查结论", max_length=10, choices=SecrecyConclusion.choices, blank=True
    )
    secrecy_note = models.CharField("保密审查意见", max_length=500, blank=True)
    secrecy_reviewed_on = models.DateField("保密审查日期", null=True, blank=True)
    index_number = models.CharField("索引号", max_length=60, blank=True, db_index=True)
    published_on = models.DateField("公开日期", null=True, blank=True, db_index=True)
    docx = models.BinaryField("公开的 DOCX", null=True, blank=True, editable=False)
    html = models.TextField("公开的 HTML", blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)

    history = history(excluded_fields=["docx", "html"])

    class Meta:
        verbose_name = verbose_name_plural = "法治政府建设年度报告"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="annual_report_unit_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.status == ReportStatus.DRAFT

    def attachments_closed(self) -> str:
        """Why no file may be attached now ("" while it may): publication freezes a report,
        and only a draft changes (``core.attachments.attach`` asks)."""
        if self.status == ReportStatus.PUBLISHED:
            return "报告已发布，不能再添加附件"
        if not self.editable:
            return f"报告当前状态为“{self.get_status_display()}”，只有草稿可以添加附件"
        return ""


class ReportSection(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField("部分")
    heading = models.CharField("标题", max_length=200)
    generated = models.TextField("生成的文字", blank=True)
    text = models.TextField("正文", blank=True)
    edited = models.BooleanField("已人工修改", default=False)
    sources = models.JSONField(
        "来源", default=list, blank=True, help_text="生成这一部分时依据的记录和指标"
    )
    omitted = models.JSONField(
        "篇幅所限未写入的要点",
        default=list,
        blank=True,
        help_text="第一部分按篇幅取舍时未写入的要点，编辑时可插入正文",
    )

    history = history(excluded_fields=["sources", "omitted"])

    class Meta:
        verbose_name = verbose_name_plural = "报告部分"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_section_number")
        ]

    def __str__(self) -> str:
        return self.heading


class Shortfall(models.Model):
    """One point of section two: the shortfalls of one theme grouped (indicators below
    target, overdue items, open findings); staff write its cause, picked from the vetted
    ``suggestions`` or their own. A report with a point without a cause cannot go to
    approval."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="shortfalls")
    key = models.CharField(max_length=80)
    theme = models.CharField("方面", max_length=20, blank=True)
    description = models.CharField("不足", max_length=2000)
    cause = models.TextField("原因（工作人员填写）", blank=True)
    suggestions = models.JSONField("可选原因", default=list, blank=True)
    items = models.JSONField("具体情况", default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "存在的不足"
        ordering = ["report", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="shortfall_key")]

    def __str__(self) -> str:
        return self.description


class WorkPlanItem(LedgerModel):
    """工作要点: one item of next year's work, with its owner, time and theme; section four
    is drafted from them, grouped by theme. Entered by staff or carried from a shortfall."""

    year = models.PositiveSmallIntegerField("计划年度", db_index=True)
    theme = models.CharField("方面", max_length=20)
    content = models.CharField("工作内容", max_length=300)
    owner = models.CharField("责任人（部门）", max_length=100, blank=True)
    when = models.CharField("完成时间", max_length=50, blank=True, help_text="如 6月底前、全年")
    from_shortfall = models.CharField("来自不足", max_length=80, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "工作要点"
        ordering = ["year", "order", "pk"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.year}年 {self.content}"

    @property
    def theme_label(self) -> str:
        from .contrib import THEMES

        t = THEMES.get(self.theme)
        return t.plan if t else self.theme


class PreviousReport(models.Model):
    """Last year's published report imported as the starting point of this year's draft:
    its text by section, each figure found by the review engine, mapped to an indicator
    where it could be (then replaced by this year's value) or left for the writer."""

    report = models.OneToOneField(
        AnnualReport, on_delete=models.CASCADE, related_name="previous_report"
    )
    name = models.CharField("文件名", max_length=200)
    text = models.TextField("全文")
    sections = models.JSONField("各部分原文", default=dict)
    figures = models.JSONField("数据及对应指标", default=list)
    imported_at = models.DateTimeField("导入时间", auto_now=True)
    by_name = models.CharField("导入人", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上一年度报告"

    def __str__(self) -> str:
        return self.name


class FigureOverride(models.Model):
    """An explicit, recorded decision to print a figure other than the ledgers' value."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="overrides")
    code = models.CharField("指标", max_length=60)
    value = models.DecimalField("报告采用的数值", max_digits=16, decimal_places=2)
    ledger_value = models.CharField("台账数值", max_length=40, blank=True)
    reason = models.CharField("更正理由", max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField("更正人", max_length=50)
    at = models.DateTimeField("更正时间", auto_now_add=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "数据更正"
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="override_code")]

    def __str__(self) -> str:
        return f"{self.code} = {self.value}"


class ReportingDeadline(LedgerModel):
    """The date a county sets for its townships' reports (default 1 March of the next year)."""

    year = models.PositiveSmallIntegerField("报告年度")
    report_by = models.DateField("报送截止日期")

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "报送截止日期"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="reporting_deadline_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年度报告报送截止 {self.report_by}"
