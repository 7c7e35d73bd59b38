"""Annual reports: create, draft, edit, take each step, publish; the county's view of who is late.

Every change goes through one of these functions (atomic, audited); the pages, the API and
the CLI call them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core import audit, scoping
from fazhi.core.errors import DomainError, InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.roles import Perm
from fazhi.indicators import registry
from fazhi.indicators import services as indicator_services

from . import drafting, figures
from .models import (
    AnnualReport,
    FigureOverride,
    ReportingDeadline,
    ReportSection,
    ReportStatus,
    Shortfall,
)
from .procedures import PROCEDURE

PREAMBLE = 0


REFUSED = "您的角色无权进行此操作"


def _editable(report: AnnualReport) -> None:
    if report.status != ReportStatus.DRAFT:
        raise DomainError(
            f"报告当前状态为“{report.get_status_display()}”，只有草稿可以修改", code="not_draft"
        )


def default_title(unit: Unit, year: int) -> str:
    return f"{unit.name}关于{year}年度法治政府建设情况的报告"


def default_issuers(unit: Unit) -> str:
    return f"中共{unit.name}委员会\n{unit.name}人民政府"


def preamble(unit: Unit, year: int) -> str:
    return (
        f"{year}年，{unit.name}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻"
        "习近平法治思想，认真落实法治政府建设各项任务，依法行政水平不断提高。"
        f"根据《法治政府建设与责任落实督察工作规定》，现将{year}年度法治政府建设情况报告如下："
    )


# --------------------------------------------------------------------------- ledger facts
def ledger_facts(unit: Unit, year: int) -> dict:
    """Notable records the draft names (titles, not figures): decisions, next year's catalog."""
    facts: dict = {"notes": {}}
    _oversight_facts(unit, year, facts)
    try:
        from fazhi.decisions.models import MajorDecision
    except ImportError:
        return facts
    qs = MajorDecision.objects.in_subtree(unit)
    decided = list(
        qs.filter(decided_on__year=year).order_by("decided_on").values_list("title", flat=True)[:3]
    )
    if decided:
        names = "、".join(f"《{t}》" for t in decided)
        facts["notes"]["decisions.legality_review_coverage"] = [
            f"依法作出{names}等重大行政决策，决策前均按规定履行法定程序。"
        ]
    facts["next_decisions"] = list(
        qs.filter(year=year + 1).order_by("pk").values_list("title", flat=True)[:5]
    )
    return facts


def _oversight_facts(unit: Unit, year: int, facts: dict) -> None:
    """Section three and four material from the oversight ledgers: the leading group, the
    heads' study and 述法, and the rectifications still open."""
    try:
        from fazhi.oversight import services as oversight
        from fazhi.oversight.models import Rectification
    except ImportError:
        return
    three = oversight.section_three(unit, year)
    group = three["leading_group"]
    if group is not None:
        heads = [m for m in three["members"] if m.role == "leader"]
        head = f"由{heads[0].post}任组长" if heads else ""
        facts["leading_group"] = (
            f"调整充实{group.name}{('（' + group.doc_number + '）') if group.doc_number else ''}，"
            f"{head}{'，' if head else ''}领导小组办公室设在{group.office or '司法所'}，"
            "统筹推进全镇法治建设各项工作。"
        )
    lines = []
    for r in three["duty_reports"]:
        topics = "、".join(f"“{t}”" for t in r.topic_list[:3])
        line = f"{r.post}{r.person_name}"
        if topics:
            line += f"主持研究{topics}等法治议题"
        if r.report_date:
            line += f"，并于{r.report_date.year}年{r.report_date.month}月{r.report_date.day}日述法"
        lines.append(line + "。")
    if lines:
        facts["duty_reports"] = "".join(lines)
    facts["open_rectifications"] = [
        (pk, problem.strip().splitlines()[0][:40])
        for pk, problem in Rectification.objects.in_subtree(unit)
        .open()
        .order_by("deadline", "pk")
        .values_list("pk", "problem")[:10]
        if problem.strip()
    ]


