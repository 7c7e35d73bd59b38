"""A county's townships' published reports of one year, reviewed side by side.

The one place the county review's rules live; the page (``views.county``), the API
(``GET /api/v1/review/county``) and the command line (``fazhi review county``) call it.

- Scope: a user sees the townships below the county that they may view: a county's staff
  all of them, a township's staff only their own (the county's other townships are not
  theirs to compare). A county of which the user sees nothing answers as unknown (404).
- Each published report is reviewed by the engine from its published DOCX — the text the
  public reads — and the result is kept in Django's cache under the hash of those bytes,
  so a page view reviews only what changed since the last one.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from fazhi.core import scoping
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit
from fazhi.core.models.units import TOWNSHIP_KINDS, UnitKind
from fazhi.core.params import parse_int
from fazhi.core.roles import Perm

from .engine import review_bytes
from .engine.reader import ReviewInputError
from .engine.render import results_of
from .engine.sections import STATUTORY_NAMES

# Bump when what is cached changes shape (not for engine changes: see ``_cache_key``).
CACHE_VERSION = 1
CACHE_SECONDS = 30 * 24 * 3600
TOP_FIGURES = 3  # figures shown per topic: the first ones the report states
YEAR_MIN = 2000


class NotPublished:
    """Labels for a township without a published report."""

    NONE = "未编制"
    UNPUBLISHED = "未发布"
    SECRET = "涉密不予公开"


def year_range() -> tuple[int, int]:
    return YEAR_MIN, timezone.localdate().year + 1


def check_year(year) -> int:
    lo, hi = year_range()
    text = str(year).strip()
    try:
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise ValueError(text)
        y = int(text)
    except (TypeError, ValueError):
        raise InvalidInput("年度应为四位数字", code="bad_year")
    if not lo <= y <= hi:
        raise InvalidInput(f"年度应在 {lo} 至 {hi} 之间", code="year_out_of_range")
    return y


def resolve_county(user, ref) -> Unit:
    """The county ``ref`` names (its code, id or exact name) if the user sees it or any
    township below it; Http404 otherwise (unknown and not-yours answer alike)."""
    ref = str(ref or "").strip()
    if not ref:
        raise InvalidInput("请选择县（区）", code="unit_required")
    if "\x00" in ref or len(ref) > 200:  # no unit is called that (PostgreSQL refuses NUL)
        raise Http404("unit not found")
    units = Unit.objects.all()
    unit = units.filter(code=ref).first()
    if unit is None and ref.isdecimal() and len(ref) < 10:
        unit = units.filter(pk=int(ref)).first()
    if unit is None:
        matches = list(units.filter(name=ref)[:2])
        unit = matches[0] if len(matches) == 1 else None
    if (
        unit is None
        or not _visible_townships(user, unit).exists()
        and not scoping.can(user, Perm.VIEW, unit)
    ):
        raise Http404("unit not found")
    if unit.kind != UnitKind.COUNTY:
        raise InvalidInput(f"“{unit.name}”不是县（区），请选择县（区）", code="not_a_county")
    return unit


def default_county(unit: Unit | None) -> Unit | None:
    """The county a page opens on: the current unit's own county."""
    if unit is None:
        return None
    return unit if unit.kind == UnitKind.COUNTY else unit.county()


def _visible_townships(user, county: Unit):
    return (
        Unit.objects.subtree(county)
        .filter(kind__in=TOWNSHIP_KINDS, active=True)
        .filter(scoping.unit_scope_q(user))
        .order_by("path")
    )


# -- one published report ------------------------------------------------------------


def _published(report) -> bytes | None:
    from fazhi.reports.models import ReportStatus

    if report is None or report.status != ReportStatus.PUBLISHED or not report.docx:
        return None
    return bytes(report.docx)


