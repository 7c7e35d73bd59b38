"""Government openness (政务公开, 《中华人民共和国政府信息公开条例》 2019 revision):
items disclosed proactively (主动公开) and requests for disclosure (依申请公开) with the
statutory steps and deadlines of arts. 30–33.

The reply types and their reasons are the rows of table three of the national format of
the annual report on government information disclosure (政府信息公开工作年度报告格式,
国办公开办函〔2021〕30号), so that report can later be drafted from these records."""

from __future__ import annotations

from django.db import models

from fazhi.core import pii
from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class Category(models.TextChoices):
    """What was disclosed (条例 arts. 19–21, the usual catalogue of a township)."""

    ORGANISATION = "organisation", "机构职能"
    POLICY = "policy", "政策文件"
    PLANNING = "planning", "规划计划"
    FINANCE = "finance", "财政预决算"
    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚"
    FEES = "fees", "行政事业性收费"
    PROCUREMENT = "procurement", "政府采购"
    PROJECTS = "projects", "重大建设项目"
    LIVELIHOOD = "livelihood", "社会救助"
    LAND = "land", "征收补偿"
    EMERGENCY = "emergency", "突发事件应对"
    PERSONNEL = "personnel", "人事信息"
    OTHER = "other", "其他"


class DisclosureChannel(models.TextChoices):
    WEBSITE = "website", "政府网站"
    NEW_MEDIA = "new_media", "政务新媒体"
    BOARD = "board", "政务公开栏"
    PRESS = "press", "新闻发布会"
    MEDIA = "media", "广播电视报刊"
    SERVICE_HALL = "service_hall", "便民服务中心"
    OTHER = "other", "其他"


class Disclosure(LedgerModel):
    """主动公开: one item published, with its category, channel and date."""

    title = models.CharField("信息名称", max_length=200)
    category = models.CharField("公开类别", max_length=20, choices=Category.choices)
    channel = models.CharField("公开渠道", max_length=20, choices=DisclosureChannel.choices)
    published_on = models.DateField("公开日期", db_index=True)
    doc_number = models.CharField("文号/索引号", max_length=100, blank=True)
    url = models.CharField("网址/位置", max_length=300, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "主动公开"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["unit", "published_on"])]

    def __str__(self) -> str:
        return f"{self.published_on} {self.title}"


class ApplicantKind(models.TextChoices):
    """The applicant columns of the national format's table three."""

    PERSON = "person", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    NONPROFIT = "nonprofit", "社会公益组织"
    LEGAL = "legal", "法律服务机构"
    OTHER_ORG = "other_org", "其他组织"


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", "当面提交"
    POST = "post", "信函邮寄"
    ONLINE = "online", "网络平台"
    EMAIL = "email", "电子邮件"
    FAX = "fax", "传真"
    OTHER = "other", "其他"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "办理中"
    CORRECTION = "correction", "待补正"
    EXTENDED = "extended", "已延期"
    REPLIED = "replied", "已答复"


OPEN_STATES = (RequestStatus.RECEIVED, RequestStatus.CORRECTION, RequestStatus.EXTENDED)


class ReplyType(models.TextChoices):
    """Table three's outcomes (rows 一 to 五 of “本年度办理结果”)."""

    GRANTED = "granted", "予以公开"
    PARTIAL = "partial", "部分公开"
    REFUSED = "refused", "不予公开"
    UNABLE = "unable", "无法提供"
    NOT_HANDLED = "not_handled", "不予处理"
    OTHER = "other", "其他处理"


