"""Every change to the honours and assessment ledgers. Pages, API, CLI and the Excel
import (through ``ledgers.py``) call these functions: ``create_<thing>(*, unit, actor, …)``
and ``update_<thing>(obj, *, actor, …)``, each atomic, refusing an actor who may not change
the unit (403, audited), validating with a Chinese reason, saving one row (history) and
writing an audit row. The steps of an honour are ``procedures.HONOUR``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fazhi.core import records, scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import VILLAGE_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.disputes.models import Dispute
from fazhi.ledgers.fields import F

from . import signals
from .models import (
    KEPT_BY_MODEL_LEDGER,
    MODEL_KINDS,
    PERSON_KINDS,
    Assessment,
    AssessmentKind,
    Grade,
    Honour,
    HonourKind,
    HonourStatus,
    Level,
)

REFUSED = "您无权在该单位登记或修改荣誉与考核台账"
FIRST_YEAR = 1990

# The statuses a record may be registered in: sought (申报中), or a title already won
# (已获评, e.g. when the ledger is first filled in). The others are reached by the steps.
CREATE_STATUSES = (
    (HonourStatus.APPLYING, HonourStatus.APPLYING.label),
    (HonourStatus.AWARDED, HonourStatus.AWARDED.label),
)

HONOUR_FIELDS = (
    F("kind", "类别", "choice", choices=tuple(HonourKind.choices)),
    F("level", "级别", "choice", choices=tuple(Level.choices)),
    F("title", "称号名称", required=False, help="不填按级别和类别生成，如 省级民主法治示范村"),
    F("year", "年度", "int", help="获评（命名）年度；申报中为申报年度"),
    F("awarded_by", "命名(表彰)单位", required=False),
    F("document_no", "文号", required=False),
    F("holder_name", "获评对象", required=False, help="个人称号填姓名；不填为本单位"),
    F("holder_post", "职务(身份)", required=False),
    F("applied_on", "申报日期", "date", required=False),
    F("awarded_on", "命名日期", "date", required=False),
    F(
        "dispute_number",
        "调解案件编号",
        required=False,
        help="优秀调解案例：获评案件在矛盾纠纷台账的编号，如 调2026-0001",
    ),
    F("notes", "备注", "textarea", required=False),
)
HONOUR_CREATE_FIELDS = (
    *HONOUR_FIELDS[:4],
    F("status", "状态", "choice", required=False, choices=CREATE_STATUSES, help="不填为申报中"),
    *HONOUR_FIELDS[4:],
)
# What the model-village ledger keeps for a title it holds (edited there, not here).
KEPT_FIELDS = ("kind", "level", "year", "awarded_by", "document_no")

ASSESSMENT_FIELDS = (
    F("kind", "考核类别", "choice", choices=tuple(AssessmentKind.choices)),
    F("year", "考核年度", "int"),
    F("name", "考核名称", required=False, help="不填为“2025年度法治建设考核”"),
    F("assessed_by", "考核单位", help="如 县委全面依法治县委员会办公室"),
    F("score", "得分", "decimal", required=False),
    F("full_score", "满分", "decimal", required=False, help="不填为100"),
    F("grade", "等次", "choice", required=False, choices=tuple(Grade.choices)),
    F("rank", "名次", "int", required=False),
    F("among", "参评单位数", "int", required=False),
    F("announced_on", "通报日期", "date", required=False),
    F("document_no", "通报文号", required=False),
    F("notes", "备注", "textarea", required=False),
)


def _save(obj, *, actor, created: bool) -> None:
    records.validated(obj)
    records.save_audited(obj, actor=actor, created=created)


def _year(value, label: str = "年度") -> int:
    year = int(value) if value is not None else 0
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise InvalidInput(f"{label}不正确（{FIRST_YEAR}年至明年）")
    return year


def _not_future(day: dt.date | None, label: str) -> None:
    if day and day > timezone.localdate():
        raise InvalidInput(f"{label}不能晚于今天")


def default_title(kind: str, level: str, unit_kind: str = "") -> str:
    """ "省级民主法治示范村"; a national model village is a "全国民主法治示范村"; a township's
    法治乡镇 title is "市级法治乡镇", a subdistrict's "市级法治街道"."""
    if kind == HonourKind.OTHER:
        return ""
    prefix = "全国" if level == Level.NATIONAL and kind in MODEL_KINDS else Level(level).label
    label = HonourKind(kind).label
    if kind == HonourKind.RULE_OF_LAW_TOWNSHIP and unit_kind:
        label = "法治街道" if unit_kind == UnitKind.SUBDISTRICT else "法治乡镇"
    return prefix + label