# --------------------------------------------------------------------------- create / draft
@transaction.atomic
def create_report(unit: Unit, year: int, *, actor) -> AnnualReport:
    scoping.require(actor, Perm.CHANGE, unit, REFUSED)
    if unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
        raise InvalidInput("年度报告由乡镇（街道）或县级单位编制，村（社区）不单独报告")
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise InvalidInput(f"年度应在 2000 至 {today.year} 之间")
    if AnnualReport.objects.filter(unit=unit, year=year).exists():
        raise DomainError(f"{unit.name}{year}年度报告已存在", code="exists")
    report = AnnualReport(
        unit=unit,
        year=year,
        title=default_title(unit, year),
        issuers=default_issuers(unit),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise DomainError(f"{unit.name}{year}年度报告已存在", code="exists")
    heads = drafting.headings(year)
    ReportSection.objects.create(report=report, number=PREAMBLE, heading="")
    for n in range(1, 6):
        ReportSection.objects.create(report=report, number=n, heading=heads[n])
    audit.record(audit.E.CREATE, obj=report, user=actor)
    return generate(report, actor=actor)


@transaction.atomic
def generate(report: AnnualReport, *, actor) -> AnnualReport:
    """(Re)draft from the ledgers: new snapshot, new generated text; edited text is kept."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    snap = indicator_services.take_snapshot(
        report.unit, report.year, actor=actor, purpose="报告草稿"
    )
    values = {c: registry.Value.from_dict(d) for c, d in snap.values.items()}
    facts = ledger_facts(report.unit, report.year)
    found = drafting.shortfalls(values) + [
        (f"rectification:{pk}", f"督察（自查）发现的“{text}”问题尚未整改销号")
        for pk, text in facts.get("open_rectifications", [])
    ]
    _sync_shortfalls(report, found)
    items = list(report.shortfalls.all())
    texts = {
        PREAMBLE: preamble(report.unit, report.year),
        1: drafting.section_one(values, facts.get("notes", {})),
        2: drafting.section_two(items),
        3: drafting.section_three(report.unit, values, facts),
        4: drafting.section_four(report.year, facts, items, report.plans),
        5: drafting.SECTION_FIVE,
    }
    for section in report.sections.all():
        _set_generated(section, texts[section.number])
    report.snapshot = snap
    report.generated_at = timezone.now()
    report.version += 1
    report.save()
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail={"action": "generate"})
    return report


def _set_generated(section: ReportSection, text: str) -> None:
    section.generated = text
    if not section.edited:
        section.text = text
    section.save()


def _sync_shortfalls(report: AnnualReport, found: list[tuple[str, str]]) -> None:
    keys = {k for k, _ in found}
    for s in report.shortfalls.all():
        if s.key not in keys:
            s.delete()
    existing = {s.key: s for s in report.shortfalls.all()}
    for order, (key, desc) in enumerate(found):
        s = existing.get(key)
        if s is None:
            Shortfall.objects.create(report=report, key=key, description=desc, order=order)
        elif s.description != desc or s.order != order:
            s.description, s.order = desc, order
            s.save()


def _refresh_dependent(report: AnnualReport) -> None:
    """Sections two and four follow the causes and plans staff enter."""
    items = list(report.shortfalls.all())
    facts = ledger_facts(report.unit, report.year)
    for section in report.sections.filter(number__in=(2, 4)):
        if section.number == 2:
            _set_generated(section, drafting.section_two(items))
        else:
            _set_generated(section, drafting.section_four(report.year, facts, items, report.plans))


# --------------------------------------------------------------------------- editing
MAX_SECTION_CHARS = 20000


@transaction.atomic
def update_section(report: AnnualReport, number: int, text: str, *, actor) -> ReportSection:
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_SECTION_CHARS:
        raise InvalidInput(f"每部分不超过 {MAX_SECTION_CHARS} 字")
    try:
        section = report.sections.get(number=number)
    except ReportSection.DoesNotExist:
        raise InvalidInput("没有这一部分")
    unknown = [c for c in figures.codes_in(text) if c not in registry.INDICATORS]
    if unknown:
        raise InvalidInput(f"未知的数据标记：{'、'.join(unknown)}")
    section.text = text
    section.edited = text != section.generated.strip()
    section.save()
    _bump(report)
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail={"section": number})
    return section


@transaction.atomic
def reset_section(report: AnnualReport, number: int, *, actor) -> ReportSection:
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    section = report.sections.get(number=number)
    section.text, section.edited = section.generated, False
    section.save()
    _bump(report)
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail={"section": number, "reset": True})
    return section


@transaction.atomic
def update_details(report: AnnualReport, *, actor, title=None, issuers=None, plans=None):
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    if title is not None:
        title = title.strip()
        if not title:
            raise InvalidInput("标题不能为空")
        report.title = title[:200]
    if issuers is not None:
        issuers = issuers.strip()
        if not issuers:
            raise InvalidInput("请填写发文单位")
        report.issuers = issuers[:200]
    if plans is not None:
        report.plans = plans.strip()[:5000]
    report.version += 1
    report.save()
    _refresh_dependent(report)
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail={"action": "details"})
    return report


@transaction.atomic
def set_cause(report: AnnualReport, shortfall_id: int, cause: str, *, actor) -> Shortfall:
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    try:
        item = report.shortfalls.get(pk=shortfall_id)
    except (Shortfall.DoesNotExist, ValueError):
        raise InvalidInput("没有这项不足")
    item.cause = (cause or "").strip()[:2000]
    item.save()
    _refresh_dependent(report)
    _bump(report)
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail={"shortfall": item.key})
    return item


@transaction.atomic
def set_override(report: AnnualReport, code: str, value, reason: str, *, actor) -> FigureOverride:
    """Print ``value`` for ``code`` instead of the ledgers' figure: explicit, with a reason."""
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    if code not in registry.INDICATORS:
        registry.all_indicators()
        if code not in registry.INDICATORS:
            raise InvalidInput(f"未知的指标：{code}")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("更正数值应为数字")
    if not number.is_finite() or abs(number) >= Decimal("1e13"):
        raise InvalidInput("更正数值超出范围")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput("请写明更正理由（至少 4 个字）")
    ind = registry.get(code)
    current = figures.values_for(report).get(code)
    ledger_text = registry.format_value(ind, current) if current else "暂无数据"
    ov, _ = FigureOverride.objects.update_or_create(
        report=report,
        code=code,
        defaults={
            "value": number.quantize(Decimal("0.01")),
            "reason": reason[:500],
            "ledger_value": ledger_text[:40],
            "by": actor if getattr(actor, "pk", None) else None,
            "by_name": (getattr(actor, "label", "") or getattr(actor, "username", ""))[:50],
        },
    )
    _bump(report)
    audit.record(
        audit.E.UPDATE,
        obj=report,
        user=actor,
        detail={"override": code, "value": str(number), "ledger": ledger_text},
    )
    return ov


@transaction.atomic
def remove_override(report: AnnualReport, code: str, *, actor) -> None:
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    report.overrides.filter(code=code).delete()
    _bump(report)
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail={"override_removed": code})


