"""The DOCX documents of the three procedures, filled from the record (templates replaceable
by an admin at 系统 → 文书模板). Personal identifiers appear masked."""

from __future__ import annotations

from fazhi.core import documents as docs
from fazhi.core import pii

from .models import Dispute, Petition


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def _township_name(obj) -> str:
    t = obj.unit.township()
    return t.name if t else obj.unit.name


def _parties(d: Dispute) -> str:
    lines = []
    for p in d.parties.all():
        ident = pii.mask_resident_id(p.id_number) if p.kind == "person" else p.id_number
        lines.append(
            f"{p.get_side_display()}：{p.name}"
            + (f"，证件号码{ident}" if ident else "")
            + (f"，联系电话{pii.mask_mobile(p.phone)}" if p.phone else "")
            + (f"，住址{p.address}" if p.address else "")
        )
    return "\n".join(lines)


def _petitioners(p: Petition) -> str:
    return "、".join(x.name for x in p.petitioners.all())


def dispute_context(d: Dispute) -> dict:
    last = d.followups.order_by("-visited_on", "-id").first()
    committee = d.committee.name if d.committee_id else f"{_township_name(d)}人民调解委员会"
    return {
        "编号": d.number,
        "单位": _township_name(d),
        "调委会": committee,
        "纠纷": d.title,
        "类别": d.category.name,
        "当事人": _parties(d),
        "纠纷简要情况": d.summary,
        "涉及金额": f"{d.amount}元",
        "协议形式": d.get_agreement_form_display(),
        "协议内容": d.agreement_text,
        "协议日期": _d(d.agreement_on),
        "调解员": d.handler.label if d.handler_id else "",
        "终止原因": d.get_termination_reason_display(),
        "终止日期": _d(d.terminated_on),
        "回访日期": _d(last.visited_on) if last else "",
        "回访方式": last.get_method_display() if last else "",
        "履行情况": ("已履行" if last.performed else "未履行") if last else "",
        "回访情况": last.notes if last else "",
        "回访人": last.visitor if last else "",
    }


def petition_context(p: Petition) -> dict:
    return {
        "编号": p.number,
        "单位": _township_name(p),
        "信访人": _petitioners(p),
        "信访事项": p.matter,
        "诉求": p.request,
        "收到日期": _d(p.received_on),
        "受理日期": _d(p.accepted_on),
        "办理期限": _d(p.handling_due),
        "不予受理理由": p.not_accepted_reason,
        "查明事实": p.facts,
        "处理意见": p.get_opinion_display(),
        "处理意见内容": p.opinion_text,
        "依据": p.legal_basis,
        "答复日期": _d(p.replied_on),
        "延长天数": str(p.extension_days),
        "延期理由": p.extension_reason,
        "批准人": p.extension_approver,
    }


def _layout(title: str, paragraphs, fields=None, sign_key="单位", date_key=None):
    def build(ctx: dict):
        doc = docs.new_document()
        docs.add_title(doc, title)
        docs.add_para(doc, f"编号：{ctx.get('编号', '')}", align="right", indent=False)
        for text in paragraphs:
            docs.add_para(doc, text.format_map(_Safe(ctx)))
        if fields:
            docs.add_fields_table(doc, [(label, ctx.get(key, "")) for label, key in fields])
        docs.add_signature(doc, ctx.get(sign_key, ""), ctx.get(date_key, "") if date_key else "")
        return doc

    return build


class _Safe(dict):
    def __missing__(self, key):
        return ""


