"""API: the four ledgers from their declarations (``ledgers.py``, through
``fazhi.ledgers.api``: list, detail, the steps allowed now, each step as a POST action
answering 409 with the reason, registration), the Excel imports of hotline appeals and
grid cases, and the county's overdue summary."""

from __future__ import annotations

from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from fazhi.core import scoping
from fazhi.core.excel import MAX_IMPORT_BYTES
from fazhi.core.roles import Perm
from fazhi.ledgers.api import add_routes

from . import queries
from .ledgers import LEDGERS
from .services import grid as grid_services
from .services import hotline as hotline_services

router = Router(tags=["disputes"])


class ImportOut(Schema):
    created: int
    unchanged: int
    errors: list[str]


class OverdueRow(Schema):
    unit_id: int
    unit_name: str
    dispute: int
    petition: int
    hotline: int


def _import(request, key, service, unit_id, file) -> ImportOut:
    """A file exported by the hotline system or a grid ledger kept in Excel: the rows that
    read are saved, each bad row is reported with its row number (deduplicated by number)."""
    unit = LEDGERS[key].api["unit"](request.user, unit_id)
    result = service(
        actor=request.user,
        unit=unit,
        data=file.read(MAX_IMPORT_BYTES + 1),
        filename=file.name or "",
    )
    return ImportOut(created=result.created, unchanged=result.unchanged, errors=result.errors)


@router.post(
    "/hotline/import", response=ImportOut, summary="导入热线系统导出的 Excel/CSV（按工单编号去重）"
)
def import_hotline(request, unit_id: Form[int], file: File[UploadedFile]):
    return _import(request, "hotline", hotline_services.import_appeals, unit_id, file)


@router.post("/grid/import", response=ImportOut, summary="导入网格事件台账 Excel/CSV（按编号去重）")
def import_grid_cases(request, unit_id: Form[int], file: File[UploadedFile]):
    return _import(request, "grid", grid_services.import_cases, unit_id, file)


@router.get("/overdue", response=list[OverdueRow], summary="各乡镇逾期案件数（督办范围内）")
def overdue_summary(request):
    today = timezone.localdate()
    townships = list(
        scoping.visible_units(request.user, Perm.SUPERVISE)
        .filter(kind__in=("township", "subdistrict", "development_zone"))
        .order_by("path")
    )
    rows = {t.pk: {"dispute": 0, "petition": 0, "hotline": 0} for t in townships}
    for key, qs in (
        ("dispute", queries.disputes_visible_to(request.user, Perm.SUPERVISE)),
        ("petition", queries.petitions_visible_to(request.user, Perm.SUPERVISE)),
        ("hotline", queries.hotline_visible_to(request.user, Perm.SUPERVISE)),
    ):
        for path in qs.filter(status__in=qs.model.OPEN_STATES, due_date__lt=today).values_list(
            "unit__path", flat=True
        ):
            for t in townships:
                if path.startswith(t.path):
                    rows[t.pk][key] += 1
                    break
    return [OverdueRow(unit_id=t.pk, unit_name=t.name, **rows[t.pk]) for t in townships]


# After the imports: ``/hotline/import`` must not be read as a record id.
for _ledger in LEDGERS.values():
    add_routes(router, _ledger)
