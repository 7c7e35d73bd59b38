"""The honours and assessment ledgers, declared once for the pages, Excel out and in, the
API and the CLI (fazhi/ledgers, docs/architecture.md "Ledgers")."""

from __future__ import annotations

from fazhi.core.excel import Column, parse_choice, parse_date, parse_decimal, parse_int
from fazhi.core.models.units import TOWNSHIP_KINDS, VILLAGE_KINDS, UnitKind
from fazhi.ledgers import fields as flow
from fazhi.ledgers.declare import Col, Filt, Ledger, model_fields, registered, unit_col
from fazhi.ledgers.importing import Importer

from . import procedures as P
from . import services
from .models import (
    KEPT_BY_MODEL_LEDGER,
    Assessment,
    AssessmentKind,
    Grade,
    Honour,
    HonourKind,
    HonourStatus,
    Level,
)

APP = "honours"
# An honour belongs to a county, a township or a village (a model village's title, a
# village's mediation room); a township may import its villages' titles.
HOLDER_LEVELS = (UnitKind.COUNTY, *TOWNSHIP_KINDS, *VILLAGE_KINDS)


def _values(fields, raw, *, create: bool) -> dict:
    """``raw`` as the services take it: an empty optional number or choice is the service's
    default on create, cleared on edit (a date, a score) or left as it was (a choice)."""
    return flow.values(fields, raw, omit=flow.KINDS if create else ("choice",))


# --------------------------------------------------------------------------- honours
def _create_honour(*, unit, actor, raw):
    return services.create_honour(
        unit=unit, actor=actor, **_values(services.HONOUR_CREATE_FIELDS, raw, create=True)
    )


def _update_honour(obj, *, actor, raw):
    return services.update_honour(
        obj, actor=actor, **_values(services.HONOUR_FIELDS, raw, create=False)
    )


def _status(value) -> str:
    """An import's 状态 cell: 申报中 or 已获评 (empty: 已获评, a title on record)."""
    text = str(value).strip()
    for v, label in services.CREATE_STATUSES:
        if text in (v, label) or (v == HonourStatus.AWARDED and text in ("已命名", "获评")):
            return v
    raise ValueError("状态应为“申报中”或“已获评”")


_LEVEL_WORDS = {
    "全国": Level.NATIONAL,
    "国家": Level.NATIONAL,
    "中央": Level.NATIONAL,
    "省": Level.PROVINCIAL,
    "市": Level.CITY,
    "州": Level.CITY,
    "县": Level.COUNTY,
    "区": Level.COUNTY,
}


def _level(value) -> str:
    """国家级/全国, 省级/省, 市级/市, 县级/县(区) (or the stored value)."""
    text = str(value).strip()
    if text in Level.values:
        return text
    for v, label in Level.choices:
        if text == label:
            return v
    for word, level in _LEVEL_WORDS.items():
        if text.startswith(word):
            return level
    raise ValueError(f"“{text}”不是有效级别（可选：{'、'.join(Level.labels)}）")


def _import_honour(*, unit, actor, row):
    return services.create_honour(
        unit=unit,
        actor=actor,
        kind=row["kind"],
        level=row["level"],
        year=row["year"],
        title=str(row.get("title") or ""),
        status=row.get("status") or HonourStatus.AWARDED,
        awarded_by=str(row.get("awarded_by") or ""),
        document_no=str(row.get("document_no") or ""),
        holder_name=str(row.get("holder_name") or ""),
        holder_post=str(row.get("holder_post") or ""),
        applied_on=row.get("applied_on"),
        awarded_on=row.get("awarded_on"),
        dispute_number=str(row.get("dispute_number") or ""),
    )


def _honour_key(unit, row):
    title = str(row.get("title") or "").strip() or services.default_title(row["kind"], row["level"])
    if unit.kind == UnitKind.COMMUNITY:
        title = title.replace("示范村", "示范社区")
    return {
        "unit": unit,
        "year": row["year"],
        "level": row["level"],
        "title": title,
        "holder_name": str(row.get("holder_name") or "").strip(),
    }


