"""DOCX documents of the decisions mechanism, filled from the records."""

from __future__ import annotations

from fazhi.core import documents as D
from fazhi.ledgers.declare import display


def _opinion(ctx):
    doc = D.new_document()
    D.add_title(doc, "合法性审查意见书")
    D.add_para(doc, ctx.get("number", ""), align="center", indent=False)
    D.add_fields_table(
        doc,
        [
            ("审查事项", ctx.get("subject", "")),
            ("审查对象类别", ctx.get("kind", "")),
            ("送审单位", ctx.get("drafting_office", "")),
            ("送审日期", ctx.get("requested_on", "")),
            ("审查人", ctx.get("reviewer", "")),
            ("审查结论", ctx.get("conclusion", "")),
            ("审查用时", ctx.get("days", "")),
        ],
    )
    D.add_para(doc, "一、审查意见", bold=True, indent=False, font=D.HEADING_FONT)
    D.add_para(doc, ctx.get("opinion", ""))
    D.add_para(doc, "二、发现的问题及整改情况", bold=True, indent=False, font=D.HEADING_FONT)
    D.add_para(doc, ctx.get("findings", "") or "未发现问题。")
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("date", ""))
    return doc


def _minutes(ctx):
    doc = D.new_document()
    D.add_title(doc, "集体讨论决定纪要（摘要）")
    D.add_fields_table(
        doc,
        [
            ("议题", ctx.get("title", "")),
            ("会议", ctx.get("meeting", "")),
            ("会议日期", ctx.get("date", "")),
            ("应到/实到", ctx.get("attendance", "")),
            ("主持人", ctx.get("head", "")),
            ("决定结果", ctx.get("outcome", "")),
        ],
    )
    D.add_para(doc, "参会人员意见（按发言顺序）", bold=True, indent=False, font=D.HEADING_FONT)
    for line in (ctx.get("views") or "").split("\n"):
        if line:
            D.add_para(doc, line)
    if ctx.get("head_reason"):
        D.add_para(doc, "主要负责人决定理由：" + ctx["head_reason"])
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("date", ""))
    return doc


def _filing(ctx):
    doc = D.new_document()
    D.add_title(doc, "关于报送规范性文件备案的报告")
    D.add_para(doc, f"{ctx.get('filed_with', '')}：", indent=False)
    D.add_para(
        doc,
        f"根据规范性文件备案审查的有关规定，现将{ctx.get('unit', '')}于{ctx.get('published_on', '')}"
        f"发布的《{ctx.get('title', '')}》（{ctx.get('doc_number', '')}）报送备案，请予审查。",
    )
    D.add_fields_table(
        doc,
        [
            ("文件名称", ctx.get("title", "")),
            ("文号", ctx.get("doc_number", "")),
            ("起草单位", ctx.get("drafting_office", "")),
            ("合法性审查", ctx.get("review", "")),
            ("集体审议", ctx.get("deliberation", "")),
            ("发布日期", ctx.get("published_on", "")),
            ("施行日期", ctx.get("effective_on", "")),
            ("有效期至", ctx.get("valid_until", "")),
            ("报备期限", ctx.get("filing_due", "")),
        ],
    )
    D.add_para(
        doc,
        "附件：1. 规范性文件正式文本  2. 起草说明  3. 合法性审查意见  4. 集体审议纪要",
        indent=False,
    )
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("date", ""))
    return doc


D.register(
    D.DocSpec(
        "decisions.review_opinion",
        "合法性审查意见书",
        _opinion,
        [
            ("number", "编号"),
            ("subject", "审查事项"),
            ("kind", "审查对象类别"),
            ("drafting_office", "送审单位"),
            ("requested_on", "送审日期"),
            ("reviewer", "审查人"),
            ("conclusion", "审查结论"),
            ("days", "审查用时"),
            ("opinion", "审查意见"),
            ("findings", "发现的问题及整改"),
            ("unit", "单位"),
            ("date", "日期"),
        ],
    )
)
D.register(
    D.DocSpec(
        "decisions.minutes",
        "集体讨论决定纪要摘要",
        _minutes,
        [
            ("title", "议题"),
            ("meeting", "会议"),
            ("date", "日期"),
            ("attendance", "应到/实到"),
            ("head", "主持人"),
            ("outcome", "决定结果"),
            ("views", "参会人员意见"),
            ("head_reason", "主要负责人理由"),
            ("unit", "单位"),
        ],
    )
)
D.register(
    D.DocSpec(
        "decisions.filing_report",
        "规范性文件备案报告",
        _filing,
        [
            ("filed_with", "备案机关"),
            ("unit", "单位"),
            ("title", "文件名称"),
            ("doc_number", "文号"),
            ("drafting_office", "起草单位"),
            ("review", "合法性审查"),
            ("deliberation", "集体审议"),
            ("published_on", "发布日期"),
            ("effective_on", "施行日期"),
            ("valid_until", "有效期至"),
            ("filing_due", "报备期限"),
            ("date", "日期"),
        ],
    )
)


def review_context(r) -> dict:
    findings = "\n".join(
        f"{i}. {f.description}（{f.get_severity_display()}）："
        + (f"已整改，{f.fix_note}" if f.fixed else "尚未整改")
        for i, f in enumerate(r.findings.all(), start=1)
    )
    return {
        "number": f"审查编号 {r.pk}",
        "subject": r.subject_label,
        "kind": r.get_subject_kind_display(),
        "drafting_office": r.drafting_office,
        "requested_on": display(r.requested_on),
        "reviewer": f"{r.reviewer_name}（{r.reviewer_office}）" if r.reviewer_name else "未分配",
        "conclusion": r.get_conclusion_display() or "尚未出具",
        "days": f"{r.working_days_taken}个工作日" if r.working_days_taken is not None else "",
        "opinion": r.opinion or "（尚未出具）",
        "findings": findings,
        "unit": r.unit.name,
        "date": display(r.opinion_on),
    }


def minutes_context(d) -> dict:
    views = "\n".join(
        f"{v.order}. {v.name}（{v.title}）：{v.get_view_display()}"
        + (f"。{v.statement}" if v.statement else "")
        for v in d.views.all()
    )
    return {
        "title": d.title,
        "meeting": d.get_meeting_kind_display(),
        "date": display(d.meeting_date),
        "attendance": f"{d.members_total}/{d.attendees_count}",
        "head": d.head_name,
        "outcome": d.get_outcome_display(),
        "views": views,
        "head_reason": d.head_reason,
        "unit": d.unit.name,
    }


def filing_context(doc) -> dict:
    r = doc.review
    return {
        "filed_with": doc.filed_with or "县人民政府（司法局）",
        "unit": doc.unit.name,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "drafting_office": doc.drafting_office,
        "review": f"{r.get_conclusion_display()}（{display(r.opinion_on)}）" if r else "",
        "deliberation": f"{doc.deliberation_meeting}（{display(doc.deliberated_on)}）",
        "published_on": display(doc.published_on),
        "effective_on": display(doc.effective_on),
        "valid_until": display(doc.valid_until),
        "filing_due": display(doc.filing_due),
        "date": display(doc.filed_on or doc.published_on),
    }
