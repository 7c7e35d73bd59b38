"""Excel/CSV into the legal-services ledgers (``fazhi.ledgers.importing``): consultations,
the service centre's days, duty shifts and legal-aid referrals. Row errors carry the row
number; a file with any bad row saves nothing; a second import of the same file creates
nothing (a natural key, or for the centre's days, the day is corrected)."""

from __future__ import annotations

from fazhi.core.errors import InvalidInput
from fazhi.core.excel import (
    Column,
    RowError,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
)
from fazhi.ledgers.importing import Importer, text

from . import services
from .models import Channel, ConsultationCategory, LegalAdviser, ShiftStatus


def _adviser(unit, name: str, *, required: bool):
    if not name:
        if required:
            raise InvalidInput("请填写法律顾问")
        return None
    township = unit.township() or unit
    adviser = LegalAdviser.objects.filter(unit=township, name=name).first()
    if adviser is None:
        raise InvalidInput(f"找不到法律顾问“{name}”")
    return adviser


# ---------------------------------------------------------------- consultations

CONSULTATION_COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date, aliases=("咨询日期",)),
    Column("unit", "村(社区)", aliases=("村社区", "单位")),
    Column("place", "地点", required=True),
    Column("topic", "咨询事项", required=True, aliases=("事项", "主题")),
    Column(
        "category",
        "咨询类别",
        parse=parse_choice(ConsultationCategory),
        aliases=("类别", "咨询类型"),
    ),
    Column("channel", "方式", parse=parse_choice(Channel), aliases=("咨询方式",)),
    Column("adviser", "法律顾问", aliases=("解答人",)),
    Column("persons", "服务人次", parse=parse_int, aliases=("人次",)),
    Column("answer", "解答意见"),
]


def _save_consultation(*, unit, actor, row):
    return services.record_consultation(
        unit=unit,
        actor=actor,
        date=row["date"],
        place=text(row, "place"),
        topic=text(row, "topic"),
        category=row.get("category") or None,
        channel=row.get("channel") or Channel.ON_SITE,
        adviser=_adviser(unit, text(row, "adviser"), required=False),
        persons=row.get("persons") or 1,
        answer=text(row, "answer"),
    )


CONSULTATIONS = Importer(
    columns=CONSULTATION_COLUMNS,
    save=_save_consultation,
    key=lambda unit, row: {
        "unit": unit,
        "date": row["date"],
        "place": text(row, "place")[:100],
        "topic": text(row, "topic")[:200],
    },
    note="同一单位同一日期、地点、咨询事项的记录视为已导入。",
)


# ---------------------------------------------------------------- enterprise visits

VISIT_COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date, aliases=("服务日期",)),
    Column("unit", "登记单位", aliases=("乡镇(街道)", "村(社区)", "单位")),
    Column("enterprise", "企业名称", required=True, aliases=("企业",)),
    Column("adviser", "法律顾问"),
    Column("matters", "服务事项", required=True, aliases=("事项",)),
    Column("persons", "服务人次", parse=parse_int, aliases=("人次",)),
    Column("note", "备注"),
]


def _save_visit(*, unit, actor, row):
    return services.record_enterprise_visit(
        unit=unit,
        actor=actor,
        date=row["date"],
        enterprise=text(row, "enterprise"),
        matters=text(row, "matters"),
        adviser=_adviser(unit, text(row, "adviser"), required=False),
        persons=row.get("persons") or 1,
        note=text(row, "note"),
    )


ENTERPRISE_VISITS = Importer(
    columns=VISIT_COLUMNS,
    save=_save_visit,
    key=lambda unit, row: {
        "unit": unit,
        "date": row["date"],
        "enterprise": text(row, "enterprise")[:100],
    },
    note="同一单位同一日期、同一企业的入企服务视为已导入。",
)


# ---------------------------------------------------------------- service centre

CENTER_COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date),
    Column("unit", "乡镇(街道)", aliases=("单位",)),
    Column(
        "visits",
        "接待办事群众(人次)",
        required=True,
        parse=parse_int,
        aliases=("接待人次", "接待办事群众"),
    ),
    Column(
        "self_service",
        "自助服务机使用(件)",
        required=True,
        parse=parse_int,
        aliases=("自助服务机使用量", "自助服务"),
    ),
    Column("note", "备注"),
]


def _one_row_per_day(rows) -> list[RowError]:
    seen: dict[tuple, int] = {}
    errors = []
    for row in rows:
        key = (row.get("unit") or "", row.get("date"))
        if key in seen and row.get("date"):
            errors.append(RowError(row["_row"], "日期", f"与第{seen[key]}行重复"))
        seen.setdefault(key, row["_row"])
    return errors


CENTER_DAYS = Importer(
    columns=CENTER_COLUMNS,
    save=lambda *, unit, actor, row: services.record_center_day(
        unit=unit,
        actor=actor,
        date=row["date"],
        visits=row["visits"],
        self_service=row["self_service"],
        note=text(row, "note"),
    ),
    check=_one_row_per_day,
    note="每个乡镇(街道)每天一行；再次导入同一天即更正当天的统计。",
)


# ---------------------------------------------------------------- duty shifts

SHIFT_COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date, aliases=("坐班日期",)),
    Column("unit", "村(社区)", aliases=("坐班地点", "村社区", "单位")),
    Column("adviser", "法律顾问", required=True, aliases=("律师",)),
    Column("hours", "时长(小时)", parse=parse_decimal, aliases=("时长", "小时")),
    Column("status", "状态", parse=parse_choice(ShiftStatus)),
    Column("note", "情况记录", aliases=("备注",)),
]


def _save_shift(*, unit, actor, row):
    return services.plan_shift(
        unit=unit,
        actor=actor,
        adviser=_adviser(unit, text(row, "adviser"), required=True),
        date=row["date"],
        hours=row.get("hours") or 4,
        status=row.get("status") or ShiftStatus.PLANNED,
        note=text(row, "note"),
    )


SHIFTS = Importer(
    columns=SHIFT_COLUMNS,
    save=_save_shift,
    key=lambda unit, row: {
        "unit": unit,
        "date": row["date"],
        "adviser__name": text(row, "adviser"),
    },
    note="法律顾问填姓名，须为该乡镇聘请的法律顾问；状态可填“计划”“已坐班”“未到岗”，默认为计划。",
)


# ---------------------------------------------------------------- legal aid

REFERRAL_COLUMNS = [
    Column("date", "转介日期", required=True, parse=parse_date, aliases=("日期",)),
    Column("unit", "登记单位", aliases=("单位", "村(社区)")),
    Column("person_name", "当事人", required=True, aliases=("姓名",)),
    Column("phone", "联系电话", aliases=("电话", "手机")),
    Column("matter", "事项", required=True, aliases=("援助事项",)),
    Column("referred_to", "转介至", aliases=("转介机构",)),
    Column("note", "备注"),
]

REFERRALS = Importer(
    columns=REFERRAL_COLUMNS,
    save=lambda *, unit, actor, row: services.record_referral(
        unit=unit,
        actor=actor,
        date=row["date"],
        person_name=text(row, "person_name"),
        phone=text(row, "phone"),
        matter=text(row, "matter"),
        referred_to=text(row, "referred_to") or "县法律援助中心",
        note=text(row, "note"),
    ),
    key=lambda unit, row: {
        "unit": unit,
        "date": row["date"],
        "person_name": text(row, "person_name")[:50],
        "matter": text(row, "matter")[:200],
    },
    note="同一单位同一日期、当事人、事项的转介视为已导入。",
)
