"""领导接访下访 and 司法救助: two ledgers beside the petitions.

``LeaderReception``: one occasion a head (党政领导) received petitioners — at the
reception room (接访), in a village (下访) or by appointment (约访) — who, when, where,
what was raised, how many people, what came of it, and the petitions it concerned. The
head is an official acting in office: the name and post are not personal data.

``JudicialAssistance``: one grant of 国家司法救助 to a person in hardship (a case's victim
or a petitioner whose claim a court's judgment could not satisfy): the case, the
recipient (the ID number encrypted at rest and masked, as a petitioner's), the amount in
yuan, the day it was granted and the body that approved it."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class ReceptionKind(models.TextChoices):
    RECEIVE = "receive", "接访"
    VISIT = "visit", "下访"
    APPOINT = "appoint", "约访"


class LeaderReception(LedgerModel):
    """``unit`` is the county or township whose head received; ``received_on`` the day."""

    received_on = models.DateField("接访日期", db_index=True)
    leader_name = models.CharField("接访领导", max_length=50)
    leader_post = models.CharField("领导职务", max_length=50, help_text="如 党委书记、镇长")
    kind = models.CharField(
        "接访方式", max_length=10, choices=ReceptionKind.choices, default=ReceptionKind.RECEIVE
    )
    place = models.CharField("地点", max_length=100, help_text="如 镇信访接待室、红星村村委会")
    matters = models.TextField("接待事项", help_text="群众反映的问题")
    people = models.PositiveIntegerField(
        "接待群众人数", default=1, validators=[MinValueValidator(1)]
    )
    petitions = models.ManyToManyField(
        "disputes.Petition",
        blank=True,
        related_name="receptions",
        verbose_name="关联信访件",
    )
    outcome = models.TextField("处理结果", blank=True)
    resolved = models.BooleanField("问题已解决", default=False)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "领导接访下访"
        ordering = ["-received_on", "unit__path", "id"]
        indexes = [models.Index(fields=["unit", "received_on"])]

    def __str__(self) -> str:
        # spaced: a number typed into a name stays a number the free-text mask finds
        return f"{self.received_on} {self.leader_post} {self.leader_name} {self.get_kind_display()}"


class JudicialAssistance(LedgerModel):
    """``unit`` is the county or township that registered the grant; ``amount`` in yuan."""

    granted_on = models.DateField("救助日期", db_index=True)
    case = models.CharField("案件", max_length=200, help_text="案号或案由")
    dispute = models.ForeignKey(
        "disputes.Dispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistance",
        verbose_name="关联矛盾纠纷",
    )
    petition = models.ForeignKey(
        "disputes.Petition",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistance",
        verbose_name="关联信访件",
    )
    recipient = models.CharField("救助对象", max_length=50)
    id_number = EncryptedIdentifierField("身份证号", kind="resident_id")  # encrypted at rest
    id_number_bidx = BlindIndexField()
    amount = models.DecimalField(
        "救助金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    approver = models.CharField("批准机关", max_length=100, help_text="如 县人民法院、县人民检察院")
    reason = models.TextField("救助事由", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "司法救助"
        ordering = ["-granted_on", "unit__path", "id"]
        indexes = [models.Index(fields=["unit", "granted_on"])]

    def __str__(self) -> str:
        return f"{self.granted_on} {self.case}"