def _bump(report: AnnualReport) -> None:
    report.version += 1
    report.save(update_fields=["version", "updated_at"])


# --------------------------------------------------------------------------- checks
def overrides_of(report: AnnualReport) -> dict:
    return {o.code: o for o in report.overrides.all()}


def blocking_problems(report: AnnualReport) -> list[str]:
    """Why the report may not go forward: figures that disagree, causes not written …"""
    problems: list[str] = []
    values = figures.values_for(report)
    overrides = overrides_of(report)
    for section in report.sections.all():
        if section.number and not section.text.strip():
            problems.append(f"“{section.heading}”尚无内容")
        for code in figures.codes_in(section.text):
            v = values.get(code)
            if code in overrides:
                continue
            if v is None or v.status == registry.UNAVAILABLE:
                problems.append(f"数据“{code}”暂无台账数据，请删除该数据或登记数据更正说明")
        problems.extend(figures.typed_mismatches(section.text, values, overrides))
        problems.extend(_pending_problems(section))
    missing = [s for s in report.shortfalls.all() if not s.cause.strip()]
    if missing:
        problems.append(f"第二部分有 {len(missing)} 项不足尚未填写原因")
    return list(dict.fromkeys(problems))


PENDING_MARK = re.compile(r"〔待核：([^〔〕\n]*)〕")


def _pending_problems(section: ReportSection) -> list[str]:
    """Figures carried from last year's report that no indicator holds (``previous``):
    marked 〔待核：…〕 until the writer states this year's figure or deletes them."""
    found = PENDING_MARK.findall(section.text)
    if not found:
        return []
    head = section.heading.split("、", 1)[0] if "、" in section.heading else str(section.number)
    where = f"第{head}部分" if section.number else "开头语"
    examples = "、".join(f"“{x}”" for x in found[:3])
    return [
        f"{where}有 {len(found)} 处上年数据待核实（{examples}{'等' if len(found) > 3 else ''}），"
        "请改为本年数据或数据标记，或删除〔待核：〕标记"
    ]


def ledger_changes(report: AnnualReport) -> list[str]:
    """Figures used in the text whose ledger value changed since the report's snapshot."""
    values = figures.values_for(report)
    overrides = overrides_of(report)
    used = {c for s in report.sections.all() for c in figures.codes_in(s.text)} - set(overrides)
    if not used:
        return []
    live = registry.compute(report.unit, report.year, used)
    out = []
    for code in sorted(used):
        old, new = values.get(code), live.get(code)
        if old is None or new is None:
            continue
        if (old.status, old.value) != (new.status, new.value):
            ind = registry.get(code)
            out.append(
                f"台账数据已变化：{ind.name}由{registry.format_value(ind, old)}"
                f"变为{registry.format_value(ind, new)}，请退回重新生成，或登记数据更正说明"
            )
    return out