class ReplyReason(models.TextChoices):
    """The reasons table three lists under 不予公开, 无法提供, 不予处理 and 其他处理."""

    SECRET = "secret", "属于国家秘密"
    LAW_FORBIDS = "law_forbids", "其他法律行政法规禁止公开"
    SECURITY = "security", "危及“三安全一稳定”"
    THIRD_PARTY = "third_party", "保护第三方合法权益"
    INTERNAL = "internal", "属于三类内部事务信息"
    PROCESS = "process", "属于四类过程性信息"
    CASE_FILE = "case_file", "属于行政执法案卷"
    INQUIRY = "inquiry", "属于行政查询事项"
    NOT_HELD = "not_held", "本机关不掌握相关政府信息"
    NEEDS_MAKING = "needs_making", "没有现成信息需要另行制作"
    UNCLEAR = "unclear", "补正后申请内容仍不明确"
    PETITION = "petition", "信访举报投诉类申请"
    REPEATED = "repeated", "重复申请"
    PUBLICATION = "publication", "要求提供公开出版物"
    MASS = "mass", "无正当理由大量反复申请"
    CONFIRMATION = "confirmation", "要求行政机关确认或重新出具已获取信息"
    NO_CORRECTION = (
        "no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    )
    NO_FEE = "no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    OTHER = "other", "其他"


R = ReplyReason
REASONS_BY_TYPE: dict[str, tuple[str, ...]] = {
    ReplyType.GRANTED: (),
    ReplyType.PARTIAL: (),
    ReplyType.REFUSED: (
        R.SECRET, R.LAW_FORBIDS, R.SECURITY, R.THIRD_PARTY, R.INTERNAL, R.PROCESS,
        R.CASE_FILE, R.INQUIRY,
    ),
    ReplyType.UNABLE: (R.NOT_HELD, R.NEEDS_MAKING, R.UNCLEAR),
    ReplyType.NOT_HANDLED: (R.PETITION, R.REPEATED, R.PUBLICATION, R.MASS, R.CONFIRMATION),
    ReplyType.OTHER: (R.NO_CORRECTION, R.NO_FEE, R.OTHER),
}  # fmt: skip


class InformationRequest(LedgerModel):
    """依申请公开: one application, from receipt to the reply.

    Deadlines (条例): 补正 must be asked for once, within 7 working days of receipt (art.
    30); the reply is due 20 working days after receipt, or after the completed
    application is received when 补正 was asked for (arts. 30, 33); one extension of up to
    20 working days, approved by the head of the disclosure office and notified to the
    applicant (art. 33)."""

    CORRECTION_DAYS = 7
    REPLY_DAYS = 20
    EXTENSION_MAX = 20

    number = models.CharField("申请编号", max_length=30, db_index=True)
    applicant_kind = models.CharField(
        "申请人类型", max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    # A person's name is personal data: encrypted at rest, shown masked (王*明) but to a
    # role that may reveal it (audited); an organisation's name is shown as it is.
    applicant_name = EncryptedIdentifierField("申请人", kind="name")
    id_number = EncryptedIdentifierField("证件号码", kind="resident_id")  # a person's only
    id_number_bidx = BlindIndexField()
    phone = EncryptedIdentifierField("联系电话", kind="mobile")
    phone_bidx = BlindIndexField()
    address = models.CharField("通信地址", max_length=200, blank=True)
    content = models.TextField("申请公开的政府信息内容")
    channel = models.CharField(
        "申请方式", max_length=12, choices=RequestChannel.choices, default=RequestChannel.IN_PERSON
    )
    received_on = models.DateField("收到申请日期", db_index=True)
    status = models.CharField(
        "状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    # 补正 (art. 30)
    correction_by = models.DateField("告知补正期限", null=True, blank=True)
    correction_on = models.DateField("告知补正日期", null=True, blank=True)
    correction_items = models.TextField("需补正的事项", blank=True)
    correction_limit = models.DateField("申请人补正期限", null=True, blank=True)
    corrected_on = models.DateField("收到补正申请日期", null=True, blank=True)
    # The reply's deadline: the clock starts on receipt, or on the completed application.
    reply_due = models.DateField("答复期限", null=True, blank=True, db_index=True)
    reply_due_provisional = models.BooleanField(default=False)
    # Extension (art. 33), once only
    extension_days = models.PositiveSmallIntegerField("延长工作日数", null=True, blank=True)
    extension_approver = models.CharField(
        "批准人（政府信息公开工作机构负责人）", max_length=50, blank=True
    )
    extension_approved_on = models.DateField("批准日期", null=True, blank=True)
    extension_notified_on = models.DateField("告知申请人延期日期", null=True, blank=True)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    # The reply
    replied_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    reply_type = models.CharField("答复类型", max_length=12, choices=ReplyType.choices, blank=True)
    reply_reason = models.CharField(
        "答复理由", max_length=16, choices=ReplyReason.choices, blank=True
    )
    reply_content = models.TextField("答复内容", blank=True)
    replied_on_time = models.BooleanField("按期答复", null=True, blank=True)
    # Reconsideration and litigation about the reply (the enforcement app's records)
    reconsideration = models.ForeignKey(
        "enforcement.Reconsideration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="行政复议",
    )
    litigation = models.ForeignKey(
        "enforcement.Litigation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="行政诉讼",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "依申请公开"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "received_on"]),
            models.Index(fields=["status", "reply_due"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="openness_request_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:20]}"

    @property
    def is_person(self) -> bool:
        return self.applicant_kind == ApplicantKind.PERSON

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def applicant_shown(self) -> str:
        """A person's name masked (王*明); an organisation's name as it is."""
        return pii.mask_name(self.applicant_name) if self.is_person else self.applicant_name


# ---------------------------------------------------------------- the statutory annual report


class AnnualStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公开"


class OpennessReport(LedgerModel):
    """政府信息公开工作年度报告 (条例 arts. 49–50): due by 31 January of the next year, in
    the national fixed format (国办公开办函〔2021〕30号). Its tables are drafted from the
    records (``annual.annual_tables``) and kept with it (``tables``: refreshed while a
    draft, frozen at publication); sections 一, 五 and 六 are prose the writer edits from
    the draft the records give. Published, it carries its index number (索引号) and its
    DOCX and HTML, rendered once and served as they were."""

    DUE_MONTH, DUE_DAY = 1, 31

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("标题", max_length=200)
    status = models.CharField(
        "状态", max_length=20, choices=AnnualStatus.choices, default=AnnualStatus.DRAFT
    )
    tables = models.JSONField("法定表格", default=dict, blank=True)
    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other = models.TextField("六、其他需要报告的事项", blank=True)
    generated_at = models.DateTimeField("表格生成时间", null=True, blank=True)
    index_number = models.CharField("索引号", max_length=60, blank=True, db_index=True)
    published_on = models.DateField("公开日期", null=True, blank=True, db_index=True)
    docx = models.BinaryField("公开的 DOCX", null=True, blank=True, editable=False)
    html = models.TextField("公开的 HTML", blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)

    history = history(excluded_fields=["docx", "html", "tables"])

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="openness_report_unit_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def due(self):
        import datetime as dt

        return dt.date(self.year + 1, self.DUE_MONTH, self.DUE_DAY)

    @property
    def editable(self) -> bool:
        return self.status == AnnualStatus.DRAFT
