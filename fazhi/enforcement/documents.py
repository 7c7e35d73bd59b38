"""DOCX: the enforcement decision publication notice (执法决定公示)."""

from __future__ import annotations

from fazhi.core import documents as D
from fazhi.ledgers.declare import display

from .public import mask_name


def _notice(ctx):
    doc = D.new_document()
    D.add_title(doc, "行政执法决定信息公示")
    D.add_fields_table(
        doc,
        [
            ("执法机关", ctx.get("unit", "")),
            ("决定书文号", ctx.get("number", "")),
            ("执法类别", ctx.get("kind", "")),
            ("当事人", ctx.get("subject", "")),
            ("证件号码", ctx.get("id_number", "")),
            ("违法事实及依据", ctx.get("basis", "")),
            ("决定内容", ctx.get("decision", "")),
            ("罚没金额（元）", ctx.get("amount", "")),
            ("决定日期", ctx.get("decided_on", "")),
            ("公示日期", ctx.get("published_on", "")),
        ],
    )
    D.add_para(doc, "当事人对本决定不服的，可依法申请行政复议或者提起行政诉讼。")
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("published_on", ""))
    return doc


D.register(
    D.DocSpec(
        "enforcement.publication_notice",
        "行政执法决定公示通知",
        _notice,
        [
            ("unit", "执法机关"),
            ("number", "决定书文号"),
            ("kind", "执法类别"),
            ("subject", "当事人"),
            ("id_number", "证件号码"),
            ("basis", "违法事实及依据"),
            ("decision", "决定内容"),
            ("amount", "罚没金额"),
            ("decided_on", "决定日期"),
            ("published_on", "公示日期"),
        ],
    )
)


def notice_context(case) -> dict:
    from fazhi.core import pii

    natural = case.subject_type == "natural"
    return {
        "unit": case.unit.name,
        "number": case.number,
        "kind": case.get_kind_display(),
        "subject": mask_name(case.subject_name) if natural else case.subject_name,
        "id_number": pii.mask_resident_id(case.id_number)
        if natural and case.id_number
        else case.id_number,
        "basis": case.legal_basis,
        "decision": case.decision,
        "amount": display(case.penalty_amount),
        "decided_on": display(case.decided_on),
        "published_on": display(case.published_on),
    }
