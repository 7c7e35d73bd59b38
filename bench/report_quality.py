"""How each demo unit's annual report draft reads, measured: the figures issue 14 asks for.

    .venv/bin/python bench/report_quality.py [--causes]

Builds the demo data in a temporary SQLite DB (the demo drafts each demo township's
report of this year) and prints, per unit: characters of the text as published, distinct
figures (the tokens, each an indicator), named records (what the contributions cite),
points in section one, repeated sentences, and the review engine's score of the draft as
a reader would get it (the DOCX download). With ``--causes`` every section-two point
gets a cause first (as a writer would enter), so the score is the one of a finished draft.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--causes", action="store_true", help="先为第二部分每一点填写原因")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fazhi-quality-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/q.sqlite3"
    os.environ.setdefault("FAZHI_VAR_DIR", tmp)
    os.environ.setdefault("FAZHI_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from fazhi.core import demo
    from fazhi.reports import drafting, figures, render, services
    from fazhi.reports.models import AnnualReport
    from fazhi.review.engine import review_bytes

    demo.build(log=lambda *a, **k: None)
    rows = []
    for report in AnnualReport.objects.select_related("unit").order_by("unit__code"):
        actor = report.created_by
        if args.causes:
            for s in report.shortfalls.all():
                cause = (s.suggestions or ["工作力量不足，机制还不健全"])[0]
                services.set_cause(report, s.pk, cause, actor=actor)
            report.refresh_from_db()
        text = render.to_text(report)
        codes = {c for s in report.sections.all() for c in figures.codes_in(s.text)}
        ctx = services.context_for(report)
        material = drafting.collect(ctx)
        records = sum(p.records for p in material.points)
        result = review_bytes(render.to_docx(report), "draft.docx")
        checks = {c["code"]: c for c in result["checks"]}
        repeated = checks.get("repeated_sentences", {}).get("items") or []
        sc = result["score"]
        rows.append(
            (
                report.unit.name,
                len(text),
                len(codes),
                records,
                len(material.points),
                len(repeated),
                f"{sc['total']}/{sc['max']}",
                sc["verdict"],
                "、".join(c["code"] for c in result["checks"] if c["ok"] is False) or "-",
            )
        )
    head = (
        "单位",
        "字数",
        "不同数据",
        "点名记录",
        "要点",
        "重复句",
        "评审得分",
        "结论",
        "未通过的检查",
    )
    print(" | ".join(head))
    for r in rows:
        print(" | ".join(str(x) for x in r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
