"""Disputes and people's mediation (人民调解法; 《人民调解工作若干规定》)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel, UnitSettings, user_field

from .common import CaseBase, village_field


class DisputeCategory(models.Model):
    """纠纷类别: a list admins may edit (Django admin); seeded with the usual categories."""

    name = models.CharField("名称", max_length=30, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "纠纷类别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class DisputeSource(models.TextChoices):
    SCREENING = "screening", "网格排查"
    VISIT = "visit", "来访"
    CALL = "call", "来电"
    HOTLINE = "hotline", "热线转办"
    REFERRAL = "referral", "其他单位移交"


class DisputeStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "已交办"
    MEDIATING = "mediating", "调解中"
    AGREED = "agreed", "已达成协议"
    TERMINATED = "terminated", "已终止调解"
    CLOSED = "closed", "已结案"


class Outcome(models.TextChoices):
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"


class ResolvedLevel(models.TextChoices):
    VILLAGE = "village", "村级化解"
    TOWNSHIP = "township", "镇级化解"
    COUNTY = "county", "县级化解"


class AgreementForm(models.TextChoices):
    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议"


class TerminationReason(models.TextChoices):
    REFUSED = "refused", "当事人拒绝调解"
    STOPPED = "stopped", "当事人要求终止调解"
    FAILED = "failed", "调解不成"
    OTHER = "other", "其他"


class OrganisationKind(models.TextChoices):
    """调解组织的类型. The first three are 人民调解委员会 (人民调解法: 3–9 members including
    a woman, a 3-year term); the others are bodies without a statutory roster."""

    VILLAGE = "village", "村(社区)人民调解委员会"
    TOWNSHIP = "township", "乡镇(街道)人民调解委员会"
    PROFESSIONAL = "professional", "行业性专业性人民调解委员会"
    CENTRE = "centre", "综治中心（矛盾纠纷调处化解中心）"
    ROOM = "room", "调解工作室"
    ADMINISTRATIVE = "administrative", "行政调解机构"
    COURT_LINK = "court_link", "诉调对接工作室"


COMMITTEE_KINDS = (
    OrganisationKind.VILLAGE,
    OrganisationKind.TOWNSHIP,
    OrganisationKind.PROFESSIONAL,
)
# the kinds a 调解工作室 may sit under (a room under a room is refused)
PARENT_KINDS = tuple(k for k in OrganisationKind.values if k != OrganisationKind.ROOM)


class Sector(models.TextChoices):
    """行业性专业性人民调解委员会的领域."""

    TRAFFIC = "traffic", "道路交通"
    MEDICAL = "medical", "医疗纠纷"
    LABOUR = "labour", "劳动争议"
    PROPERTY = "property", "物业纠纷"
    FAMILY = "family", "婚姻家庭"
    OTHER = "other", "其他"


class Route(models.TextChoices):
    """化解途径 of a dispute, defaulted from the handling organisation's kind."""

    PEOPLE = "people", "人民调解"
    ADMINISTRATIVE = "administrative", "行政调解"
    PROFESSIONAL = "professional", "行业性专业性调解"
    COURT = "court", "法院委派/委托调解（诉调对接）"


ROUTE_OF_KIND = {
    OrganisationKind.VILLAGE: Route.PEOPLE,
    OrganisationKind.TOWNSHIP: Route.PEOPLE,
    OrganisationKind.PROFESSIONAL: Route.PROFESSIONAL,
    OrganisationKind.CENTRE: Route.PEOPLE,
    OrganisationKind.ROOM: Route.PEOPLE,
    OrganisationKind.ADMINISTRATIVE: Route.ADMINISTRATIVE,
    OrganisationKind.COURT_LINK: Route.COURT,
}

# the routes an organisation of each kind may take a dispute by (a court may refer a
# case to any of them; a 综治中心 coordinates every route)
ROUTES_OF_KIND = {
    OrganisationKind.VILLAGE: (Route.PEOPLE, Route.COURT),
    OrganisationKind.TOWNSHIP: (Route.PEOPLE, Route.COURT),
    OrganisationKind.PROFESSIONAL: (Route.PROFESSIONAL, Route.COURT),
    OrganisationKind.CENTRE: tuple(Route.values),
    OrganisationKind.ROOM: (Route.PEOPLE, Route.COURT),
    OrganisationKind.ADMINISTRATIVE: (Route.ADMINISTRATIVE, Route.COURT),
    OrganisationKind.COURT_LINK: (Route.COURT, Route.PEOPLE),
}


