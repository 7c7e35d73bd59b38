"""Legal publicity (普法): events, 谁执法谁普法 duties, legal liaisons, model villages."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.crypto import EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class Theme(models.TextChoices):
    CONSUMER = "consumer_315", "3·15 国际消费者权益日"
    SECURITY = "security_415", "4·15 全民国家安全教育日"
    IP = "ip_426", "4·26 世界知识产权日"
    DRUGS = "drugs_626", "6·26 国际禁毒日"
    CONSTITUTION_DAY = "constitution_124", "12·4 国家宪法日"
    CONSTITUTION_WEEK = "constitution_week", "宪法宣传周"
    FREE = "free", "其他主题"


class PlaceKind(models.TextChoices):
    SCHOOL = "school", "进校园"
    ENTERPRISE = "enterprise", "进企业"
    VILLAGE = "village", "进农村"
    COMMUNITY = "community", "进社区"
    GRID = "grid", "进网格"
    ONLINE = "online", "线上"


class EventForm(models.TextChoices):
    """宣传形式: how the law was put across (beside ``PlaceKind``, where it was taken)."""

    LECTURE = "lecture", "法治讲座"
    CONSULTATION = "consultation", "法律咨询"
    PERFORMANCE = "performance", "文艺演出"
    DISPLAY = "display", "展板展览"
    NEW_MEDIA = "new_media", "新媒体推送"
    OTHER = "other", "其他"


class PublicityDuty(LedgerModel):
    """谁执法谁普法: one enforcing body's publicity duty (责任清单 entry) for a year."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    body = models.CharField("执法单位", max_length=100)
    laws = models.TextField("负责宣传的法律法规")
    tasks = models.TextField("普法任务", blank=True)
    target_events = models.PositiveSmallIntegerField(
        "计划开展活动（次）", default=1, validators=[MaxValueValidator(500)]
    )
    contact = models.CharField("责任人", max_length=50, blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "普法责任"
        ordering = ["-year", "body"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "body"], name="publicity_duty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.body}"


class PublicityEvent(LedgerModel):
    date = models.DateField("日期", db_index=True)
    title = models.CharField("活动名称", max_length=200)
    theme = models.CharField("主题", max_length=20, choices=Theme.choices, default=Theme.FREE)
    free_theme = models.CharField("自定主题", max_length=100, blank=True)
    place_kind = models.CharField("形式", max_length=20, choices=PlaceKind.choices)
    place = models.CharField("地点", max_length=200, blank=True)
    partners = models.CharField(
        "联合单位", max_length=300, blank=True, help_text="多个单位用顿号分隔"
    )
    duty = models.ForeignKey(
        PublicityDuty,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name="履行的普法责任",
    )
    laws = models.TextField("宣传的法律法规", blank=True)
    audience = models.PositiveIntegerField(
        "受众人数", default=0, validators=[MaxValueValidator(10_000_000)]
    )
    form = models.CharField(
        "宣传形式", max_length=12, choices=EventForm.choices, default=EventForm.OTHER
    )
    materials = models.PositiveIntegerField(
        "发放材料（份）",
        default=0,
        validators=[MaxValueValidator(10_000_000)],
        help_text="宣传册、宣传单、资料汇编等",
    )
    banners = models.PositiveIntegerField(
        "悬挂横幅（条）", default=0, validators=[MaxValueValidator(100_000)]
    )
    posters = models.PositiveIntegerField(
        "张贴海报（张）", default=0, validators=[MaxValueValidator(1_000_000)]
    )
    led_screens = models.PositiveIntegerField(
        "LED屏播放（块）",
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text="滚动播放法治标语的LED显示屏块数",
    )
    consultations = models.PositiveIntegerField(
        "现场咨询（起）", default=0, validators=[MaxValueValidator(1_000_000)]
    )
    notes = models.TextField("备注", blank=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "普法活动"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def theme_label(self) -> str:
        if self.theme == Theme.FREE and self.free_theme:
            return self.free_theme
        return self.get_theme_display()


class LegalLiaison(LedgerModel):
    """法律明白人: a villager trained to explain the law locally (``unit`` is the village)."""

    name = models.CharField("姓名", max_length=50)
    phone = EncryptedIdentifierField("手机号码", kind="mobile")  # encrypted at rest
    occupation = models.CharField(
        "身份", max_length=100, blank=True, help_text="如村干部、网格员、党员"
    )
    appointed_on = models.DateField("聘任日期", null=True, blank=True)
    active = models.BooleanField("在册", default=True, db_index=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法律明白人"
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class LiaisonTraining(LedgerModel):
    """A training of legal liaisons (培训), held by a township or county."""

    date = models.DateField("日期", db_index=True)
    topic = models.CharField("培训主题", max_length=200)
    trainer = models.CharField("授课人", max_length=100, blank=True)
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        default=2,
        validators=[MinValueValidator(0.5), MaxValueValidator(100)],
    )
    liaisons = models.ManyToManyField(
        LegalLiaison, related_name="trainings", blank=True, verbose_name="参训人员"
    )

    history = history(m2m_fields=[liaisons])

    class Meta:
        verbose_name = verbose_name_plural = "法律明白人培训"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"


class ModelKind(models.TextChoices):
    VILLAGE = "village", "民主法治示范村"
    COMMUNITY = "community", "民主法治示范社区"


class ModelLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


LEVEL_RANK = {
    ModelLevel.NATIONAL: 4,
    ModelLevel.PROVINCIAL: 3,
    ModelLevel.CITY: 2,
    ModelLevel.COUNTY: 1,
}


class ModelVillage(LedgerModel):
    """A 民主法治示范村(社区) title held by a village (``unit`` is the village)."""

    kind = models.CharField("称号", max_length=20, choices=ModelKind.choices)
    level = models.CharField("级别", max_length=20, choices=ModelLevel.choices)
    year = models.PositiveSmallIntegerField("命名年度", db_index=True)
    awarded_by = models.CharField("命名单位", max_length=100, blank=True)
    document_no = models.CharField("命名文号", max_length=100, blank=True)
    # The same title in the honours ledger, kept in step by the services (one record of
    # every title a unit holds; this ledger keeps the model villages' own rules).
    honour = models.OneToOneField(
        "honours.Honour",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="model_village",
        editable=False,
        verbose_name="荣誉称号记录",
    )

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "民主法治示范村(社区)"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "level"], name="model_village_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year}年{self.get_level_display()}{self.get_kind_display()}"


class ChannelKind(models.TextChoices):
    LOUDSPEAKER = "loudspeaker", "村村响（广播）"
    BOARD = "board", "宣传栏"
    VAN = "van", "宣传车"
    WECHAT = "wechat", "微信群"
    LED = "led", "LED显示屏"
    OTHER = "other", "其他"


class PublicityChannel(LedgerModel):
    """普法宣传阵地（渠道）: a standing means of publicity a village (or township) keeps, by
    kind with a count (3 宣传栏, 1 村村响 system, 5 微信群 …); one row per unit and kind."""

    kind = models.CharField("渠道类别", max_length=12, choices=ChannelKind.choices)
    count = models.PositiveIntegerField(
        "数量", default=1, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    reach = models.PositiveIntegerField(
        "覆盖人数",
        default=0,
        validators=[MaxValueValidator(10_000_000)],
        help_text="如微信群成员数",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("在用", default=True, db_index=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "普法宣传渠道"
        ordering = ["unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="publicity_channel_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.get_kind_display()} {self.count}"


class SiteKind(models.TextChoices):
    PARK = "park", "法治文化公园"
    CORRIDOR = "corridor", "法治文化长廊"
    SQUARE = "square", "法治文化广场"
    BOOKHOUSE = "bookhouse", "法治书屋"
    EXHIBITION = "exhibition", "法治教育基地（展馆）"
    OTHER = "other", "其他"


class CultureSite(LedgerModel):
    """法治文化阵地: a park, corridor, square … built for rule-of-law culture (``unit`` is
    the village or township it stands in)."""

    kind = models.CharField("阵地类别", max_length=12, choices=SiteKind.choices)
    name = models.CharField("名称", max_length=100)
    built_year = models.PositiveSmallIntegerField(
        "建成年度", null=True, blank=True, validators=[MinValueValidator(1949)]
    )
    area = models.PositiveIntegerField("面积（平方米）", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("在用", default=True, db_index=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法治文化阵地"
        ordering = ["unit__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="culture_site_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.name}"


class VicePrincipal(LedgerModel):
    """法治副校长: the official appointed to a school as its rule-of-law vice principal.
    The holder is recorded by office and post as appointed (e.g. 县公安局 城关派出所所长):
    a public appointment, not personal data; no phone or ID is kept."""

    school = models.CharField("学校", max_length=100)
    holder = models.CharField("担任人（单位及职务）", max_length=100)
    appointed_on = models.DateField("聘任日期", db_index=True)
    term_end = models.DateField("任期届满", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    active = models.BooleanField("在任", default=True, db_index=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "法治副校长"
        ordering = ["unit__path", "school", "-appointed_on"]

    def __str__(self) -> str:
        return f"{self.school} 法治副校长 {self.holder}"