# --------------------------------------------------------------------------- honours
def _related(a: Unit, b: Unit) -> bool:
    """``a`` and ``b`` lie on one line of the tree (a village and its township)."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def find_dispute(unit: Unit, number: str):
    """The dispute numbered ``number`` that ``unit``'s 优秀调解案例 may name: registered in
    ``unit``'s area, or by the township above the village that holds the title (None for
    an empty number). Refused with a Chinese reason when there is none, or several."""
    number = (number or "").strip()
    if not number:
        return None
    found = [
        d
        for d in Dispute.objects.filter(number=number).select_related("unit")[:50]
        if _related(d.unit, unit)
    ]
    if not found:
        raise InvalidInput(
            f"调解案件编号：{unit.name}及其所属乡镇的矛盾纠纷台账中没有编号为“{number}”的案件"
        )
    if len(found) > 1:
        raise InvalidInput(
            f"调解案件编号：“{number}”对应{len(found)}个乡镇的案件，请在案件所属的乡镇或村登记该案例"
        )
    return found[0]


def _check_dispute(h: Honour) -> None:
    if h.dispute_id is None:
        return
    if h.kind != HonourKind.BEST_CASE:
        raise InvalidInput("只有“优秀调解案例”可关联调解案件，请清空调解案件编号或改选类别")
    if not _related(h.dispute.unit, h.unit):
        raise InvalidInput(
            f"调解案件编号：案件{h.dispute.number}不属于{h.unit.name}或其所属乡镇，不能关联"
        )


def _check_honour(h: Honour) -> None:
    h.year = _year(h.year)
    h.title = (h.title or "").strip() or default_title(h.kind, h.level, h.unit.kind)
    if not h.title:
        raise InvalidInput("请填写称号名称（类别为“其他荣誉”时必填）")
    h.holder_name = (h.holder_name or "").strip()
    if h.kind in PERSON_KINDS and not h.holder_name:
        raise InvalidInput(f"{HonourKind(h.kind).label}是个人称号，请填写获评对象（姓名）")
    if h.kind in MODEL_KINDS and h.unit.kind not in VILLAGE_KINDS:
        raise InvalidInput("民主法治示范村(社区)称号应登记在村(社区)")
    if h.kind == HonourKind.MODEL_VILLAGE and h.unit.kind == UnitKind.COMMUNITY:
        h.kind = HonourKind.MODEL_COMMUNITY
        h.title = h.title.replace("示范村", "示范社区")
    _not_future(h.applied_on, "申报日期")
    _not_future(h.awarded_on, "命名日期")
    if h.applied_on and h.awarded_on and h.awarded_on < h.applied_on:
        raise InvalidInput("命名日期不能早于申报日期")
    _check_dispute(h)
    if (
        h.status in (HonourStatus.AWARDED, HonourStatus.REVIEWING)
        and h.year > timezone.localdate().year
    ):
        raise InvalidInput("获评年度不能晚于今年")
    same = Honour.objects.filter(
        unit=h.unit, kind=h.kind, level=h.level, title=h.title, year=h.year,
        holder_name=h.holder_name,
    ).exclude(pk=h.pk)  # fmt: skip
    if same.exists():
        raise InvalidInput(f"{h.unit.name}已登记{h.year}年{h.title}（{h.holder_name or '本单位'}）")


@transaction.atomic
def create_honour(
    *,
    unit: Unit,
    actor,
    kind: str,
    level: str,
    year: int,
    title: str = "",
    status: str = HonourStatus.APPLYING,
    awarded_by: str = "",
    document_no: str = "",
    holder_name: str = "",
    holder_post: str = "",
    applied_on: dt.date | None = None,
    awarded_on: dt.date | None = None,
    dispute_number: str = "",
    notes: str = "",
) -> Honour:
    """A title sought (申报中) or already won (已获评). A 民主法治示范村(社区) won is also
    recorded in the model-village ledger (``signals.model_title_awarded``)."""
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    status = status or HonourStatus.APPLYING
    if status not in dict(CREATE_STATUSES):
        raise InvalidInput("登记时状态应为“申报中”或“已获评”（复核、撤销请在记录上办理）")
    h = Honour(
        unit=unit,
        kind=kind,
        level=level,
        year=year,
        title=title,
        status=status,
        awarded_by=(awarded_by or "").strip(),
        document_no=(document_no or "").strip(),
        holder_name=holder_name or "",
        holder_post=(holder_post or "").strip(),
        applied_on=applied_on,
        awarded_on=awarded_on,
        dispute=find_dispute(unit, dispute_number),
        notes=notes or "",
    )
    _check_honour(h)
    if status == HonourStatus.AWARDED and h.kind in MODEL_KINDS:
        h.kept_by = KEPT_BY_MODEL_LEDGER
    _save(h, actor=actor, created=True)
    if h.kept_by:
        signals.model_title_awarded.send(sender=Honour, honour=h, actor=actor)
    return h


@transaction.atomic
def update_honour(h: Honour, *, actor, **changes) -> Honour:
    scoping.require(actor, Perm.CHANGE, h.unit, REFUSED)
    h = Honour.objects.select_for_update().get(pk=h.pk)
    if h.kept_by == KEPT_BY_MODEL_LEDGER:
        moved = [k for k in KEPT_FIELDS if k in changes and changes[k] != getattr(h, k)]
        if moved:
            raise InvalidInput(
                "该称号与普法“民主法治示范村(社区)”台账同步，类别、级别、年度、命名单位和文号请在该台账修改"
            )
    if changes.get("status") not in (None, h.status):
        raise InvalidInput("状态请通过获评、复核等步骤办理")
    changes.pop("status", None)
    if "dispute_number" in changes:
        h.dispute = find_dispute(h.unit, changes.pop("dispute_number"))
    dates = {"applied_on", "awarded_on"}
    for key, value in changes.items():
        setattr(h, key, value if value is not None or key in dates else "")
    _check_honour(h)
    h.version += 1
    _save(h, actor=actor, created=False)
    return h


def keep_model_village(
    *,
    unit: Unit,
    actor,
    kind: str,
    level: str,
    year: int,
    awarded_by: str = "",
    document_no: str = "",
    honour_id: int | None = None,
) -> Honour:
    """The honour a model-village title is (the publicity service calls this when it
    records or edits a title; its own checks and scoping have run): created 已获评 on the
    first call, kept in step after. ``kind`` is publicity's ``village`` or ``community``."""
    kind = HonourKind.MODEL_COMMUNITY if kind == "community" else HonourKind.MODEL_VILLAGE
    h = Honour.objects.select_for_update().filter(pk=honour_id).first() if honour_id else None
    created = h is None
    if created:
        h = Honour(unit=unit, status=HonourStatus.AWARDED, kept_by=KEPT_BY_MODEL_LEDGER)
    old_title = default_title(h.kind, h.level) if not created else None
    h.kind, h.level, h.year = kind, level, year
    h.awarded_by, h.document_no = awarded_by or "", document_no or ""
    if created or h.title == old_title:
        h.title = default_title(kind, level)
    _check_honour(h)
    if not created:
        h.version += 1
    _save(h, actor=actor, created=created)
    return h


