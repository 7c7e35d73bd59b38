"""What a detail page shows of each record (personal identifiers are in the people table)."""

from __future__ import annotations

from django.utils import timezone

from ..models import Dispute, GridCase, Petition
from ..models.grid import DEFAULT_HANDLING_WORKING_DAYS, HANDLING_WORKING_DAYS


def _d(v):
    return v.isoformat() if v else ""


def _dl(day, provisional):
    if not day:
        return ""
    return day.isoformat() + ("（暂定）" if provisional else "")


def detail_fields(obj, user) -> list[tuple[str, str]]:
    common_tail = [
        ("承办人", obj.handler.label if obj.handler_id else "未交办"),
        ("督办", ("是：" + obj.supervision_note) if obj.supervised else "否"),
        (
            "当前期限",
            (obj.due_label + " " + _dl(obj.due_date, obj.due_provisional))
            if obj.due_date
            else "无",
        ),
        ("办结日期", _d(obj.closed_on)),
    ]
    if isinstance(obj, Dispute):
        rows = [
            ("编号", obj.number),
            ("单位", obj.unit.name),
            (
                "村(社区) / 网格",
                " / ".join(x for x in (obj.village.name if obj.village_id else "", obj.grid) if x),
            ),
            ("来源", obj.get_source_display()),
            ("类别", obj.category.name),
            ("涉及金额（元）", f"{obj.amount:,.2f}"),
            ("登记日期", _d(obj.registered_on)),
            ("状态", obj.get_status_display()),
            ("纠纷简要情况", obj.summary),
            (
                "风险",
                "；".join(
                    x
                    for x in (
                        "可能引发群体性事件" if obj.risk_group else "",
                        "可能激化为刑事案件" if obj.risk_criminal else "",
                    )
                    if x
                )
                or "无",
            ),
            ("报告公安机关", f"{_d(obj.police_reported_on)} {obj.police_report_note}".strip()),
            (
                "调委会" if not obj.committee_id or obj.committee.is_committee else "调解组织",
                obj.committee.name if obj.committee_id else "",
            ),
            ("化解途径", obj.get_route_display()),
            (
                "法院委派/委托",
                " ".join(x for x in (obj.court_case_number, _d(obj.court_referred_on)) if x),
            ),
            (
                "调解期限",
                _dl(obj.mediation_due, obj.mediation_due_provisional)
                + ("（经双方当事人同意延期）" if obj.extended else ""),
            ),
            ("调解结果", obj.get_outcome_display()),
            ("协议", f"{obj.get_agreement_form_display()} {_d(obj.agreement_on)}".strip()),
            ("协议内容", obj.agreement_text),
            (
                "签名与印章",
                "；".join(
                    x
                    for x in (
                        "当事人已签名" if obj.parties_signed else "",
                        "调解员已签名" if obj.mediator_signed else "",
                        "已加盖调委会印章" if obj.seal_recorded else "",
                    )
                    if x
                ),
            ),
            ("化解层级", obj.get_resolved_level_display()),
            ("终止调解", f"{obj.get_termination_reason_display()} {_d(obj.terminated_on)}".strip()),
            ("回访期限", _dl(obj.followup_due, obj.followup_due_provisional)),
            ("司法确认", f"{_d(obj.judicial_confirmed_on)} {obj.judicial_court}".strip()),
        ]
    elif isinstance(obj, Petition):
        rows = [
            ("编号", obj.number),
            ("单位", obj.unit.name),
            ("信访形式", obj.get_channel_display()),
            ("信访类型", obj.get_petition_type_display()),
            ("初信初访", "是" if obj.first_petition else "否（重复信访）"),
            ("集体访", f"是，{obj.group_size}人" if obj.is_group else "否"),
            ("信访事项", obj.matter),
            ("诉求", obj.request),
            ("前次信访", obj.prior.number if obj.prior_id else ""),
            ("收到日期", _d(obj.received_on)),
            ("状态", obj.get_status_display()),
            ("受理告知期限", _dl(obj.acceptance_due, obj.acceptance_due_provisional)),
            ("退回期限（5个工作日）", _dl(obj.return_due, obj.return_due_provisional)),
            ("受理日期", _d(obj.accepted_on)),
            (
                "办理期限",
                _dl(obj.handling_due, obj.handling_due_provisional)
                + (
                    f"（经{obj.extension_approver}批准延长{obj.extension_days}日）"
                    if obj.extended
                    else ""
                ),
            ),
            ("不予受理 / 退回理由", obj.not_accepted_reason or obj.returned_reason),
            ("处理意见", f"{obj.get_opinion_display()} {obj.opinion_text}".strip()),
            ("查明事实", obj.facts),
            ("依据", obj.legal_basis),
            (
                "书面答复日期",
                _d(obj.replied_on)
                + {True: "（按期）", False: "（超期）", None: ""}[obj.replied_on_time],
            ),
            (
                "复查",
                f"申请{_d(obj.review_requested_on)}，期限{_d(obj.review_due)}，答复{_d(obj.reviewed_on)} {obj.review_result}"
                if obj.review_requested_on
                else (f"可在{_d(obj.review_request_due)}前申请" if obj.review_request_due else ""),
            ),
            (
                "复核",
                f"申请{_d(obj.re_review_requested_on)}，期限{_d(obj.re_review_due)}，答复{_d(obj.re_reviewed_on)} {obj.re_review_result}"
                if obj.re_review_requested_on
                else (
                    f"可在{_d(obj.re_review_request_due)}前申请"
                    if obj.re_review_request_due
                    else ""
                ),
            ),
            ("满意度", obj.get_satisfaction_display()),
            ("接访领导", " ".join(x for x in (obj.leader_post, obj.leader_name) if x)),
            ("越级访", obj.get_over_level_display() or "否"),
            (
                "信访积案",
                (
                    f"自{_d(obj.backlog_since)}"
                    + (
                        f"，{timezone.localtime(obj.backlog_resolved_at):%Y-%m-%d}由{obj.backlog_resolved_by.label if obj.backlog_resolved_by else ''}化解"
                        if obj.backlog_resolved_at
                        else "，未化解"
                    )
                )
                if obj.backlog
                else "否",
            ),
            (
                "保密",
                f"是（被反映单位：{obj.complained_unit.name}）"
                if obj.confidential and obj.complained_unit_id
                else "否",
            ),
        ]
    elif isinstance(obj, GridCase):
        rows = grid_rows(obj)
    else:
        rows = [
            ("工单编号", obj.number),
            ("热线", obj.line),
            ("诉求类别", f"{obj.category.name}（{obj.category.deadline_days}个工作日）"),
            ("单位", obj.unit.name),
            ("村(社区)", obj.village.name if obj.village_id else ""),
            ("来电时间", timezone.localtime(obj.received_at).strftime("%Y-%m-%d %H:%M")),
            ("地址", obj.address),
            ("诉求内容", obj.content),
            ("状态", obj.get_status_display()),
            ("办理期限", _dl(obj.deadline, obj.deadline_provisional)),
            (
                "签收时间",
                timezone.localtime(obj.signed_at).strftime("%Y-%m-%d %H:%M")
                if obj.signed_at
                else "",
            ),
            ("答复", f"{_d(obj.replied_on)} {obj.reply}".strip()),
            ("办结日期", _d(obj.completed_on)),
            ("满意度", obj.get_satisfaction_display()),
            ("退回重办", f"{obj.redo_count}次" + ("，已提级督办" if obj.escalated else "")),
        ]
    return [r for r in rows + common_tail if r[1] not in (None, "")]


