"""Petitions (《信访工作条例》2022)."""

from __future__ import annotations

from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import unit_field, user_field

from .common import CaseBase, Satisfaction, village_field


class PetitionChannel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    ONLINE = "online", "网上信访"
    REFERRED = "referred", "上级转送交办"


class PetitionType(models.TextChoices):
    SUGGESTION = "suggestion", "建议意见"
    ACCUSATION = "accusation", "检举控告"
    CLAIM = "claim", "申诉求决"


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", "已登记"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    RETURNED = "returned", "已退回"
    REPLIED = "replied", "已出具处理意见"
    UNDER_REVIEW = "under_review", "复查中"
    REVIEWED = "reviewed", "已复查"
    UNDER_RE_REVIEW = "under_re_review", "复核中"
    RE_REVIEWED = "re_reviewed", "已复核"
    CLOSED = "closed", "已办结"


class Opinion(models.TextChoices):
    SUPPORT = "support", "予以支持"
    EXPLAIN = "explain", "解释说明"
    NOT_SUPPORT = "not_support", "不予支持"


class OverLevel(models.TextChoices):
    """越级访, as the reports mean it: the petitioner took the matter above the level that
    should handle it (到县、到市、到省、进京). Blank: not recorded as going over levels."""

    COUNTY = "county", "到县"
    CITY = "city", "到市"
    PROVINCE = "province", "到省"
    CAPITAL = "capital", "进京"


class Petition(CaseBase):
    OPEN_STATES = ("received", "accepted", "replied", "under_review", "reviewed", "under_re_review")
    KIND_LABEL = "信访"

    channel = models.CharField("信访形式", max_length=20, choices=PetitionChannel.choices)
    petition_type = models.CharField("信访类型", max_length=20, choices=PetitionType.choices)
    first_petition = models.BooleanField("初信初访", default=True)
    is_group = models.BooleanField("集体访", default=False)
    group_size = models.PositiveIntegerField("人数", default=1)
    matter = models.CharField("信访事项", max_length=200)
    request = models.TextField("诉求", blank=True)
    village = village_field()
    prior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        verbose_name="同一事项的前次信访",
    )
    received_on = models.DateField("收到日期", db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=PetitionStatus.choices, default="received", db_index=True
    )
    acceptance_due = models.DateField("受理告知期限", db_index=True)
    acceptance_due_provisional = models.BooleanField(default=False)
    return_due = models.DateField("退回期限")
    return_due_provisional = models.BooleanField(default=False)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    not_accepted_reason = models.TextField("不予受理理由", blank=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    returned_reason = models.CharField("退回理由", max_length=200, blank=True)
    handling_due = models.DateField("办理期限", null=True, blank=True, db_index=True)
    handling_due_provisional = models.BooleanField(default=False)
    extended = models.BooleanField("已延期", default=False)
    extension_days = models.PositiveSmallIntegerField("延长天数", default=0)
    extension_approver = models.CharField("批准人", max_length=50, blank=True)
    extension_reason = models.CharField("延期理由", max_length=200, blank=True)
    # 信访处理意见书
    facts = models.TextField("查明事实", blank=True)
    opinion = models.CharField("处理意见", max_length=20, choices=Opinion.choices, blank=True)
    opinion_text = models.TextField("处理意见内容", blank=True)
    legal_basis = models.TextField("依据", blank=True)
    replied_on = models.DateField("书面答复日期", null=True, blank=True)
    replied_on_time = models.BooleanField("按期答复", null=True, blank=True)
    review_request_due = models.DateField("复查申请期限", null=True, blank=True)
    review_requested_on = models.DateField("申请复查日期", null=True, blank=True)
    review_due = models.DateField("复查答复期限", null=True, blank=True)
    review_due_provisional = models.BooleanField(default=False)
    reviewed_on = models.DateField("复查答复日期", null=True, blank=True)
    review_result = models.TextField("复查意见", blank=True)
    re_review_request_due = models.DateField("复核申请期限", null=True, blank=True)
    re_review_requested_on = models.DateField("申请复核日期", null=True, blank=True)
    re_review_due = models.DateField("复核答复期限", null=True, blank=True)
    re_review_due_provisional = models.BooleanField(default=False)
    re_reviewed_on = models.DateField("复核答复日期", null=True, blank=True)
    re_review_result = models.TextField("复核意见", blank=True)
    satisfaction = models.CharField(
        "满意度", max_length=20, choices=Satisfaction.choices, blank=True, db_index=True
    )
    # 积案
    backlog = models.BooleanField("信访积案", default=False, db_index=True)
    backlog_since = models.DateField("列为积案日期", null=True, blank=True)
    backlog_resolved_at = models.DateTimeField("积案化解时间", null=True, blank=True)
    backlog_resolved_by = user_field("化解人")
    # A head (党政领导) who received the petitioner in person (接访/下访): an official
    # acting in office, so a name and post, not personal data. The report's section three
    # writes the heads' receptions from these.
    leader_name = models.CharField("接访领导", max_length=50, blank=True)
    leader_post = models.CharField("接访领导职务", max_length=50, blank=True)
    # 越级访: the level the petitioner went to over the head of the one that should handle
    # it (blank: none recorded). The report says "全年未发生越级访" only from these.
    over_level = models.CharField(
        "越级访", max_length=10, choices=OverLevel.choices, blank=True, default=""
    )
    # confidentiality
    confidential = models.BooleanField("保密", default=False)
    complained_unit = unit_field("被反映单位")

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "信访件"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["-received_on", "-id"], name="petition_list_order"),
            models.Index(fields=["unit", "received_on"], name="petition_unit_date"),
            models.Index(fields=["due_date", "id"], name="petition_due_order"),  # ?order=due
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.matter}"


class Petitioner(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField("姓名", max_length=50, db_index=True)
    id_number = EncryptedIdentifierField("身份证号", kind="resident_id")  # encrypted at rest
    id_number_bidx = BlindIndexField()
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    phone_bidx = BlindIndexField()
    address = models.CharField("住址", max_length=200, blank=True)
    representative = models.BooleanField("代表", default=False)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "信访人"
        ordering = ["id"]
        indexes = [models.Index(fields=["id_number"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.name