HONOURS_IMPORT = Importer(
    columns=[
        Column("title", "称号名称", aliases=("称号", "荣誉称号", "荣誉名称")),
        Column(
            "kind", "类别", required=True, parse=parse_choice(HonourKind), aliases=("荣誉类别",)
        ),
        Column("level", "级别", required=True, parse=_level, aliases=("层级",)),
        Column("year", "年度", required=True, parse=parse_int, aliases=("命名年度", "获评年度")),
        Column("awarded_by", "命名(表彰)单位", aliases=("命名单位", "表彰单位", "授予单位")),
        Column("document_no", "文号", aliases=("命名文号", "表彰文号")),
        Column("status", "状态", parse=_status),
        Column("holder_name", "获评对象", aliases=("获奖者", "姓名", "获评个人")),
        Column("holder_post", "职务(身份)", aliases=("职务", "身份")),
        Column("applied_on", "申报日期", parse=parse_date),
        Column("awarded_on", "命名日期", parse=parse_date, aliases=("表彰日期",)),
        Column("dispute_number", "调解案件编号", aliases=("案件编号", "纠纷编号", "案例编号")),
    ],
    save=_import_honour,
    key=_honour_key,
    note="每行一个称号；“单位”填获评的村(社区)、乡镇或县的名称或代码；类别填民主法治示范村、"
    "法治乡镇(街道)、金牌调解室、模范调解员、先进集体、先进个人、优秀调解案例或其他荣誉；级别填国家级、省级、"
    "市级或县级；状态填申报中或已获评（不填为已获评）；个人称号在“获评对象”填姓名；"
    "优秀调解案例可在“调解案件编号”填该案在矛盾纠纷台账的编号。"
    "同一单位同年度、同级别、同名称、同获评对象的称号视为已导入。",
)


def _holder(o) -> str:
    return o.holder_name or o.unit.name


def _honour_detail(o):
    rows = [("获评单位", o.unit.name)]
    rows += model_fields(
        o,
        ["title", "kind", "level", "year", "status", "awarded_by", "document_no"],
    )
    if o.holder_name:
        rows.append(("获评对象", o.holder_name + (f"（{o.holder_post}）" if o.holder_post else "")))
    if o.dispute_id:
        rows.append(("调解案件", f"{o.dispute.number}（{o.dispute.unit.name}）"))
    rows += model_fields(o, ["applied_on", "awarded_on", "reviewed_on", "reason", "notes"])
    if o.kept_by == KEPT_BY_MODEL_LEDGER:
        rows.append(
            (
                "同步台账",
                "普法·民主法治示范村(社区)（类别、级别、年度、命名单位和文号在该台账修改）",
            )
        )
    rows += registered(o)
    return rows


HONOUR = Ledger(
    app=APP,
    key="honour",
    plural="honours",
    model=Honour,
    title="荣誉称号（创建）台账",
    columns=[
        Col("年度", lambda o: o.year, "year"),
        Col("称号名称", lambda o: o.title, "title"),
        Col("类别", lambda o: o.get_kind_display(), "kind"),
        Col("级别", lambda o: o.get_level_display(), "level"),
        unit_col("获评单位", sortable=True),
        Col("获评对象", lambda o: o.holder_name),
        Col("命名(表彰)单位", lambda o: o.awarded_by),
        Col("文号", lambda o: o.document_no),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("调解案件", lambda o: o.dispute_number),
    ],
    related=("unit", "dispute"),
    filters=[
        Filt("status", "状态", tuple(HonourStatus.choices)),
        Filt("level", "级别", tuple(Level.choices)),
        Filt("kind", "类别", tuple(HonourKind.choices)),
    ],
    search=("title", "awarded_by", "document_no", "holder_name"),
    ordering=("-year", "unit__path", "id"),
    year_field="year",
    procedure=P.HONOUR,
    actions=P.ACTIONS,
    create_fields=services.HONOUR_CREATE_FIELDS,
    create=_create_honour,
    edit_fields=services.HONOUR_FIELDS,
    update=_update_honour,
    importer=HONOURS_IMPORT,
    unit_kinds=HOLDER_LEVELS,
    detail=_honour_detail,
    empty="下一步：登记本单位及所属村(社区)获评或正在申报的荣誉称号（可从 Excel 导入）。",
)


# --------------------------------------------------------------------------- assessments
def _create_assessment(*, unit, actor, raw):
    return services.create_assessment(
        unit=unit, actor=actor, **_values(services.ASSESSMENT_FIELDS, raw, create=True)
    )


def _update_assessment(obj, *, actor, raw):
    data = _values(services.ASSESSMENT_FIELDS, raw, create=False)
    if "full_score" in data and data["full_score"] is None:
        data.pop("full_score")
    return services.update_assessment(obj, actor=actor, **data)


def _grade(value) -> str:
    text = str(value).strip()
    for v, label in Grade.choices:
        if text in (v, label) or (len(text) > len(label) and text.startswith(label)):
            return v
    raise ValueError(f"等次应为{'、'.join(Grade.labels)}")


def _rank(value):
    """ "3" or "第3名" or "3/12" (rank and how many were assessed)."""
    text = str(value).strip().replace("第", "").replace("名", "").replace("／", "/")
    rank, _, among = text.partition("/")
    n = parse_int(rank)
    if n < 1:
        raise ValueError("名次应从第1名起")
    return (n, parse_int(among) if among.strip() else None)


