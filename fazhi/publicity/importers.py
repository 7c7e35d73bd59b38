"""Excel import of publicity events (普法活动台账): all-or-nothing per file, errors by row.

Columns: 日期, 活动名称, 主题 (a themed day's label, or any other text = free theme),
形式 (进校园 …), [地点], [联合单位], [宣传的法律法规], [受众人数], [发放材料], [现场咨询],
[单位] (a unit under the chosen one, by code or name; default the chosen unit).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fazhi.core.excel import Column, RowError, parse_choice, parse_date, parse_int, read_table
from fazhi.core.models import Unit
from fazhi.learning.importers import ImportFailed

from . import services
from .models import PlaceKind, Theme

__all__ = ["ImportFailed", "import_events"]

_THEME_ALIASES = {
    "3·15": Theme.CONSUMER,
    "3.15": Theme.CONSUMER,
    "4·15": Theme.SECURITY,
    "4.15": Theme.SECURITY,
    "4·26": Theme.IP,
    "4.26": Theme.IP,
    "6·26": Theme.DRUGS,
    "6.26": Theme.DRUGS,
    "12·4": Theme.CONSTITUTION_DAY,
    "12.4": Theme.CONSTITUTION_DAY,
}


def _theme(value) -> tuple[str, str]:
    text = str(value).strip()
    if text in Theme.values:
        return text, ""
    for v, label in Theme.choices:
        if text == label:
            return v, ""
    if "宪法宣传周" in text:
        return Theme.CONSTITUTION_WEEK, ""
    for prefix, theme in _THEME_ALIASES.items():
        if text.startswith(prefix):
            return theme, ""
    return Theme.FREE, text[:100]


def _count(value) -> int:
    n = parse_int(value)
    if n < 0:
        raise ValueError("不能为负数")
    return n


COLUMNS = [
    Column("date", "日期", required=True, parse=parse_date, aliases=("活动日期",)),
    Column("title", "活动名称", required=True, aliases=("活动", "名称")),
    Column("theme", "主题", required=True, parse=_theme),
    Column("place_kind", "形式", required=True, parse=parse_choice(PlaceKind), aliases=("场所",)),
    Column("place", "地点"),
    Column("partners", "联合单位", aliases=("参与单位",)),
    Column("laws", "宣传的法律法规", aliases=("法律法规",)),
    Column("audience", "受众人数", parse=_count, aliases=("受教育人数", "参与人数")),
    Column("materials", "发放材料", parse=_count, aliases=("发放材料（份）", "发放资料")),
    Column("consultations", "现场咨询", parse=_count, aliases=("现场咨询（起）", "接受咨询")),
    Column("unit", "单位", aliases=("村(社区)",)),
]


def import_events(unit: Unit, data: bytes, filename: str, *, actor) -> int:
    rows, errors = read_table(data, filename, COLUMNS)
    subtree = {u.code: u for u in Unit.objects.subtree(unit)}
    by_name: dict[str, list[Unit]] = {}
    for u in subtree.values():
        by_name.setdefault(u.name, []).append(u)
    today = timezone.localdate()
    for row in rows:
        ref = str(row.get("unit") or "").strip()
        if ref:
            target = subtree.get(ref) or (
                by_name[ref][0] if len(by_name.get(ref, [])) == 1 else None
            )
            if target is None:
                errors.append(RowError(row["_row"], "单位", f"“{ref}”不是{unit.name}或其下级单位"))
            row["unit"] = target
        else:
            row["unit"] = unit
        if row.get("date") and row["date"] > today:
            errors.append(
                RowError(row["_row"], "日期", "不能晚于今天（尚未举行的活动请在页面登记）")
            )
        if len(str(row.get("title") or "")) > 200:
            errors.append(RowError(row["_row"], "活动名称", "不能超过200字"))
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        for row in rows:
            theme, free = row["theme"]
            services.create_event(
                row["unit"],
                {
                    "date": row["date"],
                    "title": row["title"],
                    "theme": theme,
                    "free_theme": free,
                    "place_kind": row["place_kind"],
                    "place": row.get("place") or "",
                    "partners": row.get("partners") or "",
                    "laws": row.get("laws") or "",
                    "audience": row.get("audience") or 0,
                    "materials": row.get("materials") or 0,
                    "consultations": row.get("consultations") or 0,
                },
                actor=actor,
            )
    return len(rows)