SPECS = [
    docs.DocSpec(
        "disputes.petition_accept",
        "信访事项受理告知书",
        _layout(
            "信访事项受理告知书",
            [
                "{信访人}：",
                "你（们）于{收到日期}提出的“{信访事项}”信访事项，根据《信访工作条例》第二十三条的规定，"
                "本机关决定予以受理，并将在受理之日起60日内办结（办理期限至{办理期限}）。",
            ],
            date_key="受理日期",
        ),
        [
            ("信访人", "信访人"),
            ("收到日期", "收到日期"),
            ("信访事项", "信访事项"),
            ("办理期限", "办理期限"),
            ("受理日期", "受理日期"),
            ("单位", "单位"),
            ("编号", "编号"),
        ],
    ),
    docs.DocSpec(
        "disputes.petition_not_accept",
        "信访事项不予受理告知书",
        _layout(
            "信访事项不予受理告知书",
            [
                "{信访人}：",
                "你（们）于{收到日期}提出的“{信访事项}”信访事项，经审查，{不予受理理由}",
                "根据《信访工作条例》的有关规定，本机关决定不予受理。"
                "你（们）可以依照法律、法规规定的程序向有关机关提出。",
            ],
        ),
        [
            ("信访人", "信访人"),
            ("收到日期", "收到日期"),
            ("信访事项", "信访事项"),
            ("不予受理理由", "不予受理理由"),
            ("单位", "单位"),
            ("编号", "编号"),
        ],
    ),
    docs.DocSpec(
        "disputes.petition_opinion",
        "信访处理意见书",
        _layout(
            "信访处理意见书",
            [
                "信访人：{信访人}",
                "信访事项：{信访事项}",
                "一、信访人的诉求：{诉求}",
                "二、查明的事实：{查明事实}",
                "三、处理意见（{处理意见}）：{处理意见内容}",
                "四、依据：{依据}",
                "如不服本处理意见，可以自收到本意见书之日起30日内请求本机关的上一级机关复查。",
            ],
            date_key="答复日期",
        ),
        [
            ("信访人", "信访人"),
            ("信访事项", "信访事项"),
            ("诉求", "诉求"),
            ("查明事实", "查明事实"),
            ("处理意见", "处理意见"),
            ("处理意见内容", "处理意见内容"),
            ("依据", "依据"),
            ("答复日期", "答复日期"),
            ("单位", "单位"),
            ("编号", "编号"),
        ],
    ),
    docs.DocSpec(
        "disputes.petition_extension",
        "信访事项延期办理告知书",
        _layout(
            "信访事项延期办理告知书",
            [
                "{信访人}：",
                "你（们）提出的“{信访事项}”信访事项，本机关已于{受理日期}受理。因{延期理由}，"
                "经本机关负责人{批准人}批准，办理期限延长{延长天数}日，至{办理期限}。",
                "根据《信访工作条例》第三十四条的规定，特此告知。",
            ],
        ),
        [
            ("信访人", "信访人"),
            ("信访事项", "信访事项"),
            ("受理日期", "受理日期"),
            ("延期理由", "延期理由"),
            ("批准人", "批准人"),
            ("延长天数", "延长天数"),
            ("办理期限", "办理期限"),
            ("单位", "单位"),
            ("编号", "编号"),
        ],
    ),
    docs.DocSpec(
        "disputes.agreement",
        "人民调解协议书",
        _layout(
            "人民调解协议书",
            [
                "{当事人}",
                "纠纷主要事实、争议事项：{纠纷简要情况}",
                "经{调委会}调解，双方当事人自愿达成如下协议：",
                "{协议内容}",
                "履行方式、时限：按上述协议内容履行。",
                "本协议一式三份，双方当事人、人民调解委员会各持一份，自各方当事人签名、"
                "人民调解员签名并加盖人民调解委员会印章之日起生效。",
                "当事人（签名）：                调解员（签名）：{调解员}",
            ],
            sign_key="调委会",
            date_key="协议日期",
        ),
        [
            ("当事人", "当事人"),
            ("纠纷简要情况", "纠纷简要情况"),
            ("调委会", "调委会"),
            ("协议内容", "协议内容"),
            ("调解员", "调解员"),
            ("协议日期", "协议日期"),
            ("编号", "编号"),
        ],
    ),
    docs.DocSpec(
        "disputes.termination",
        "终止调解通知书",
        _layout(
            "终止调解通知书",
            [
                "{当事人}",
                "你们之间的{纠纷}，经本委员会调解，因{终止原因}，本委员会决定终止调解。",
                "根据《中华人民共和国人民调解法》第二十六条的规定，你们可以依法通过仲裁、"
                "行政、司法等途径维护自己的权利：向人民法院提起诉讼；属于劳动争议、土地承包经营"
                "纠纷等的，向有关仲裁机构申请仲裁；或者请求有关行政机关依法处理。",
            ],
            sign_key="调委会",
            date_key="终止日期",
        ),
        [
            ("当事人", "当事人"),
            ("纠纷", "纠纷"),
            ("终止原因", "终止原因"),
            ("调委会", "调委会"),
            ("终止日期", "终止日期"),
            ("编号", "编号"),
        ],
    ),
    docs.DocSpec(
        "disputes.followup",
        "人民调解回访记录",
        _layout(
            "人民调解回访记录",
            ["纠纷：{纠纷}（{类别}）", "调解协议：{协议内容}"],
            fields=[
                ("回访日期", "回访日期"),
                ("回访方式", "回访方式"),
                ("当事人", "当事人"),
                ("协议履行情况", "履行情况"),
                ("回访情况", "回访情况"),
                ("回访人", "回访人"),
            ],
            sign_key="调委会",
        ),
        [
            ("纠纷", "纠纷"),
            ("类别", "类别"),
            ("协议内容", "协议内容"),
            ("回访日期", "回访日期"),
            ("回访方式", "回访方式"),
            ("当事人", "当事人"),
            ("履行情况", "履行情况"),
            ("回访情况", "回访情况"),
            ("回访人", "回访人"),
            ("调委会", "调委会"),
            ("编号", "编号"),
        ],
    ),
]
for _spec in SPECS:
    docs.register(_spec)

# Which documents a record offers, and from which state on.
DISPUTE_DOCS = {
    "agreement": ("disputes.agreement", lambda d: d.agreement_form == "written" and d.agreement_on),
    "termination": ("disputes.termination", lambda d: d.terminated_on is not None),
    "followup": ("disputes.followup", lambda d: d.followups.exists()),
}
PETITION_DOCS = {
    "accept": ("disputes.petition_accept", lambda p: p.accepted_on is not None),
    "not_accept": ("disputes.petition_not_accept", lambda p: p.status == "not_accepted"),
    "opinion": ("disputes.petition_opinion", lambda p: p.replied_on is not None),
    "extension": ("disputes.petition_extension", lambda p: p.extended),
}


def available(obj) -> list[tuple[str, str]]:
    table, ctx_fn = (DISPUTE_DOCS, None) if isinstance(obj, Dispute) else (PETITION_DOCS, None)
    _ = ctx_fn
    return [(name, docs.REGISTRY[key].title) for name, (key, ok) in table.items() if ok(obj)]


def render(obj, name: str) -> tuple[str, bytes]:
    from fazhi.core.errors import DomainError

    table = DISPUTE_DOCS if isinstance(obj, Dispute) else PETITION_DOCS
    if name not in table:
        raise DomainError("未知的文书", code="unknown_document")
    key, ok = table[name]
    if not ok(obj):
        raise DomainError(f"当前状态还不能生成《{docs.REGISTRY[key].title}》")
    ctx = dispute_context(obj) if isinstance(obj, Dispute) else petition_context(obj)
    return f"{docs.REGISTRY[key].title}-{obj.number}.docx", docs.render(key, ctx)