# --------------------------------------------------------------------------- assessments
def _check_assessment(a: Assessment) -> None:
    a.year = _year(a.year, "考核年度")
    if a.year > timezone.localdate().year:
        raise InvalidInput("考核年度不能晚于今年")
    a.assessed_by = (a.assessed_by or "").strip()
    if not a.assessed_by:
        raise InvalidInput("请填写考核单位")
    a.name = (a.name or "").strip() or f"{a.year}年度{AssessmentKind(a.kind).label}"
    if a.full_score is None:
        a.full_score = Decimal(100)
    if a.score is None and not a.grade and a.rank is None:
        raise InvalidInput("请至少填写得分、等次或名次中的一项")
    if a.score is not None and a.score > a.full_score:
        raise InvalidInput(f"得分不能高于满分（{a.full_score.normalize():f}分）")
    if a.rank is not None and a.rank < 1:
        raise InvalidInput("名次应从第1名起")
    if a.among is not None and a.rank is not None and a.rank > a.among:
        raise InvalidInput(f"名次（第{a.rank}名）不能超过参评单位数（{a.among}个）")
    if a.among is not None and a.rank is None:
        raise InvalidInput("填写参评单位数时请同时填写名次")
    _not_future(a.announced_on, "通报日期")
    if a.announced_on and a.announced_on.year < a.year:
        raise InvalidInput("通报日期不能早于考核年度")
    if (
        Assessment.objects.filter(unit=a.unit, year=a.year, kind=a.kind, name=a.name)
        .exclude(pk=a.pk)
        .exists()
    ):
        raise InvalidInput(f"{a.unit.name}已登记“{a.name}”的结果")


@transaction.atomic
def create_assessment(
    *,
    unit: Unit,
    actor,
    kind: str,
    year: int,
    assessed_by: str,
    name: str = "",
    score: Decimal | None = None,
    full_score: Decimal | None = None,
    grade: str = "",
    rank: int | None = None,
    among: int | None = None,
    announced_on: dt.date | None = None,
    document_no: str = "",
    notes: str = "",
) -> Assessment:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    a = Assessment(
        unit=unit,
        kind=kind,
        year=year,
        name=name or "",
        assessed_by=assessed_by,
        score=score,
        full_score=full_score if full_score is not None else Decimal(100),
        grade=grade or "",
        rank=rank,
        among=among,
        announced_on=announced_on,
        document_no=(document_no or "").strip(),
        notes=notes or "",
    )
    _check_assessment(a)
    _save(a, actor=actor, created=True)
    return a


@transaction.atomic
def update_assessment(a: Assessment, *, actor, **changes) -> Assessment:
    scoping.require(actor, Perm.CHANGE, a.unit, REFUSED)
    a = Assessment.objects.select_for_update().get(pk=a.pk)
    blank = {"name", "document_no", "notes", "grade", "assessed_by"}
    for key, value in changes.items():
        setattr(a, key, ("" if key in blank else None) if value is None else value)
    _check_assessment(a)
    _save(a, actor=actor, created=False)
    return a


def latest_assessments(unit: Unit, year: int) -> list[Assessment]:
    """Each kind's newest result of ``unit`` itself that a report for ``year`` may state:
    the year's own, else the previous year's (announced early in ``year``)."""
    out = {}
    for a in Assessment.objects.filter(unit=unit, year__in=(year, year - 1)).order_by(
        "kind", "-year", "id"
    ):
        out.setdefault(a.kind, a)
    return list(out.values())
