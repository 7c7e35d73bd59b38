"""Excel imports for the study ledgers: all-or-nothing per file, errors by row.

- sign-in sheet of one session (签到表): 姓名, [职务], [学时]
- roster of cadres (干部名册): 姓名, 职务, [领导干部], [班子成员]
- results export of the online exam (法宣在线 and similar): 姓名, [职务], [学习积分/参学],
  [是否参考], 成绩
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from fazhi.core.errors import InvalidInput
from fazhi.core.excel import Column, RowError, parse_bool, parse_decimal, read_table

from . import services
from .models import AttendanceSource, Cadre, StudySession


class ImportFailed(InvalidInput):
    """The file had bad rows: nothing was written. ``errors`` lists them."""

    code = "import_rows"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        head = "；".join(str(e) for e in errors[:5])
        more = f"（另有 {len(errors) - 5} 处错误）" if len(errors) > 5 else ""
        super().__init__(f"导入失败，未写入任何记录：{head}{more}")


def _raise_if(errors: list[RowError]) -> None:
    if errors:
        raise ImportFailed(errors)


def _match_cadres(cadres, rows, errors: list[RowError]) -> dict[int, Cadre]:
    """Row number → cadre, matching by name (and post when names repeat)."""
    by_name: dict[str, list[Cadre]] = defaultdict(list)
    for c in cadres:
        by_name[c.name].append(c)
    found: dict[int, Cadre] = {}
    for row in rows:
        name = str(row.get("name") or "").strip()
        candidates = by_name.get(name, [])
        post = str(row.get("post") or "").strip()
        if len(candidates) > 1 and post:
            candidates = [c for c in candidates if c.post == post]
        if not candidates:
            errors.append(RowError(row["_row"], "姓名", f"“{name}”不在本单位在职干部名单中"))
        elif len(candidates) > 1:
            errors.append(RowError(row["_row"], "姓名", f"“{name}”有重名，请填写职务以区分"))
        else:
            found[row["_row"]] = candidates[0]
    return found


def _hours(value) -> Decimal:
    h = parse_decimal(value)
    if h < 0:
        raise ValueError("学时不能为负数")
    return h


SIGN_IN_COLUMNS = [
    Column("name", "姓名", required=True, aliases=("参学人员", "签到人")),
    Column("post", "职务", aliases=("职位",)),
    Column("hours", "学时", parse=_hours, aliases=("计入学时", "学时（小时）")),
]


def import_sign_in(session: StudySession, data: bytes, filename: str, *, actor) -> int:
    """Credit the cadres on a session's sign-in sheet. Returns how many rows were recorded."""
    rows, errors = read_table(data, filename, SIGN_IN_COLUMNS)
    cadres = list(services.eligible_cadres(session).select_related("unit"))
    matched = _match_cadres(cadres, rows, errors)
    seen: dict[int, int] = {}
    for row in rows:
        cadre = matched.get(row["_row"])
        if cadre is None:
            continue
        if cadre.pk in seen:
            errors.append(RowError(row["_row"], "姓名", f"与第{seen[cadre.pk]}行重复"))
        seen[cadre.pk] = row["_row"]
        hours = row.get("hours")
        if hours is not None and hours > session.hours:
            errors.append(RowError(row["_row"], "学时", f"不能超过本次活动学时（{session.hours}）"))
    _raise_if(errors)
    with transaction.atomic():
        for row in rows:
            services.check_in(
                session,
                matched[row["_row"]],
                actor=actor,
                hours=row.get("hours"),
                source=AttendanceSource.SIGN_IN_SHEET,
            )
    return len(rows)


ROSTER_COLUMNS = [
    Column("name", "姓名", required=True),
    Column("post", "职务", aliases=("职位",)),
    Column("is_leader", "领导干部", parse=parse_bool, aliases=("是否领导干部",)),
    Column("in_leadership_group", "班子成员", parse=parse_bool, aliases=("领导班子成员",)),
]


