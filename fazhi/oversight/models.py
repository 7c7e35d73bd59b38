"""Oversight: the leading group per year, the heads' duty reports (述法), funding,
inspections (督察 by the county, 巡察 by the county party committee's inspection team,
自查 by the unit itself) and the rectification of each finding through to sign-off
(整改销号)."""

from __future__ import annotations

import datetime as dt

from django.db import models

from fazhi.core import scoping
from fazhi.core.history import history
from fazhi.core.models import LedgerModel, UnitScopedQuerySet, user_field
from fazhi.core.roles import Perm


class LeadingGroup(LedgerModel):
    """法治建设领导小组 of a unit for one year."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    name = models.CharField("名称", max_length=100, default="法治建设工作领导小组")
    doc_number = models.CharField("成立文号", max_length=50, blank=True)
    established_on = models.DateField("成立(调整)日期", null=True, blank=True)
    office = models.CharField("办公室设在", max_length=100, blank=True)
    office_director = models.CharField("办公室主任", max_length=50, blank=True)
    duties = models.TextField("工作职责", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法治建设领导小组"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="leading_group_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.name}"


class MemberRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


class LeadingGroupMember(LedgerModel):
    group = models.ForeignKey(
        LeadingGroup, on_delete=models.CASCADE, related_name="members", verbose_name="领导小组"
    )
    role = models.CharField(
        "组内职务", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("本职职务", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "领导小组成员"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}（{self.post}）"


class DutyReport(LedgerModel):
    """第一责任人履职 / 述法: one head's own study, the topics they heard reported, and
    the year-end 述法 report."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    person_name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=100, help_text="如 党委书记、镇长")
    study = models.TextField("本人学法情况", blank=True, help_text="每行一次：日期 内容")
    topics = models.TextField("听取法治工作汇报/专题研究议题", blank=True, help_text="每行一个议题")
    report_text = models.TextField("述法报告", blank=True)
    report_date = models.DateField("述法日期", null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "第一责任人述法"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.post} {self.person_name} 述法"

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.splitlines() if t.strip()]

    @property
    def study_list(self) -> list[str]:
        return [t.strip() for t in self.study.splitlines() if t.strip()]


class FundingKind(models.TextChoices):
    PUBLICITY = "publicity", "普法经费"
    RULE_OF_LAW = "rule_of_law", "法治建设经费"
    ADVISERS = "advisers", "法律顾问经费"
    OTHER = "other", "其他"


class Funding(LedgerModel):
    """经费保障: a budget line for 普法 or rule-of-law work in a year."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    kind = models.CharField("类别", max_length=20, choices=FundingKind.choices)
    item = models.CharField("项目", max_length=100)
    amount = models.DecimalField("预算金额(元)", max_digits=12, decimal_places=2)
    spent = models.DecimalField("已支出(元)", max_digits=12, decimal_places=2, default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "经费保障"
        ordering = ["-year", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.item}"


class InspectionKind(models.TextChoices):
    SUPERVISION = "supervision", "督察"
    PATROL = "patrol", "巡察"
    SELF_CHECK = "self_check", "自查"


# Kinds a higher level (the county) carries out on a township: it opens them, adds their
# findings and signs them off; the township rectifies.
BY_HIGHER_LEVEL = (InspectionKind.SUPERVISION, InspectionKind.PATROL)


class InspectionQuerySet(UnitScopedQuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW):
        """The inspecting unit's users see it, and so do the inspected unit's."""
        return self.filter(
            scoping.scope_q(user, perm, field="unit") | scoping.scope_q(user, perm, field="target")
        )


class Inspection(LedgerModel):
    """督察 or 巡察 (the unit is the inspecting county) or 自查 (the unit checks itself)."""

    kind = models.CharField("类型", max_length=20, choices=InspectionKind.choices)
    target = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="被检查单位"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    date = models.DateField("检查日期", db_index=True)
    title = models.CharField("名称", max_length=200)
    team = models.CharField("检查组", max_length=200, blank=True)
    summary = models.TextField("检查情况", blank=True)

    objects = InspectionQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "督察/自查"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class RectificationStatus(models.TextChoices):
    OPEN = "open", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    SUBMITTED = "submitted", "待销号"
    SIGNED_OFF = "signed_off", "已销号"


OPEN_STATES = (
    RectificationStatus.OPEN,
    RectificationStatus.IN_PROGRESS,
    RectificationStatus.SUBMITTED,
)


class RectificationQuerySet(UnitScopedQuerySet):
    def open(self):
        return self.exclude(status=RectificationStatus.SIGNED_OFF)

    def overdue(self, today: dt.date):
        return self.open().filter(deadline__lt=today)


class Rectification(LedgerModel):
    """整改: one finding of an inspection and its fix. Belongs to the inspected unit."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name="督察/自查"
    )
    number = models.PositiveSmallIntegerField("序号", default=1)
    problem = models.TextField("发现的问题")
    requirement = models.TextField("整改要求", blank=True)
    owner_name = models.CharField("责任人", max_length=50)
    owner_user = user_field("责任人账号")
    deadline = models.DateField("整改期限", db_index=True)
    deadline_provisional = models.BooleanField("期限暂定", default=False)
    measures = models.TextField("整改措施", blank=True)
    evidence_note = models.TextField("整改成效说明", blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
        db_index=True,
    )
    submitted_on = models.DateField("提请销号日期", null=True, blank=True)
    signed_off_on = models.DateField("销号日期", null=True, blank=True)
    signed_off_by = user_field("销号人")
    return_reason = models.TextField("退回理由", blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = RectificationQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "整改"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.inspection.title if self.inspection_id else ''} 问题{self.number}：{self.problem[:30]}"

    def overdue_on(self, today: dt.date) -> bool:
        return self.status != RectificationStatus.SIGNED_OFF and self.deadline < today
