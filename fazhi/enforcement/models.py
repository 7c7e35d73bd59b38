"""Enforcement (行政执法) under the three systems, certificates, reconsideration and litigation."""

from __future__ import annotations

import datetime as dt

from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models.base import LedgerModel, UnitSettings, user_field

DEFAULT_DISPLAY_DAYS = 365


class EnforcementSettings(UnitSettings):
    """Per county: how long a natural person's published decision stays on the public page."""

    display_days = models.PositiveSmallIntegerField(
        "自然人执法决定公示期限（日）", default=DEFAULT_DISPLAY_DAYS
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "行政执法设置"
        constraints = [models.UniqueConstraint(fields=["unit"], name="enforcement_settings_unit")]


class EnforcementCertificate(LedgerModel):
    holder = user_field("持证人账号")
    holder_name = models.CharField("持证人", max_length=50)
    number = models.CharField("执法证号", max_length=50, unique=True)
    area = models.CharField("执法领域", max_length=100, blank=True)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至", db_index=True)
    revoked = models.BooleanField("已注销", default=False)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "执法证件"
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


class Sector(models.TextChoices):
    """执法领域: the sector a case or a check belongs to, so a report can say
    "开展安全生产执法检查200次"."""

    SAFETY = "safety", "安全生产"
    FOOD_DRUG = "food_drug", "食品药品"
    ENVIRONMENT = "environment", "生态环境"
    RESOURCES = "resources", "自然资源"
    CONSTRUCTION = "construction", "城乡建设"
    MARKET = "market", "市场监管"
    AGRICULTURE = "agriculture", "农业农村"
    TRANSPORT = "transport", "交通运输"
    CULTURE_TOURISM = "culture_tourism", "文化旅游"
    OTHER = "other", "其他"


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
    sector = models.CharField(
        "执法领域", max_length=20, choices=Sector.choices, blank=True, db_index=True
    )
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
        verbose_name = verbose_name_plural = "行政执法案件"
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
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_no} {self.applicant}"


class Reconsideration(Challenge):
    REPLY_DAYS = 10  # 行政复议法第四十八条
    corrected = models.BooleanField("被纠错", null=True, blank=True)

    history = history()

    class Meta(Challenge.Meta):
        verbose_name = verbose_name_plural = "行政复议"


class Litigation(Challenge):
    REPLY_DAYS = 15  # 行政诉讼法第六十七条
    hearing_on = models.DateField("开庭日期", null=True, blank=True)
    head_appeared = models.BooleanField("负责人出庭应诉", null=True, blank=True)
    head_name = models.CharField("出庭负责人", max_length=50, blank=True)
    absence_reason = models.CharField("负责人未出庭理由", max_length=500, blank=True)
    lost = models.BooleanField("败诉", null=True, blank=True)

    history = history()

    class Meta(Challenge.Meta):
        verbose_name = verbose_name_plural = "行政应诉"


# --------------------------------------------------------------------------- supervision
# 行政执法监督: case files reviewed (案卷评查), discretion standards (行政裁量权基准),
# supervision by deputies and members (人大代表、政协委员监督), staff training and
# qualification exams (执法人员培训、资格考试). Each is a ledger of its own pages
# (ledgers.py); the rules are in services.py.


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    FAILED = "failed", "不合格"