class MediationCommittee(LedgerModel):
    """调解组织: a 人民调解委员会 (调委会: 3–9 members including a woman, a 3-year term) or
    another body disputes are handled by (综治中心, a named 调解工作室, a 行政调解 body, an
    诉调对接工作室). The model keeps its old name so the committees' URLs and records stay."""

    kind = models.CharField(
        "类型", max_length=20, choices=OrganisationKind.choices, blank=True, db_index=True
    )
    name = models.CharField("名称", max_length=100)
    sector = models.CharField("领域", max_length=20, choices=Sector.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rooms",
        verbose_name="所属调解组织",
    )
    term_start = models.DateField("本届任期开始", null=True, blank=True)
    term_end = models.DateField("本届任期届满", null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "调解组织"
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.kind:  # a committee registered as before: its unit tells which
            village = self.unit.kind in ("village", "community")
            self.kind = OrganisationKind.VILLAGE if village else OrganisationKind.TOWNSHIP
        super().save(*args, **kwargs)

    @property
    def is_committee(self) -> bool:
        return self.kind in COMMITTEE_KINDS or not self.kind

    @property
    def kind_label(self) -> str:
        label = self.get_kind_display()
        if self.kind == OrganisationKind.PROFESSIONAL and self.sector:
            label += f"（{self.get_sector_display()}）"
        return label

    def warnings(self, today=None) -> list[str]:
        """The statutory checks of a 人民调解委员会; none for the other kinds."""
        from django.utils import timezone

        if not self.is_committee:
            return []
        today = today or timezone.localdate()
        members = [m for m in self.members.all() if m.active]
        out = []
        if not 3 <= len(members) <= 9:
            out.append(f"委员会组成人员为{len(members)}人，应为3至9人")
        if not any(m.gender == "female" for m in members):
            out.append("委员会组成人员中应当有妇女成员")
        if self.term_start and self.term_end:
            years = (self.term_end - self.term_start).days / 365.25
            if abs(years - 3) > 0.1:
                out.append("每届任期应为三年")
            if self.term_end < today:
                out.append(f"本届任期已于{self.term_end:%Y-%m-%d}届满，应当换届")
        else:
            out.append("未登记本届任期")
        return out


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        MediationCommittee, on_delete=models.CASCADE, related_name="members", verbose_name="调委会"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField(
        "性别", max_length=10, choices=[("male", "男"), ("female", "女")], default="male"
    )
    position = models.CharField(
        "职务",
        max_length=10,
        choices=[("chair", "主任"), ("vice", "副主任"), ("member", "委员")],
        default="member",
    )
    user = user_field()
    active = models.BooleanField("在任", default=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "调委会成员"

    def __str__(self) -> str:
        return self.name


class Dispute(CaseBase):
    OPEN_STATES = ("registered", "assigned", "mediating", "agreed", "terminated")
    KIND_LABEL = "矛盾纠纷"

    title = models.CharField("纠纷简称", max_length=120)
    source = models.CharField("来源", max_length=20, choices=DisputeSource.choices)
    category = models.ForeignKey(
        DisputeCategory, on_delete=models.PROTECT, related_name="+", verbose_name="类别"
    )
    summary = models.TextField("纠纷简要情况", blank=True)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, default=0)
    village = village_field()
    grid = models.CharField("网格", max_length=50, blank=True)
    registered_on = models.DateField("登记日期", db_index=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=DisputeStatus.choices,
        default=DisputeStatus.REGISTERED,
        db_index=True,
    )
    # risk
    risk_group = models.BooleanField("可能引发群体性事件", default=False)
    risk_criminal = models.BooleanField("可能激化为刑事案件", default=False)
    police_reported_on = models.DateField("报告公安机关日期", null=True, blank=True)
    police_report_note = models.CharField("报告情况", max_length=200, blank=True)
    # assignment and the mediation deadline
    committee = models.ForeignKey(
        MediationCommittee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name="调委会",
    )
    route = models.CharField(
        "化解途径", max_length=20, choices=Route.choices, blank=True, db_index=True
    )
    court_case_number = models.CharField("法院案号", max_length=60, blank=True)
    court_referred_on = models.DateField("法院委派/委托日期", null=True, blank=True)
    mediation_due = models.DateField("调解期限", null=True, blank=True, db_index=True)
    mediation_due_provisional = models.BooleanField(default=False)
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.CharField("延期情况", max_length=200, blank=True)
    # outcome
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True)
    agreement_form = models.CharField(
        "协议形式", max_length=10, choices=AgreementForm.choices, blank=True
    )
    agreement_on = models.DateField("协议生效日期", null=True, blank=True)
    agreement_text = models.TextField("协议内容", blank=True)
    parties_signed = models.BooleanField("当事人已签名", default=False)
    mediator_signed = models.BooleanField("调解员已签名", default=False)
    seal_recorded = models.BooleanField("已加盖调委会印章", default=False)
    resolved_level = models.CharField(
        "化解层级", max_length=10, choices=ResolvedLevel.choices, blank=True, db_index=True
    )
    termination_reason = models.CharField(
        "终止原因", max_length=10, choices=TerminationReason.choices, blank=True
    )
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    followup_due = models.DateField("回访期限", null=True, blank=True, db_index=True)
    followup_due_provisional = models.BooleanField(default=False)
    judicial_confirmed_on = models.DateField("司法确认日期", null=True, blank=True)
    judicial_court = models.CharField("确认法院", max_length=100, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "矛盾纠纷"
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # the list's order (county-wide first page) and a township's year
            models.Index(fields=["-registered_on", "-id"], name="dispute_list_order"),
            models.Index(fields=["unit", "registered_on"], name="dispute_unit_date"),
            models.Index(fields=["due_date", "id"], name="dispute_due_order"),  # ?order=due
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == Outcome.SUCCEEDED


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORG = "org", "组织"


class DisputeParty(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name="纠纷"
    )
    side = models.CharField(
        "身份", max_length=10, choices=[("applicant", "申请人"), ("respondent", "被申请人")]
    )
    kind = models.CharField("类型", max_length=10, choices=PartyKind.choices, default="person")
    name = models.CharField("姓名/名称", max_length=100, db_index=True)
    id_number = EncryptedIdentifierField(
        "身份证号/统一社会信用代码", kind="resident_id"
    )  # encrypted
    id_number_bidx = BlindIndexField()
    phone = EncryptedIdentifierField("联系电话", kind="mobile")  # encrypted at rest
    phone_bidx = BlindIndexField()
    address = models.CharField("住址", max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "当事人"
        ordering = ["id"]
        indexes = [models.Index(fields=["id_number"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.name


class MediationSession(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("调解日期")
    place = models.CharField("地点", max_length=100, blank=True)
    mediator = models.CharField("调解员", max_length=100, blank=True)
    notes = models.TextField("调解记录")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "调解记录"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} 调解记录"


class FollowUp(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="followups")
    visited_on = models.DateField("回访日期")
    method = models.CharField(
        "方式", max_length=10, choices=[("visit", "上门"), ("phone", "电话")], default="visit"
    )
    performed = models.BooleanField("协议已履行")
    notes = models.TextField("回访情况", blank=True)
    visitor = models.CharField("回访人", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on} 回访"


class DisputeConfig(UnitSettings):
    """A township's settings for the mediation procedure."""

    followup_days = models.PositiveSmallIntegerField("协议后回访天数", default=15)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "调解设置"
        constraints = [models.UniqueConstraint(fields=["unit"], name="dispute_config_one_per_unit")]

    @classmethod
    def followup_days_for(cls, unit) -> int:
        ids = unit.ancestor_ids()
        configs = {c.unit_id: c for c in cls.objects.filter(unit_id__in=ids)}
        for uid in reversed(ids):
            if uid in configs:
                return configs[uid].followup_days
        return 15