def _import_assessment(*, unit, actor, row):
    rank, among_in_rank = row.get("rank") or (None, None)
    return services.create_assessment(
        unit=unit,
        actor=actor,
        kind=row["kind"],
        year=row["year"],
        name=str(row.get("name") or ""),
        assessed_by=str(row.get("assessed_by") or ""),
        score=row.get("score"),
        full_score=row.get("full_score"),
        grade=row.get("grade") or "",
        rank=rank,
        among=row.get("among") or among_in_rank,
        announced_on=row.get("announced_on"),
        document_no=str(row.get("document_no") or ""),
    )


def _assessment_key(unit, row):
    name = str(row.get("name") or "").strip()
    if not name:
        name = f"{row['year']}年度{AssessmentKind(row['kind']).label}"
    return {"unit": unit, "year": row["year"], "kind": row["kind"], "name": name}


def _nonneg_decimal(value):
    d = parse_decimal(value)
    if d < 0:
        raise ValueError("不能为负数")
    return d


ASSESSMENTS_IMPORT = Importer(
    columns=[
        Column(
            "kind", "考核类别", required=True, parse=parse_choice(AssessmentKind), aliases=("类别",)
        ),
        Column("year", "考核年度", required=True, parse=parse_int, aliases=("年度",)),
        Column("name", "考核名称"),
        Column("assessed_by", "考核单位", required=True, aliases=("考核机关", "通报单位")),
        Column("score", "得分", parse=_nonneg_decimal, aliases=("分数", "考核得分")),
        Column("full_score", "满分", parse=_nonneg_decimal),
        Column("grade", "等次", parse=_grade, aliases=("考核等次", "等级")),
        Column("rank", "名次", parse=_rank, aliases=("排名",)),
        Column("among", "参评单位数", parse=parse_int, aliases=("参评单位", "共几个")),
        Column("announced_on", "通报日期", parse=parse_date),
        Column("document_no", "通报文号", aliases=("文号",)),
    ],
    save=_import_assessment,
    key=_assessment_key,
    note="每行一个单位一个年度的一项考核结果；考核类别填依法行政考核、法治建设考核或其他考核；"
    "得分、等次、名次至少填一项；名次可写“3”“第3名”或“3/12”（第3名，共12个单位）；"
    "等次填优秀、良好、合格、基本合格或不合格。同一单位同年度同类同名的考核视为已导入。",
)


def _rank_text(o) -> str:
    if o.rank is None:
        return ""
    return f"第{o.rank}名" + (f"（共{o.among}个）" if o.among else "")


def _score_text(o) -> str:
    if o.score is None:
        return ""
    full = "" if o.full_score == 100 else f"（满分{o.full_score.normalize():f}）"
    return f"{o.score.normalize():f}{full}"


ASSESSMENT = Ledger(
    app=APP,
    key="assessment",
    plural="assessments",
    model=Assessment,
    title="依法行政与法治建设考核结果",
    columns=[
        Col("考核年度", lambda o: o.year, "year"),
        unit_col(sortable=True),
        Col("考核类别", lambda o: o.get_kind_display(), "kind"),
        Col("考核名称", lambda o: o.name),
        Col("考核单位", lambda o: o.assessed_by),
        Col("得分", _score_text, "score"),
        Col("等次", lambda o: o.get_grade_display()),
        Col("名次", _rank_text, "rank"),
        Col("通报日期", lambda o: o.announced_on, "announced_on"),
    ],
    filters=[
        Filt("kind", "考核类别", tuple(AssessmentKind.choices)),
        Filt("grade", "等次", tuple(Grade.choices)),
    ],
    search=("name", "assessed_by", "document_no"),
    ordering=("-year", "unit__path", "kind"),
    year_field="year",
    create_fields=services.ASSESSMENT_FIELDS,
    create=_create_assessment,
    update=_update_assessment,
    importer=ASSESSMENTS_IMPORT,
    detail=lambda o: (
        [("单位", o.unit.name)]
        + model_fields(o, ["kind", "name", "year", "assessed_by"])
        + [("得分", _score_text(o)), ("等次", o.get_grade_display()), ("名次", _rank_text(o))]
        + model_fields(o, ["announced_on", "document_no", "notes"])
    ),
    empty="下一步：登记上级通报的依法行政考核、法治建设考核结果（得分、等次、名次）。",
)

LEDGERS = [HONOUR, ASSESSMENT]

TABS = [
    ("index", "概览"),
    ("honour_list", "荣誉称号"),
    ("assessment_list", "考核结果"),
]