@functools.cache
def _engine_fingerprint() -> str:
    """The engine's code, hashed: a changed engine reviews every report afresh."""
    root = Path(__file__).parent / "engine"
    h = hashlib.sha256()
    for f in sorted(root.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _cache_key(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"review:published:{CACHE_VERSION}:{_engine_fingerprint()}:{digest}"


def review_published(report, *, include_text: bool = False) -> dict:
    """The engine's review of a published report's DOCX, from the cache when its bytes
    were reviewed before. The text (for highlighting) is never cached: it is the report's
    own and read from it again."""
    data = _published(report)
    if data is None:
        raise InvalidInput("该报告尚未公开，无法审阅", code="not_published")
    name = f"{report.unit.name}{report.year}年度法治政府建设报告.docx"
    key = _cache_key(data)
    result = cache.get(key)
    if result is None:
        try:
            result = review_bytes(data, name, options={"include_text": True})
        except ReviewInputError as exc:
            raise InvalidInput(exc.message, code=exc.code)
        text = result.pop("text")
        cache.set(key, result, CACHE_SECONDS)
    else:
        text = None
    result = dict(result, file=name)
    if include_text:
        if text is None:
            from .engine.reader import read_bytes

            text = read_bytes(data, name).text
        result["text"] = text
    return result


def published_report_for(user, pk):
    """A published report the user may see (scoped like the report itself), or Http404."""
    from fazhi.reports.models import AnnualReport, ReportStatus

    pk = parse_int(pk)
    if pk is None:
        raise Http404("not found")
    return scoping.get_visible_or_404(
        AnnualReport.objects.select_related("unit").filter(status=ReportStatus.PUBLISHED),
        user,
        pk=pk,
    )


def published_choices(user, limit: int = 200) -> list:
    """The published reports the user sees, newest first: the review page offers them."""
    from fazhi.reports.models import AnnualReport, ReportStatus

    return list(
        AnnualReport.objects.visible_to(user)
        .filter(status=ReportStatus.PUBLISHED)
        .exclude(docx=None)
        .select_related("unit")
        .order_by("-published_on", "-pk")[:limit]
    )


# -- the county, side by side -------------------------------------------------------


def summarize(result: dict) -> dict:
    """What the county table shows of one review."""
    present = {s["statutory"] for s in result["sections"] if s.get("part") and s["statutory"]}
    topics: dict[str, list[dict]] = {}
    counts: dict[str, int] = {}
    for f in results_of(result["facts"]):
        mech = f["mechanism"]
        counts[mech] = counts.get(mech, 0) + 1
        shown = topics.setdefault(mech, [])
        if len(shown) < TOP_FIGURES:
            shown.append(
                {
                    "subject": f.get("subject") or "",
                    "value": f["value"],
                    "unit": f["unit"],
                    "approx": bool(f.get("approx")),
                    "text": f["text"],
                }
            )
    placeholders = next(
        (len(c.get("items") or []) for c in result["checks"] if c["code"] == "placeholders"), 0
    )
    return {
        "sections": [
            {"number": n, "name": STATUTORY_NAMES[n], "present": n in present} for n in range(1, 6)
        ],
        "missing": list(result["missing"]),
        "topics": [
            {"topic": mech, "count": counts[mech], "figures": figs} for mech, figs in topics.items()
        ],
        "failed_checks": [
            {"code": c["code"], "reason": c["reason"]} for c in result["checks"] if c["ok"] is False
        ],
        "placeholders": placeholders,
        "score": {
            "total": result["score"]["total"],
            "max": result["score"]["max"],
            "complete": result["score"]["complete"],
            "verdict": result["score"]["verdict"],
        },
    }


def county_review(user, county: Unit, year: int) -> dict:
    """Every township below ``county`` the user sees, with its published report of
    ``year`` reviewed (or why there is none)."""
    from fazhi.reports.models import AnnualReport, ReportStatus, SecrecyConclusion

    townships = list(_visible_townships(user, county))
    reports = {
        r.unit_id: r
        for r in AnnualReport.objects.filter(unit__in=townships, year=year).select_related("unit")
    }
    rows = []
    for t in townships:
        r = reports.get(t.pk)
        row = {
            "unit": {"id": t.pk, "code": t.code, "name": t.name},
            "report_id": None,
            "published": False,
            "state": NotPublished.NONE,
            "published_on": None,
            "index_number": "",
            "review": None,
            "error": None,
        }
        if r is not None:
            row["report_id"] = r.pk
            if r.status == ReportStatus.PUBLISHED and r.docx:
                row.update(
                    published=True,
                    state="已公开",
                    published_on=r.published_on,
                    index_number=r.index_number,
                )
                try:
                    row["review"] = summarize(review_published(r))
                except InvalidInput as exc:
                    row["error"] = {"code": exc.code, "message": exc.message}
            elif r.secrecy_conclusion == SecrecyConclusion.SECRET:
                row["state"] = NotPublished.SECRET
            else:
                row["state"] = f"{NotPublished.UNPUBLISHED}（{r.get_status_display()}）"
        rows.append(row)
    topics: list[str] = []
    for row in rows:
        for t in (row["review"] or {}).get("topics", []):
            if t["topic"] not in topics:
                topics.append(t["topic"])
    return {
        "county": {"id": county.pk, "code": county.code, "name": county.name},
        "year": year,
        "statutory": [{"number": n, "name": STATUTORY_NAMES[n]} for n in range(1, 6)],
        "topics": topics,
        "townships": rows,
        "published": sum(1 for r in rows if r["published"]),
    }


def render_text(data: dict) -> str:
    """The command line's text form of ``county_review``."""
    out = [f"{data['county']['name']}（{data['county']['code']}）{data['year']}年度 各乡镇报告审阅"]
    out.append(f"乡镇 {len(data['townships'])} 个，已公开 {data['published']} 个")
    for row in data["townships"]:
        u = row["unit"]
        out.append(f"== {u['name']}（{u['code']}）: {row['state']}")
        if row["error"]:
            out.append(f"  无法审阅 {row['error']['code']}: {row['error']['message']}")
        rv = row["review"]
        if not rv:
            continue
        sc = rv["score"]
        out.append(f"  得分: {sc['total']}/{sc['max']}  {sc['verdict']}")
        out.append(
            "  法定部分: "
            + " ".join(f"{s['number']}{'✓' if s['present'] else '✗'}" for s in rv["sections"])
        )
        if rv["placeholders"]:
            out.append(f"  占位符: {rv['placeholders']} 处未填写")
        for c in rv["failed_checks"]:
            out.append(f"  ✗ {c['code']}: {c['reason']}")
        for t in rv["topics"]:
            figs = "；".join(
                f"{f['subject'] or '-'} {'约' if f['approx'] else ''}{f['value']}{f['unit']}"
                for f in t["figures"]
            )
            out.append(f"  [{t['topic']}] ({t['count']}) {figs}")
    return "\n".join(out) + "\n"
