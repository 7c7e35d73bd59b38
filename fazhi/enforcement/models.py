"""Enforcement (行政执法) under the three systems, certificates, reconsideration and litigation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models.base import LedgerModel

DEFAULT_DISPLAY_DAYS = 365


class EnforcementSettings(LedgerModel):
    """Per county: how long a natural person's published decision stays on the public page."""

    display_days = models.PositiveSmallIntegerField(
        "自然人执法决定公示期限（日）", default=DEFAULT_DISPLAY_DAYS
    )

    history = history()

    class Meta:
        verbose_name = "行政执法设置"
        verbose_name_plural = "行政执法设置"
        constraints = [models.UniqueConstraint(fields=["unit"], name="enforcement_settings_unit")]

    def __str__(self) -> str:
        return f"{self.unit} 行政执法设置"


class EnforcementCertificate(LedgerModel):
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="持证人账号",
    )
    holder_name = models.CharField("持证人", max_length=50)
    number = models.CharField("执法证号", max_length=50, unique=True)
    area = models.CharField("执法领域", max_length=100, blank=True)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至", db_index=True)
    revoked = models.BooleanField("已注销", default=False)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = "执法证件"
        verbose_name_plural = "执法证件"
        ordering = ["expires_on", "id"]

    def __str__(self) -> str:
        return f"{self.holder_name}（{self.number}）"

    status_key = ""  # certificates have no status; their steps (renew, revoke) apply any time

    def valid_on(self, day: dt.date) -> bool:
        return not self.revoked and self.issued_on <= day <= self.expires_on


class CaseKind(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    LICENSE = "license", "行政许可"


class SubjectType(models.TextChoices):
    NATURAL = "natural", "自然人"
    LEGAL = "legal", "法人或其他组织"


class CaseStatus(models.TextChoices):
    OPENED = "opened", "已立案"
    INVESTIGATED = "investigated", "调查取证完毕"
    NOTIFIED = "notified", "已告知权利"
    REVIEWING = "reviewing", "法制审核中"
    DECIDED = "decided", "已作出决定"
    PUBLISHED = "published", "已公示"
    EXECUTED = "executed", "已执行"
    CLOSED = "closed", "已结案归档"


class ChangeKind(models.TextChoices):
    VARIED = "varied", "变更"
    REVOKED = "revoked", "撤销"
    UNLAWFUL = "unlawful", "确认违法"


class EnforcementCase(LedgerModel):
    number = models.CharField("案号", max_length=60, db_index=True)
    kind = models.CharField("执法类别", max_length=20, choices=CaseKind.choices)
    subject_type = models.CharField("当事人类型", max_length=20, choices=SubjectType.choices)
    subject_name = models.CharField("当事人", max_length=200)
    id_number = EncryptedIdentifierField(
        "身份证号/统一社会信用代码", kind="resident_id"
    )  # encrypted
    id_number_bidx = BlindIndexField()
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    legal_basis = models.TextField("法律依据")
    facts = models.TextField("案情摘要", blank=True)
    officers = models.ManyToManyField(
        EnforcementCertificate, related_name="cases", verbose_name="执法人员"
    )
    status = models.CharField(
        "状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPENED
    )
    opened_on = models.DateField("立案日期", db_index=True)
    decision_due = models.DateField("决定期限", db_index=True)
    decision_due_provisional = models.BooleanField(default=False)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    investigated_on = models.DateField("调查终结日期", null=True, blank=True)
    evidence_summary = models.TextField("证据及全过程记录", blank=True)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    hearing_requested = models.BooleanField("当事人要求听证", default=False)
    hearing_held_on = models.DateField("听证日期", null=True, blank=True)
    is_major = models.BooleanField("重大执法决定", default=False)
    major_reason = models.CharField("重大执法决定情形", max_length=500, blank=True)
    review = models.ForeignKey(
        "decisions.LegalityReview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="法制审核",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True, db_index=True)
    decision = models.TextField("决定内容", blank=True)
    penalty_amount = models.DecimalField(
        "罚没金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    publication_due = models.DateField("公示期限", null=True, blank=True, db_index=True)
    publication_due_provisional = models.BooleanField(default=False)
    published_on = models.DateField("公示日期", null=True, blank=True, db_index=True)
    published_on_time = models.BooleanField("按时公示", null=True, blank=True)
    executed_on = models.DateField("执行日期", null=True, blank=True)
    execution_note = models.CharField("执行情况", max_length=500, blank=True)
    closed_on = models.DateField("结案归档日期", null=True, blank=True)
    legal_hold = models.BooleanField("法律保全（到期不匿名化）", default=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True)
    changed_on = models.DateField("决定被变更/撤销日期", null=True, blank=True)
    change_kind = models.CharField(
        "变更/撤销情形", max_length=20, choices=ChangeKind.choices, blank=True
    )
    withdrawal_due = models.DateField("撤下公示期限", null=True, blank=True, db_index=True)
    withdrawn_on = models.DateField("撤下公示日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = "行政执法案件"
        verbose_name_plural = "行政执法案件"
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["unit", "opened_on", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "维持"
    REVOKED = "revoked", "撤销"
    VARIED = "varied", "变更"
    UNLAWFUL = "unlawful", "确认违法"
    ORDERED = "ordered", "责令履行"
    DISMISSED = "dismissed", "驳回"
    WITHDRAWN = "withdrawn", "撤回申请/撤诉"


CORRECTING = frozenset({Outcome.REVOKED, Outcome.VARIED, Outcome.UNLAWFUL, Outcome.ORDERED})


class ChallengeStatus(models.TextChoices):
    RECEIVED = "received", "已收到"
    REPLIED = "replied", "已答复（答辩）"
    CONCLUDED = "concluded", "已审结"


class Challenge(LedgerModel):
    case_no = models.CharField("案号", max_length=100)
    applicant = models.CharField("申请人/原告", max_length=200)
    act = models.CharField("被申请（被诉）行为", max_length=300)
    enforcement_case = models.ForeignKey(
        EnforcementCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="关联执法案件",
    )
    organ = models.CharField("复议机关/人民法院", max_length=100)
    received_on = models.DateField("收到申请书（起诉状）副本日期", db_index=True)
    reply_due = models.DateField("答复（答辩）期限", db_index=True)
    reply_due_provisional = models.BooleanField(default=False)
    replied_on = models.DateField("答复（答辩）日期", null=True, blank=True)
    replied_on_time = models.BooleanField("按时答复", null=True, blank=True)
    evidence = models.TextField("提交的证据和依据", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ChallengeStatus.choices, default=ChallengeStatus.RECEIVED
    )
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("审结日期", null=True, blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.case_no} {self.applicant}"


class Reconsideration(Challenge):
    REPLY_DAYS = 10  # 行政复议法第四十八条
    corrected = models.BooleanField("被纠错", null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = "行政复议"
        verbose_name_plural = "行政复议"
        ordering = ["-received_on", "-id"]


class Litigation(Challenge):
    REPLY_DAYS = 15  # 行政诉讼法第六十七条
    hearing_on = models.DateField("开庭日期", null=True, blank=True)
    head_appeared = models.BooleanField("负责人出庭应诉", null=True, blank=True)
    head_name = models.CharField("出庭负责人", max_length=50, blank=True)
    absence_reason = models.CharField("负责人未出庭理由", max_length=500, blank=True)
    lost = models.BooleanField("败诉", null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = "行政应诉"
        verbose_name_plural = "行政应诉"
        ordering = ["-received_on", "-id"]