def grid_rows(obj: GridCase) -> list[tuple[str, str]]:
    on_time = {True: "（按期）", False: "（超期）", None: ""}[obj.handled_on_time]
    return [
        ("编号", obj.number),
        ("单位", obj.unit.name),
        (
            "村(社区) / 网格",
            " / ".join(x for x in (obj.village.name if obj.village_id else "", obj.grid) if x),
        ),
        ("上报时间", timezone.localtime(obj.reported_at).strftime("%Y-%m-%d %H:%M")),
        ("上报网格员", obj.reporter),
        ("事件类别", obj.get_category_display()),
        ("事件概要", obj.summary),
        ("状态", obj.get_status_display()),
        (
            "处置期限",
            _d(obj.due_on)
            + ("（暂定）" if obj.due_on_provisional else "")
            + f"（上报后{HANDLING_WORKING_DAYS.get(obj.category, DEFAULT_HANDLING_WORKING_DAYS)}个工作日，本地规定）",
        ),
        ("处置方式", obj.get_disposal_display()),
        ("处置日期", _d(obj.handled_on) + on_time if obj.handled_on else ""),
        ("处置情况", obj.handling),
        ("转办单位", obj.referred_to),
        ("转为矛盾纠纷", f"{obj.dispute.number} {obj.dispute.title}" if obj.dispute_id else ""),
    ]