# --------------------------------------------------------------------------- steps
def run_action(report: AnnualReport, action: str, *, actor, data=None, expected_version=None):
    data = dict(data or {})
    today = timezone.localdate()
    name = getattr(actor, "label", "") or getattr(actor, "username", "")

    def apply(r: AnnualReport) -> None:
        if action == "submit":
            r.submitted_on = today
        elif action == "approve":
            r.approved_by_name, r.approved_on = name[:50], today
        elif action == "return":
            r.approved_by_name, r.approved_on = "", None
        elif action == "secrecy_review":
            r.secrecy_reviewer = data["reviewer"].strip()[:50]
            r.secrecy_conclusion = data["conclusion"]
            r.secrecy_note = (data.get("note") or "").strip()[:500]
            r.secrecy_reviewed_on = today
        elif action == "publish":
            _publish(r, today)

    with transaction.atomic():
        if action == "submit" and report.status == ReportStatus.DRAFT:
            # The figures the approver will see are taken now; the guard checks the text
            # against them (rolled back with everything else if the step is refused).
            if scoping.can(actor, Perm.CHANGE, report):
                report.snapshot = indicator_services.take_snapshot(
                    report.unit, report.year, actor=actor, purpose="报送"
                )
                report.save(update_fields=["snapshot", "updated_at"])
        return PROCEDURE.run(
            report,
            action,
            user=actor,
            data=data,
            apply=apply,
            comment=(data.get("comment") or "")[:2000],
            expected_version=expected_version,
        )


def _publish(report: AnnualReport, today: dt.date) -> None:
    from . import render

    snap = report.snapshot
    snap.frozen = True
    snap.purpose = "公开（已冻结）"
    snap.save()
    seq = (
        AnnualReport.objects.filter(
            unit=report.unit, status=ReportStatus.PUBLISHED, published_on__year=today.year
        ).count()
        + 1
    )
    report.index_number = f"{report.unit.code}/{today.year}-{seq:05d}"
    report.published_on = today
    report.signed_on = report.signed_on or today
    report.html = render.to_html(report, public=True)
    report.docx = render.to_docx(report)


# --------------------------------------------------------------------------- deadlines
def report_by(county: Unit | None, year: int) -> dt.date:
    """The reporting date the county set, else 1 March of the next year."""
    if county is not None:
        d = ReportingDeadline.objects.filter(unit=county, year=year).first()
        if d is not None:
            return d.report_by
    return dt.date(year + 1, 3, 1)


def publish_by(year: int) -> dt.date:
    return dt.date(year + 1, 4, 1)


@transaction.atomic
def set_deadline(county: Unit, year: int, day: dt.date, *, actor) -> ReportingDeadline:
    scoping.require(actor, Perm.CONFIGURE, county, REFUSED)
    if county.kind != UnitKind.COUNTY:
        raise InvalidInput("报送截止日期由县（区）设定")
    if not (dt.date(year + 1, 1, 1) <= day <= dt.date(year + 1, 3, 31)):
        raise InvalidInput(f"报送截止日期应在 {year + 1} 年 1 月 1 日至 3 月 31 日之间")
    obj, created = ReportingDeadline.objects.update_or_create(
        unit=county, year=year, defaults={"report_by": day, "created_by": actor}
    )
    audit.record(
        audit.E.CONFIG, obj=obj, user=actor, detail={"year": year, "report_by": day.isoformat()}
    )
    return obj


def county_status(county: Unit, year: int, today: dt.date | None = None) -> dict:
    """Each township below ``county``: its report's state, and whether it is late."""
    today = today or timezone.localdate()
    due_report, due_publish = report_by(county, year), publish_by(year)
    townships = list(Unit.objects.subtree(county).filter(kind__in=TOWNSHIP_KINDS, active=True))
    reports = {
        r.unit_id: r
        for r in AnnualReport.objects.filter(unit__in=townships, year=year).select_related("unit")
    }
    rows = []
    for t in townships:
        r = reports.get(t.pk)
        submitted = r.submitted_on if r else None
        published = r.published_on if r else None
        secret = bool(r and r.secrecy_conclusion == "secret")
        rows.append(
            {
                "unit": t,
                "report": r,
                "status": r.get_status_display() if r else "未编制",
                "submitted_on": submitted,
                "published_on": published,
                "late_submit": (submitted or today) > due_report,
                "late_publish": not secret and (published or today) > due_publish,
                "secret": secret,
            }
        )
    return {
        "year": year,
        "report_by": due_report,
        "publish_by": due_publish,
        "rows": rows,
        "submitted": sum(1 for r in rows if r["submitted_on"]),
        "published": sum(1 for r in rows if r["published_on"]),
    }