class CaseReview(LedgerModel):
    """案卷评查: one review of a unit's enforcement case files in a year. ``unit`` is the
    unit whose files were reviewed; ``reviewer`` the body that reviewed them (县司法局, or
    the unit itself). The files sampled are counted by grade; ``cases`` names them where
    they are in the ledger. Findings become rectifications (oversight's 整改) through
    ``inspection``, a 督察 (a county reviewing a township) or a 自查."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    reviewed_on = models.DateField("评查日期", db_index=True)
    reviewer = models.CharField("评查单位", max_length=100, help_text="如 县司法局")
    files_reviewed = models.PositiveIntegerField("评查案卷数（卷）")
    files_excellent = models.PositiveIntegerField("优秀案卷（卷）", default=0)
    files_qualified = models.PositiveIntegerField("合格案卷（卷）", default=0)
    files_failed = models.PositiveIntegerField("不合格案卷（卷）", default=0)
    average_score = models.DecimalField(
        "平均得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    grade = models.CharField("评查等次", max_length=20, choices=ReviewGrade.choices)
    cases = models.ManyToManyField(
        EnforcementCase, blank=True, related_name="file_reviews", verbose_name="抽查的执法案件"
    )
    findings = models.TextField("发现的问题", blank=True, help_text="每行一个问题")
    inspection = models.ForeignKey(
        "oversight.Inspection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="整改（督察/自查）",
    )
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "行政执法案卷评查"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.reviewer}案卷评查"


class StandardStatus(models.TextChoices):
    CURRENT = "current", "现行"
    REVISED = "revised", "已修订"
    REPEALED = "repealed", "已废止"


class DiscretionStandard(LedgerModel):
    """行政裁量权基准 a body adopted (制定) and revises (修订)."""

    title = models.CharField("基准名称", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    sector = models.CharField("执法领域", max_length=20, choices=Sector.choices)
    adopted_on = models.DateField("制定日期", db_index=True)
    revised_on = models.DateField("修订日期", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=StandardStatus.choices, default=StandardStatus.CURRENT
    )
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "行政裁量权基准"
        ordering = ["-adopted_on", "-id"]

    def __str__(self) -> str:
        return self.title


class VisitKind(models.TextChoices):
    INSPECTION = "inspection", "视察"
    APPRAISAL = "appraisal", "评议"
    OBSERVATION = "observation", "旁听"
    FORUM = "forum", "座谈"


class SupervisionVisit(LedgerModel):
    """人大代表、政协委员监督行政执法: a 视察, 评议, 旁听 (of a hearing or a trial) or
    座谈 of the unit's enforcement, and how many deputies and members took part."""

    held_on = models.DateField("日期", db_index=True)
    kind = models.CharField("形式", max_length=20, choices=VisitKind.choices)
    subject = models.CharField("监督事项", max_length=200)
    deputies = models.PositiveIntegerField("参加人大代表（人）", default=0)
    members = models.PositiveIntegerField("参加政协委员（人）", default=0)
    opinions = models.PositiveIntegerField("提出意见建议（条）", default=0)
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "人大代表政协委员监督"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()} {self.subject}"


class StaffTraining(LedgerModel):
    """执法人员培训 or 执法资格考试: attendees and, for an exam, how many passed."""

    held_on = models.DateField("日期", db_index=True)
    title = models.CharField("名称", max_length=200, help_text="如 行政执法人员公共法律知识培训")
    is_exam = models.BooleanField("资格考试", default=False)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, null=True, blank=True)
    attendees = models.PositiveIntegerField("参训（参考）人数")
    passed = models.PositiveIntegerField("考试合格人数", null=True, blank=True)
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "执法人员培训考试"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Responsibility(LedgerModel):
    """执法责任制: one enforcement post (执法岗位) of the unit, the official who holds it
    (by name, optionally their certificate) and the enforcement matters (执法事项) it is
    answerable for, from ``assigned_on`` until ``ended_on``."""

    post = models.CharField("执法岗位", max_length=100, help_text="如 综合行政执法队安全生产执法岗")
    person_name = models.CharField("责任人", max_length=50)
    certificate = models.ForeignKey(
        EnforcementCertificate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsibilities",
        verbose_name="责任人执法证件",
    )
    sector = models.CharField("执法领域", max_length=20, choices=Sector.choices, blank=True)
    items = models.TextField("执法事项", help_text="每行一项")
    basis = models.TextField("职责依据", blank=True)
    assigned_on = models.DateField("明确日期", db_index=True)
    ended_on = models.DateField("调整（终止）日期", null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "行政执法责任制"
        ordering = ["unit__path", "post", "id"]

    def __str__(self) -> str:
        return f"{self.post} {self.person_name}"

    @property
    def item_list(self) -> list[str]:
        return [t.strip() for t in self.items.splitlines() if t.strip()]
