"""DOCX notices of a request for disclosure, filled from the record: 补正告知书 (art. 30),
延期答复告知书 (art. 33) and the reply (政府信息公开申请答复书, art. 36). They are sent to
the applicant, so the applicant is named; identifiers never appear."""

from __future__ import annotations

from fazhi.core import documents as D
from fazhi.core.errors import InvalidInput

from .models import ReplyType


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _head(doc, ctx, title):
    D.add_title(doc, title)
    D.add_para(doc, ctx.get("number_line", ""), align="center", indent=False)
    D.add_para(doc, f"{ctx.get('applicant', '')}：", indent=False)


def _correction(ctx):
    doc = D.new_document()
    _head(doc, ctx, "政府信息公开申请补正告知书")
    D.add_para(
        doc,
        f"本机关于{ctx.get('received_on', '')}收到你（单位）提出的政府信息公开申请"
        f"（申请内容：{ctx.get('content', '')}）。经审查，该申请内容不明确，"
        "根据《中华人民共和国政府信息公开条例》第三十条的规定，请你（单位）对下列事项作出补正：",
    )
    D.add_para(doc, ctx.get("items", ""))
    D.add_para(
        doc,
        f"请于{ctx.get('limit', '') or '合理期限内'}前补正。答复期限自本机关收到补正的申请之日起计算。"
        "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
    )
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("date", ""))
    return doc


def _extension(ctx):
    doc = D.new_document()
    _head(doc, ctx, "政府信息公开申请延期答复告知书")
    D.add_para(
        doc,
        f"本机关于{ctx.get('received_on', '')}收到你（单位）提出的政府信息公开申请"
        f"（申请内容：{ctx.get('content', '')}）。因{ctx.get('reason', '')}，不能在规定期限内答复。"
        "根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，"
        f"答复期限延长{ctx.get('days', '')}个工作日，本机关将于{ctx.get('due', '')}前作出答复。",
    )
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("date", ""))
    return doc


OUTCOME_TEXT = {
    ReplyType.GRANTED: "经审查，你（单位）申请获取的政府信息属于公开范围，本机关决定予以公开。",
    ReplyType.PARTIAL: "经审查，你（单位）申请获取的政府信息中部分内容属于公开范围，本机关决定公开可以公开的部分。",
    ReplyType.REFUSED: "经审查，你（单位）申请获取的政府信息依法不予公开。",
    ReplyType.UNABLE: "经查，本机关无法提供你（单位）申请获取的政府信息。",
    ReplyType.NOT_HANDLED: "经审查，你（单位）的申请依法不作为政府信息公开申请处理。",
    ReplyType.OTHER: "本机关对你（单位）的申请作如下处理。",
}


def _reply(ctx):
    doc = D.new_document()
    _head(doc, ctx, "政府信息公开申请答复书")
    D.add_para(
        doc,
        f"本机关于{ctx.get('received_on', '')}收到你（单位）提出的政府信息公开申请"
        f"（申请内容：{ctx.get('content', '')}）。现答复如下：",
    )
    D.add_para(doc, ctx.get("outcome_text", ""))
    if ctx.get("reason"):
        D.add_para(doc, f"理由：{ctx['reason']}。")
    if ctx.get("reply"):
        D.add_para(doc, ctx["reply"])
    D.add_para(
        doc,
        "你（单位）如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，"
        "或者自收到本答复之日起六个月内依法提起行政诉讼。",
    )
    D.add_signature(doc, ctx.get("unit", ""), ctx.get("date", ""))
    return doc


COMMON = [
    ("unit", "行政机关"),
    ("number_line", "编号"),
    ("applicant", "申请人"),
    ("received_on", "收到申请日期"),
    ("content", "申请内容"),
    ("date", "落款日期"),
]
D.register(
    D.DocSpec(
        "openness.correction",
        "政府信息公开申请补正告知书",
        _correction,
        [*COMMON, ("items", "需补正的事项"), ("limit", "补正期限")],
    )
)
D.register(
    D.DocSpec(
        "openness.extension",
        "政府信息公开申请延期答复告知书",
        _extension,
        [*COMMON, ("reason", "延期理由"), ("days", "延长工作日数"), ("due", "延长后的答复期限")],
    )
)
D.register(
    D.DocSpec(
        "openness.reply",
        "政府信息公开申请答复书",
        _reply,
        [*COMMON, ("outcome_text", "答复结论"), ("reason", "理由"), ("reply", "答复内容")],
    )
)

KEYS = {
    "correction": "openness.correction",
    "extension": "openness.extension",
    "reply": "openness.reply",
}


def context(r, key: str) -> dict:
    """The notice ``key`` of request ``r``; refused when the step it records is not taken."""
    township = r.unit.township() or r.unit
    base = {
        "unit": township.name if r.unit.kind == "village" else r.unit.name,
        "number_line": f"（{r.received_on.year}）第{r.number}号",
        "applicant": r.applicant_name,
        "received_on": _date(r.received_on),
        "content": r.content,
    }
    if key == "correction":
        if not r.correction_on:
            raise InvalidInput("尚未告知补正，不能生成补正告知书")
        return {
            **base,
            "items": r.correction_items,
            "limit": _date(r.correction_limit),
            "date": _date(r.correction_on),
        }
    if key == "extension":
        if r.extension_days is None:
            raise InvalidInput("尚未延期答复，不能生成延期答复告知书")
        return {
            **base,
            "reason": r.extension_reason,
            "days": r.extension_days,
            "due": _date(r.reply_due),
            "date": _date(r.extension_notified_on),
        }
    if key == "reply":
        if not r.replied_on:
            raise InvalidInput("尚未答复，不能生成答复书")
        return {
            **base,
            "outcome_text": OUTCOME_TEXT.get(r.reply_type, ""),
            "reason": r.get_reply_reason_display() if r.reply_reason else "",
            "reply": r.reply_content,
            "date": _date(r.replied_on),
        }
    raise InvalidInput(f"未知的文书：{key}", code="unknown_document")


def render(r, key: str) -> tuple[str, bytes]:
    """(file name, DOCX bytes) of the notice ``key`` of request ``r``."""
    if key not in KEYS:
        raise InvalidInput(f"未知的文书：{key}", code="unknown_document")
    ctx = context(r, key)
    title = D.get_spec(KEYS[key]).title
    return f"{title}-{r.number}.docx", D.render(KEYS[key], ctx)