def import_roster(unit, data: bytes, filename: str, *, actor) -> int:
    """Add cadres from a roster; a name (with post) already in the unit is an error."""
    rows, errors = read_table(data, filename, ROSTER_COLUMNS)
    existing = set(Cadre.objects.filter(unit=unit).values_list("name", "post"))
    seen: dict[tuple, int] = {}
    for row in rows:
        key = (str(row.get("name") or ""), str(row.get("post") or ""))
        if key in existing:
            errors.append(RowError(row["_row"], "姓名", f"“{key[0]}”已在干部名单中"))
        if key in seen:
            errors.append(RowError(row["_row"], "姓名", f"与第{seen[key]}行重复"))
        seen[key] = row["_row"]
    _raise_if(errors)
    with transaction.atomic():
        for row in rows:
            services.create_cadre(
                unit=unit,
                actor=actor,
                name=row["name"],
                post=row.get("post") or "",
                is_leader=bool(row.get("is_leader")),
                in_leadership_group=bool(row.get("in_leadership_group")),
            )
    return len(rows)


def _score(value) -> Decimal:
    s = parse_decimal(value)
    if not 0 <= s <= 100:
        raise ValueError("成绩应在 0 到 100 之间")
    return s


def _credits(value) -> bool:
    text = str(value).strip()
    try:
        return Decimal(text.replace(",", "")) > 0
    except Exception:
        return parse_bool(text)


EXAM_COLUMNS = [
    Column("name", "姓名", required=True),
    Column("post", "职务", aliases=("职位",)),
    Column("studied", "参学", parse=_credits, aliases=("学习积分", "是否参学", "学习情况")),
    Column("took", "参考", parse=parse_bool, aliases=("是否参考", "是否参加考试")),
    Column("score", "成绩", parse=_score, aliases=("考试成绩", "得分", "分数")),
]


def import_exam(
    unit, year: int, data: bytes, filename: str, *, actor, platform: str = "法宣在线"
) -> int:
    """Record the yearly exam from the platform's results export. Returns rows recorded."""
    rows, errors = read_table(data, filename, EXAM_COLUMNS)
    cadres = list(Cadre.objects.in_subtree(unit).filter(active=True).select_related("unit"))
    matched = _match_cadres(cadres, rows, errors)
    seen: dict[int, int] = {}
    for row in rows:
        cadre = matched.get(row["_row"])
        if cadre is not None:
            if cadre.pk in seen:
                errors.append(RowError(row["_row"], "姓名", f"与第{seen[cadre.pk]}行重复"))
            seen[cadre.pk] = row["_row"]
        if row.get("took") and row.get("score") is None:
            errors.append(RowError(row["_row"], "成绩", "参加考试的须填写成绩"))
    _raise_if(errors)
    with transaction.atomic():
        for row in rows:
            score = row.get("score")
            took = row.get("took")
            studied = row.get("studied")
            services.record_exam_result(
                matched[row["_row"]],
                year=year,
                actor=actor,
                platform=platform,
                score=score,
                took_exam=bool(took) if took is not None else score is not None,
                studied_online=bool(studied) if studied is not None else score is not None,
            )
    return len(rows)


def _year(value) -> int:
    from django.utils import timezone

    text = str(value).strip().removesuffix("年")
    if (
        not (text.isascii() and text.isdigit())
        or not 2000 <= int(text) <= timezone.localdate().year + 1
    ):
        raise ValueError("年度不正确")
    return int(text)


# The exam ledger's own import (fazhi.ledgers): the year and the platform are columns.
EXAM_LEDGER_COLUMNS = [
    *EXAM_COLUMNS,
    Column("year", "年度", required=True, parse=_year, aliases=("考试年度",)),
    Column("platform", "考试平台", aliases=("平台",)),
]


def exam_values(row) -> dict:
    """A results row as ``record_exam_result``'s arguments (a score means studied and took,
    unless the row says otherwise)."""
    score, took, studied = row.get("score"), row.get("took"), row.get("studied")
    return {
        "year": row["year"],
        "platform": str(row.get("platform") or "").strip() or "法宣在线",
        "score": score,
        "took_exam": bool(took) if took is not None else score is not None,
        "studied_online": bool(studied) if studied is not None else score is not None,
    }


def find_cadre(unit, row) -> Cadre:
    """The active cadre of ``unit`` (or below) a row names, or InvalidInput saying why not."""
    errors: list[RowError] = []
    cadres = Cadre.objects.in_subtree(unit).filter(active=True).select_related("unit")
    found = _match_cadres(cadres, [row], errors)
    if errors:
        raise InvalidInput(errors[0].message)
    return found[row["_row"]]
