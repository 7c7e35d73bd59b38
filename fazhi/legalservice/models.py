"""Legal services: advisers and the villages they serve, duty shifts, consultations,
the public legal service centre's daily counts, legal aid referrals, and the county's
settings for the monthly duty minimum."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core import pii
from fazhi.core.crypto import EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel, UnitSettings


class LegalServiceSettings(UnitSettings):
    """Per county (the unit): the local minimum of duty days per village per month."""

    duty_min_days = models.PositiveSmallIntegerField(
        "每村每月最少坐班值班天数", default=2, validators=[MaxValueValidator(31)]
    )
    duty_min_days_remote = models.PositiveSmallIntegerField(
        "偏远村每月最少坐班值班天数", default=1, validators=[MaxValueValidator(31)]
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法律服务设置"
        constraints = [models.UniqueConstraint(fields=["unit"], name="legalservice_settings_unit")]


class LegalAdviser(LedgerModel):
    """法律顾问: a lawyer retained by a township for the villages (and units) it serves."""

    name = models.CharField("姓名", max_length=50)
    firm = models.CharField("律师事务所", max_length=100)
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    contract_start = models.DateField("聘用起始日期", db_index=True)
    contract_end = models.DateField("聘用截止日期", db_index=True)
    units_served = models.ManyToManyField(
        "core.Unit", verbose_name="服务村(社区)/单位", related_name="legal_advisers", blank=True
    )
    note = models.CharField("备注", max_length=200, blank=True)
    active = models.BooleanField("有效", default=True, help_text="解聘后取消勾选")

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法律顾问"
        ordering = ["-contract_end", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.firm}）"

    def in_force_on(self, day: dt.date) -> bool:
        return self.active and self.contract_start <= day <= self.contract_end


class ShiftStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已坐班"
    MISSED = "missed", "未到岗"


class DutyShift(LedgerModel):
    """坐班值班: an adviser's day on site in a village (the unit) or at the township."""

    adviser = models.ForeignKey(
        LegalAdviser, on_delete=models.PROTECT, related_name="shifts", verbose_name="法律顾问"
    )
    date = models.DateField("日期", db_index=True)
    hours = models.DecimalField("时长(小时)", max_digits=4, decimal_places=1, default=4)
    status = models.CharField(
        "状态", max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED
    )
    note = models.CharField("情况记录", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "坐班值班"
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["unit", "date", "status"])]

    def __str__(self) -> str:
        return f"{self.date} {self.unit} {self.adviser.name if self.adviser_id else ''} 坐班值班"


class Channel(models.TextChoices):
    ON_SITE = "on_site", "现场"
    PHONE = "phone", "电话"
    ONLINE = "online", "网络/微信"
    DUTY = "duty", "坐班值班"


class ConsultationCategory(models.TextChoices):
    """咨询类别: the field of law a question falls in (the report counts 商事 and 涉企
    together as business consultations)."""

    COMMERCIAL = "commercial", "商事"
    ENTERPRISE = "enterprise", "涉企"
    LABOUR = "labour", "劳动"
    FAMILY = "family", "婚姻家庭"
    LAND = "land", "土地"
    NEIGHBOUR = "neighbour", "邻里"
    DEBT = "debt", "借贷"
    TORT = "tort", "侵权赔偿"
    OTHER = "other", "其他"


# The categories counted as legal services for business (商事法律咨询).
BUSINESS_CATEGORIES = (ConsultationCategory.COMMERCIAL, ConsultationCategory.ENTERPRISE)

# Words in a consultation's 咨询事项 that name its category, first match wins: used when a
# record is registered without a category (and by migration 0003 for older records).
CATEGORY_WORDS = (
    ("enterprise", ("企业", "公司用工", "营商", "个体工商户")),
    ("labour", ("劳动", "工伤", "工资", "欠薪", "社保", "用工")),
    ("family", ("婚姻", "离婚", "赡养", "抚养", "继承", "遗产", "家庭")),
    ("land", ("土地", "宅基地", "承包", "征地", "林地", "山林")),
    ("commercial", ("合同", "商事", "股权", "买卖", "租赁", "公司")),
    ("neighbour", ("邻里", "相邻", "通行", "排水")),
    ("debt", ("借贷", "借款", "欠款")),
    ("tort", ("交通事故", "人身损害", "赔偿", "侵权", "消费")),
)


def guess_category(topic: str) -> str:
    """The category a 咨询事项 names, or 其他."""
    text = topic or ""
    for value, words in CATEGORY_WORDS:
        if any(w in text for w in words):
            return value
    return ConsultationCategory.OTHER.value


class Consultation(LedgerModel):
    """法律咨询: a legal question answered (persons served may be more than one)."""

    date = models.DateField("日期", db_index=True)
    place = models.CharField("地点", max_length=100)
    topic = models.CharField("咨询事项", max_length=200)
    category = models.CharField(
        "咨询类别",
        max_length=12,
        choices=ConsultationCategory.choices,
        default=ConsultationCategory.OTHER,
        db_index=True,
    )
    channel = models.CharField(
        "方式", max_length=10, choices=Channel.choices, default=Channel.ON_SITE
    )
    adviser = models.ForeignKey(
        LegalAdviser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="解答人(法律顾问)",
    )
    persons = models.PositiveIntegerField(
        "服务人次", default=1, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    answer = models.TextField("解答意见", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法律咨询"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


class EnterpriseVisit(LedgerModel):
    """入企服务: an adviser's (or the township's) visit to an enterprise to give legal
    services. The enterprise is an organisation, not a person: its name is kept as text."""

    date = models.DateField("日期", db_index=True)
    enterprise = models.CharField("企业名称", max_length=100)
    adviser = models.ForeignKey(
        LegalAdviser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprise_visits",
        verbose_name="法律顾问",
    )
    matters = models.TextField("服务事项", help_text="如合同审查、用工风险体检、法治讲座")
    persons = models.PositiveIntegerField(
        "服务人次", default=1, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    note = models.CharField("备注", max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "入企法律服务"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise} 入企法律服务"


class ServiceCenterDay(LedgerModel):
    """公共法律服务中心: one day's visits and self-service machine uses at a township."""

    date = models.DateField("日期", db_index=True)
    visits = models.PositiveIntegerField("接待办事群众(人次)", default=0)
    self_service = models.PositiveIntegerField("自助服务机使用(件)", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "公共法律服务中心日统计"
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="service_day_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.date} 公共法律服务中心"


class AidOutcome(models.TextChoices):
    REFERRED = "referred", "已转介"
    ACCEPTED = "accepted", "已受理援助"
    REFUSED = "refused", "不予援助"
    CLOSED = "closed", "已结案"


class LegalAidReferral(LedgerModel):
    """法律援助转介: a person referred to the legal aid centre (name shown masked)."""

    date = models.DateField("转介日期", db_index=True)
    person_name = models.CharField("当事人", max_length=50)
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    matter = models.CharField("事项", max_length=200)
    referred_to = models.CharField("转介至", max_length=100, default="县法律援助中心")
    outcome = models.CharField(
        "结果", max_length=10, choices=AidOutcome.choices, default=AidOutcome.REFERRED
    )
    note = models.CharField("备注", max_length=200, blank=True)
    legal_hold = models.BooleanField("法律保全（到期不匿名化）", default=False)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法律援助转介"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} 法律援助转介 {self.matter}"

    @property
    def person_masked(self) -> str:
        return pii.mask_name(self.person_name)
