"""Annual reports over the API: list, create, read (sections and figures), take a step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from fazhi.core import pii, scoping
from fazhi.core.apitypes import DbId
from fazhi.core.errors import InvalidInput
from fazhi.core.roles import Perm
from fazhi.indicators.api import resolve_visible_unit

from . import previous, render, services
from .models import AnnualReport, PreviousReport

router = Router(tags=["年度报告"])


class ReportOut(Schema):
    id: int
    unit: str
    unit_name: str
    year: int
    title: str
    status: str
    status_label: str
    version: int
    submitted_on: str | None
    published_on: str | None
    index_number: str


def _out(r: AnnualReport) -> dict:
    return {
        "id": r.pk,
        "unit": r.unit.code,
        "unit_name": r.unit.name,
        "year": r.year,
        "title": r.title,
        "status": r.status,
        "status_label": r.get_status_display(),
        "version": r.version,
        "submitted_on": r.submitted_on.isoformat() if r.submitted_on else None,
        "published_on": r.published_on.isoformat() if r.published_on else None,
        "index_number": r.index_number,
    }


class ReportCreateIn(Schema):
    unit: str
    year: int


class ReportActionIn(Schema):
    version: int | None = None
    comment: str = ""
    reviewer: str = ""
    conclusion: str = ""
    note: str = ""


@router.get("", response=list[ReportOut], summary="年度报告列表")
@paginate(LimitOffsetPagination)
def list_reports(request, year: int | None = None):
    qs = (
        AnnualReport.objects.visible_to(request.user).select_related("unit").order_by("-year", "pk")
    )
    if year is not None:
        if not 2000 <= year <= 2100:
            return []
        qs = qs.filter(year=year)
    return [_out(r) for r in qs]


@router.post("", response={201: ReportOut}, summary="根据台账生成报告草稿")
def create(request, payload: ReportCreateIn):
    unit = resolve_visible_unit(request.user, payload.unit)
    if not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您的角色无权编制本单位的年度报告")
    return 201, _out(services.create_report(unit, payload.year, actor=request.user))


def _get(request, report_id: int) -> AnnualReport:
    return scoping.get_visible_or_404(
        AnnualReport.objects.select_related("unit", "snapshot"), request.user, pk=report_id
    )


@router.get(
    "/{report_id}", summary="报告全文：各部分文字、每个数据的指标代码和第一部分篇幅所限未写入的要点"
)
def detail(request, report_id: int):
    report = _get(request, report_id)
    omitted = [
        {**p, "plain": pii.mask_free_text(p["plain"])} for p in services.omitted_points(report)
    ]
    return {**_out(report), **render.to_json(report), "omitted": omitted}


@router.post(
    "/{report_id}/actions/{action}", response=ReportOut, summary="办理：提交、审批、保密审查、公开"
)
def act(request, report_id: int, action: str, payload: ReportActionIn):
    report = _get(request, report_id)
    data = payload.dict()
    version = data.pop("version")
    report = services.run_action(
        report, action, actor=request.user, data=data, expected_version=version
    )
    return _out(report)


# --------------------------------------------------------------------------- drafting steps
class SectionIn(Schema):
    text: str = ""


class RegenerateIn(Schema):
    sections: list[int] | None = None
    overwrite: bool = False


class CauseIn(Schema):
    cause: str = ""


class PlanItemIn(Schema):
    theme: str = ""
    content: str = ""
    owner: str = ""
    when: str = ""


class ShortfallOut(Schema):
    id: int
    theme: str
    description: str
    cause: str
    suggestions: list[str]
    items: list[str]


class PlanItemOut(Schema):
    id: int
    year: int
    theme: str
    theme_label: str
    content: str
    owner: str
    when: str
    from_shortfall: str


def _shortfall_out(report, item) -> dict:
    from . import figures

    values, overrides = figures.values_for(report), services.overrides_of(report)
    return {
        "id": item.pk,
        "theme": item.theme,
        "description": figures.plain(item.description, values, overrides),
        "cause": item.cause,
        "suggestions": item.suggestions or [],
        "items": item.items or [],
    }


def _plan_out(it) -> dict:
    return {
        "id": it.pk,
        "year": it.year,
        "theme": it.theme,
        "theme_label": it.theme_label,
        "content": it.content,
        "owner": it.owner,
        "when": it.when,
        "from_shortfall": it.from_shortfall,
    }


@router.put("/{report_id}/sections/{number}", summary="修改一部分的正文")
def put_section(request, report_id: DbId, number: int, payload: SectionIn | None = None):
    report = _get(request, report_id)
    s = services.update_section(report, number, payload.text if payload else "", actor=request.user)
    return {"number": s.number, "edited": s.edited, "version": report.version}


@router.post(
    "/{report_id}/regenerate",
    response=ReportOut,
    summary="按台账重新生成：全文，或只生成所列部分（已人工修改的部分须 overwrite 确认）",
)
def regenerate(request, report_id: DbId, payload: RegenerateIn | None = None):
    report = _get(request, report_id)
    payload = payload or RegenerateIn()
    report = services.generate(
        report, actor=request.user, sections=payload.sections, overwrite=payload.overwrite
    )
    return _out(report)


@router.get("/{report_id}/shortfalls", response=list[ShortfallOut], summary="第二部分：不足及原因")
def list_shortfalls(request, report_id: DbId):
    report = _get(request, report_id)
    return [_shortfall_out(report, s) for s in report.shortfalls.all()]


@router.put(
    "/{report_id}/shortfalls/{shortfall_id}", response=ShortfallOut, summary="填写一点不足的原因"
)
def put_cause(request, report_id: DbId, shortfall_id: DbId, payload: CauseIn | None = None):
    report = _get(request, report_id)
    item = services.set_cause(
        report, shortfall_id, payload.cause if payload else "", actor=request.user
    )
    return _shortfall_out(report, item)


@router.get("/{report_id}/plan", response=list[PlanItemOut], summary="下一年度工作要点")
def list_plan(request, report_id: DbId):
    report = _get(request, report_id)
    return [_plan_out(i) for i in services.plan_items(report)]


@router.post("/{report_id}/plan", response={201: PlanItemOut}, summary="添加工作要点")
def add_plan(request, report_id: DbId, payload: PlanItemIn | None = None):
    report = _get(request, report_id)
    return 201, _plan_out(
        services.add_plan_item(report, actor=request.user, **(payload or PlanItemIn()).dict())
    )


@router.put("/{report_id}/plan/{item_id}", response=PlanItemOut, summary="修改工作要点")
def put_plan(request, report_id: DbId, item_id: DbId, payload: PlanItemIn | None = None):
    report = _get(request, report_id)
    return _plan_out(
        services.update_plan_item(
            report, item_id, actor=request.user, **(payload or PlanItemIn()).dict()
        )
    )


@router.delete("/{report_id}/plan/{item_id}", response={204: None}, summary="删除工作要点")
def delete_plan(request, report_id: DbId, item_id: DbId):
    report = _get(request, report_id)
    services.delete_plan_item(report, item_id, actor=request.user)
    return 204, None


@router.post("/{report_id}/carry", response=list[PlanItemOut], summary="从存在的不足生成工作要点")
def carry_plan(request, report_id: DbId):
    report = _get(request, report_id)
    return [_plan_out(i) for i in services.carry_shortfalls(report, actor=request.user)]


# --------------------------------------------------------------------------- last year's report
class PreviousApplyIn(Schema):
    sections: list[int] | None = None
    overwrite: bool = False


def _figure_out(f: dict) -> dict:
    return {
        "section": f.get("section"),
        "text": f.get("text"),
        "value": f.get("value"),
        "measure": f.get("measure"),
        "subject": f.get("subject") or "",
        "code": f.get("code"),
        "name": f.get("name") or None,
    }


def _previous_out(prev: PreviousReport) -> dict:
    figs = prev.figures or []
    return {
        "name": prev.name,
        "counts": previous.counts(prev),
        "sections": sorted(int(k) for k in (prev.sections or {})),
        "mapped": [_figure_out(f) for f in figs if f.get("kind") == previous.MAPPED],
        "unmapped": [_figure_out(f) for f in figs if f.get("kind") == previous.UNMAPPED],
        "targets": [_figure_out(f) for f in figs if f.get("kind") == previous.TARGET],
    }


@router.post(
    "/{report_id}/previous",
    summary="导入上一年度报告（DOCX、TXT、HTML）：找出其中的数据并对应到指标",
)
def import_previous(request, report_id: int, file: UploadedFile | None = File(None)):
    from fazhi.review.engine.reader import DEFAULT_MAX_BYTES

    report = _get(request, report_id)
    if file is None:
        raise InvalidInput("请上传上一年度报告文件（字段 file：DOCX、TXT 或 HTML）", code="no_file")
    data = file.read(DEFAULT_MAX_BYTES + 1)
    prev = previous.import_previous(report, data, file.name or "", actor=request.user)
    return _previous_out(prev)


@router.get("/{report_id}/previous", summary="上年报告与本年草稿逐部分对照")
def get_previous(request, report_id: int):
    report = _get(request, report_id)
    prev = PreviousReport.objects.filter(report=report).first()
    if prev is None:
        raise previous.NoPrevious("尚未导入上一年度报告")
    return {**_previous_out(prev), **previous.side_by_side(prev, report)}


@router.post(
    "/{report_id}/previous/apply",
    summary="采用上年结构生成本年草稿（覆盖已人工修改的部分须 overwrite=true）",
)
def apply_previous(request, report_id: int, payload: PreviousApplyIn):
    report = _get(request, report_id)
    written = previous.apply_previous(
        report, actor=request.user, sections=payload.sections, overwrite=payload.overwrite
    )
    report.refresh_from_db()
    return {"written": written, "report": _out(report)}
