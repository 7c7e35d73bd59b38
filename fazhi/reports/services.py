"""Annual reports: create, draft, edit, take each step, publish; the county's view of who is late.

Every change goes through one of these functions (atomic, audited); the pages, the API and
the CLI call them.
"""

from __future__ import annotations

import datetime as dt
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

from . import contrib, drafting, figures, voice
from .checks import (  # noqa: F401  (handed on: the pages, API and CLI read them here)
    PENDING_MARK,
    blocking_problems,
    ledger_changes,
    overrides_of,
)
from .models import (
    AnnualReport,
    FigureOverride,
    ReportingDeadline,
    ReportSection,
    ReportStatus,
    Shortfall,
    WorkPlanItem,
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
    return voice.for_unit(unit).title(year)


def default_issuers(unit: Unit) -> str:
    return "\n".join(voice.for_unit(unit).issuers)


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


def previous_values(report: AnnualReport) -> dict[str, registry.Value]:
    """Last year's figures for year-on-year changes: last year's snapshot (its published
    report's, else the newest taken), else the figures mapped in last year's imported report."""
    last = (
        AnnualReport.objects.filter(unit=report.unit, year=report.year - 1)
        .exclude(snapshot=None)
        .select_related("snapshot")
        .first()
    )
    snap = last.snapshot if last else None
    if snap is None:
        snap = indicator_services.latest_snapshots(report.unit, [report.year - 1]).get(
            report.year - 1
        )
    if snap is not None:
        return {c: registry.Value.from_dict(d) for c, d in snap.values.items()}
    prev = getattr(report, "previous_report", None) if report.pk else None
    out: dict[str, registry.Value] = {}
    if prev is not None:
        for f in prev.figures or []:
            code, value = f.get("code"), f.get("value")
            if code and value not in (None, "") and code not in out:
                try:
                    out[code] = registry.Value(registry.OK, Decimal(str(value)))
                except (InvalidOperation, ValueError):
                    continue
    return out


def context_for(report: AnnualReport) -> contrib.Context:
    return contrib.Context(
        unit=report.unit,
        year=report.year,
        values=figures.values_for(report),
        voice=voice.for_unit(report.unit),
        previous=previous_values(report),
    )


def _draft(report: AnnualReport) -> tuple[dict[int, tuple[str, list]], list[dict], list[dict]]:
    """Every section's text and sources from the report's snapshot and the records, the
    grouped shortfalls (section two's points) and the points section one left out."""
    ctx = context_for(report)
    material = drafting.collect(ctx)
    groups = drafting.group_shortfalls(ctx, material.found)
    _sync_shortfalls(report, groups)
    rows = list(report.shortfalls.all())
    plan = list(WorkPlanItem.objects.filter(unit=report.unit, year=report.year + 1))
    once = drafting.Once()
    county = report.unit.county()
    texts: dict[int, tuple[str, list]] = {
        PREAMBLE: (drafting.preamble(ctx, county.name if county else ""), []),
    }
    texts[1] = drafting.section_one(ctx, material.points, once)
    texts[3] = drafting.section_three(ctx, material.acts, once)
    texts[2] = (drafting.section_two(ctx, rows, once), [s for g in groups for s in g["sources"]])
    texts[4] = drafting.section_four(ctx, plan, groups, material.hints, once)
    texts[5] = (drafting.SECTION_FIVE, [])
    return texts, groups, drafting.omitted(material.points)


@transaction.atomic
def generate(
    report: AnnualReport, *, actor, sections=None, overwrite: bool = False
) -> AnnualReport:
    """(Re)draft from the ledgers.

    The whole report (``sections=None``): a new snapshot, new generated text for every
    section; a section the writer edited keeps its text. One or more sections
    (``sections=[3]``): the same snapshot, only those sections' text; a section the
    writer edited is refused (code ``edited``) unless ``overwrite``, and the others are
    never touched."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    numbers = None if sections is None else sorted({int(n) for n in sections})
    if numbers is not None:
        if not numbers or any(n not in range(0, 6) for n in numbers):
            raise InvalidInput("部分编号应为 0（导语）至 5")
        edited = [s.number for s in report.sections.filter(number__in=numbers, edited=True)]
        if edited and not overwrite:
            names = "、".join("导语" if n == 0 else f"第{drafting.numeral(n)}部分" for n in edited)
            raise DomainError(
                f"{names}已人工修改，重新生成将覆盖这些修改；确认覆盖后再操作",
                code="edited",
            )
    if numbers is None or report.snapshot is None:
        report.snapshot = indicator_services.take_snapshot(
            report.unit, report.year, actor=actor, purpose="报告草稿"
        )
    texts, _groups, omitted = _draft(report)
    for section in report.sections.all():
        if numbers is not None and section.number not in numbers:
            continue
        text, sources = texts[section.number]
        if section.number == 1:
            section.omitted = omitted
        _set_generated(section, text, sources, overwrite=numbers is not None)
    report.generated_at = timezone.now()
    report.version += 1
    report.save()
    detail = {"action": "generate"}
    if numbers is not None:
        detail.update({"sections": numbers, "overwrite": overwrite})
    audit.record(audit.E.UPDATE, obj=report, user=actor, detail=detail)
    return report


def _set_generated(section: ReportSection, text: str, sources=None, *, overwrite=False) -> None:
    section.generated = text
    if sources is not None:
        section.sources = sources
    if overwrite or not section.edited:
        section.text = text
        section.edited = False
    section.save()


def omitted_points(report: AnnualReport) -> list[dict]:
    """Section one's points the draft left out for length and the writer has not put
    back: each as stored (``text`` with ``{{code}}`` tokens, for insertion) with
    ``plain``, the text as it reads with the report's figures."""
    section = next((s for s in report.sections.all() if s.number == 1), None)
    if section is None or not section.omitted:
        return []
    written = drafting.normalised(section.text)
    values, overrides = figures.values_for(report), overrides_of(report)
    return [
        {**p, "plain": figures.plain(p["text"], values, overrides)}
        for p in section.omitted
        if drafting.normalised(p["text"]) not in written
    ]


def _sync_shortfalls(report: AnnualReport, groups: list[dict]) -> None:
    """Section two's points follow the grouped shortfalls; a cause staff wrote stays with
    its theme's point."""
    keys = {g["key"] for g in groups}
    report.shortfalls.exclude(key__in=keys).delete()
    existing = {s.key: s for s in report.shortfalls.all()}
    for order, g in enumerate(groups):
        fields = {
            "description": g["description"][:2000],
            "theme": g["theme"],
            "suggestions": g["suggestions"],
            "items": g["items"],
            "order": order,
        }
        s = existing.get(g["key"])
        if s is None:
            Shortfall.objects.create(report=report, key=g["key"], **fields)
        elif any(getattr(s, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(s, k, v)
            s.save()


def _refresh_dependent(report: AnnualReport) -> None:
    """Sections two and four follow the causes and the plan staff enter."""
    texts, _, _ = _draft(report)
    for section in report.sections.filter(number__in=(2, 4)):
        text, sources = texts[section.number]
        _set_generated(section, text, sources)


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
def update_details(report: AnnualReport, *, actor, title=None, issuers=None):
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


# --------------------------------------------------------------------------- work plan
MAX_PLAN_ITEMS = 60


def plan_items(report: AnnualReport):
    return WorkPlanItem.objects.filter(unit=report.unit, year=report.year + 1)


def _plan_fields(theme, content, owner, when) -> dict:
    theme = (theme or "").strip()
    if theme not in contrib.THEMES:
        raise InvalidInput("请选择工作要点所属方面")
    content = (content or "").strip().rstrip("。；;")
    if len(content) < 4:
        raise InvalidInput("请填写工作内容（至少 4 个字）")
    if len(content) > 300:
        raise InvalidInput("工作内容不超过 300 字")
    return {
        "theme": theme,
        "content": content,
        "owner": (owner or "").strip()[:100],
        "when": (when or "").strip()[:50],
    }


@transaction.atomic
def add_plan_item(report, *, actor, theme, content, owner="", when="") -> WorkPlanItem:
    """A work-plan item (工作要点) for the year after the report's: section four follows."""
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    fields = _plan_fields(theme, content, owner, when)
    if plan_items(report).count() >= MAX_PLAN_ITEMS:
        raise InvalidInput(f"工作要点不超过 {MAX_PLAN_ITEMS} 项")
    item = WorkPlanItem.objects.create(
        unit=report.unit,
        year=report.year + 1,
        order=plan_items(report).count(),
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    _refresh_dependent(report)
    _bump(report)
    audit.record(audit.E.CREATE, obj=item, user=actor, detail={"report": report.pk})
    return item


def _plan_item(report, item_id) -> WorkPlanItem:
    try:
        return plan_items(report).get(pk=int(item_id))
    except (WorkPlanItem.DoesNotExist, ValueError, TypeError):
        raise InvalidInput("没有这项工作要点")


@transaction.atomic
def update_plan_item(report, item_id, *, actor, theme, content, owner="", when=""):
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    item = _plan_item(report, item_id)
    for k, v in _plan_fields(theme, content, owner, when).items():
        setattr(item, k, v)
    item.save()
    _refresh_dependent(report)
    _bump(report)
    audit.record(audit.E.UPDATE, obj=item, user=actor, detail={"report": report.pk})
    return item


@transaction.atomic
def delete_plan_item(report, item_id, *, actor) -> None:
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    item = _plan_item(report, item_id)
    audit.record(audit.E.DELETE, obj=item, user=actor, detail={"report": report.pk})
    item.delete()
    _refresh_dependent(report)
    _bump(report)


@transaction.atomic
def carry_shortfalls(report, *, actor) -> list[WorkPlanItem]:
    """Carry section two's points into next year's plan: one item per point, its theme's
    work and the items its shortfalls suggest (skipped when the plan already has it)."""
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
    _, groups, _ = _draft(report)
    existing = set(plan_items(report).values_list("from_shortfall", flat=True))
    made = []
    order = plan_items(report).count()
    for g in groups:
        if g["key"] in existing:
            continue
        plans = [p.rstrip("。；") for p in g.get("plans", []) if p]
        content = "；".join(dict.fromkeys(plans)) or contrib.THEMES[g["theme"]].plan
        made.append(
            WorkPlanItem.objects.create(
                unit=report.unit,
                year=report.year + 1,
                theme=g["theme"],
                content=content[:300],
                from_shortfall=g["key"],
                order=order,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        )
        order += 1
    _refresh_dependent(report)
    _bump(report)
    audit.record(
        audit.E.UPDATE, obj=report, user=actor, detail={"action": "carry", "items": len(made)}
    )
    return made


@transaction.atomic
def set_override(report: AnnualReport, code: str, value, reason: str, *, actor) -> FigureOverride:
    """Print ``value`` for ``code`` instead of the ledgers' figure: explicit, with a reason."""
    scoping.require(actor, Perm.CHANGE, report, REFUSED)
    _editable(report)
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
