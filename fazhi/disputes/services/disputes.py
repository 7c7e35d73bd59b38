"""Disputes and mediation: registration, edits and the procedure's steps."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, pii, workdays
from fazhi.core.errors import InvalidInput
from fazhi.core.models import Unit

from ..models import (
    AgreementForm,
    Dispute,
    DisputeCategory,
    DisputeConfig,
    DisputeParty,
    DisputeSource,
    FollowUp,
    MediationCommittee,
    MediationSession,
    ResolvedLevel,
    TerminationReason,
)
from ..procedures import DISPUTE
from .common import ASSIGN, SUPERVISE, check_can_create, next_number, stepper
from .fields import Action, Field, today

_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def mediation_deadline(start):
    """One month from ``start``; a period ending on a holiday ends on the next working day."""
    return workdays.add_calendar_days(workdays.add_months(start, 1), 0)


def refresh_due(d: Dispute) -> None:
    if d.status in ("assigned", "mediating") and d.mediation_due:
        d.due_date, d.due_provisional, d.due_label = (
            d.mediation_due,
            d.mediation_due_provisional,
            "调解期限",
        )
    elif d.status == "agreed" and d.followup_due:
        d.due_date, d.due_provisional, d.due_label = (
            d.followup_due,
            d.followup_due_provisional,
            "回访期限",
        )
    else:
        d.due_date, d.due_provisional, d.due_label = None, False, ""


def clean_phone(value: str, label: str = "联系电话") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if pii.normalize_mobile(value).isdecimal() and pii.normalize_mobile(value).startswith("1"):
        if not pii.is_valid_mobile(value):
            raise InvalidInput(f"{label}无效：手机号应为以1开头的11位数字")
        return pii.normalize_mobile(value)
    if not _LANDLINE.match(value):
        raise InvalidInput(f"{label}无效：应为手机号或带区号的固定电话")
    return value


def clean_person(p: dict, *, org_allowed: bool = True) -> dict:
    name = (p.get("name") or "").strip()
    if not name:
        raise InvalidInput("请填写当事人姓名或名称")
    if len(name) > 100:
        raise InvalidInput("当事人姓名或名称过长")
    kind = p.get("kind") or "person"
    if kind not in ("person", "org") or (kind == "org" and not org_allowed):
        raise InvalidInput("当事人类型应为自然人或组织")
    idn = (p.get("id_number") or "").strip().upper()
    if idn:
        if kind == "person":
            if not pii.is_valid_resident_id(idn):
                raise InvalidInput(f"当事人“{name}”的身份证号码无效：应为18位，且校验码正确")
            idn = pii.normalize_resident_id(idn)
        elif not _USCC.match(idn):
            raise InvalidInput(f"当事人“{name}”的统一社会信用代码无效：应为18位")
    return {
        "name": name,
        "kind": kind,
        "id_number": idn,
        "phone": clean_phone(p.get("phone") or "", f"当事人“{name}”的联系电话"),
        "address": (p.get("address") or "").strip()[:200],
        "side": p.get("side") if p.get("side") in ("applicant", "respondent") else "applicant",
    }


def _village(unit: Unit, village_id) -> Unit | None:
    if village_id in (None, ""):
        return None
    township = unit.township() or unit
    village = Unit.objects.filter(pk=village_id).first() if str(village_id).isdecimal() else None
    if village is None or not village.is_village or not village.is_within(township):
        raise InvalidInput("所选村(社区)不在本乡镇")
    return village


def _category(value) -> DisputeCategory:
    cat = None
    if value not in (None, ""):
        if str(value).isdecimal():
            cat = DisputeCategory.objects.filter(pk=int(value), active=True).first()
        if cat is None:
            cat = DisputeCategory.objects.filter(name=str(value), active=True).first()
    if cat is None:
        raise InvalidInput("请选择有效的纠纷类别")
    return cat


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value or "0").replace(",", ""))
    except Exception:
        raise InvalidInput("涉及金额应为数字（元）")
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise InvalidInput("涉及金额应为不小于0的数字（元）")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def register_dispute(*, actor, unit: Unit, data: dict, parties: list[dict]) -> Dispute:
    """登记: a dispute found by screening, a visit, a call, the hotline or a referral."""
    village = _village(unit, data.get("village"))
    owner = village or unit
    check_can_create(actor, owner)
    title = (data.get("title") or "").strip()
    if not title:
        raise InvalidInput("请填写纠纷简称")
    if len(title) > 120:
        raise InvalidInput("纠纷简称不能超过120字")
    source = data.get("source") or ""
    if source not in DisputeSource.values:
        raise InvalidInput("请选择纠纷来源（网格排查、来访、来电、热线转办、其他单位移交）")
    registered_on = data.get("registered_on") or today()
    if isinstance(registered_on, str):
        from .fields import Field as _F
        from .fields import parse_value

        registered_on = parse_value(_F("registered_on", "登记日期", "date"), registered_on)
    if registered_on > today():
        raise InvalidInput("登记日期不能晚于今天")
    cleaned_parties = [clean_person(p) for p in parties or [] if (p.get("name") or "").strip()]
    if not cleaned_parties:
        raise InvalidInput("请至少填写一名当事人")
    d = Dispute(
        unit=owner,
        created_by=actor,
        number=next_number(Dispute, owner, registered_on.year, "调"),
        title=title,
        source=source,
        category=_category(data.get("category")),
        summary=(data.get("summary") or "").strip()[:5000],
        amount=_amount(data.get("amount")),
        village=village,
        grid=(data.get("grid") or "").strip()[:50],
        registered_on=registered_on,
        risk_group=bool(data.get("risk_group")),
        risk_criminal=bool(data.get("risk_criminal")),
    )
    refresh_due(d)
    d.save()
    for p in cleaned_parties:
        DisputeParty.objects.create(dispute=d, **p)
    audit.record(audit.E.CREATE, obj=d, user=actor)
    return d


EDITABLE = ("title", "summary", "amount", "category", "grid", "risk_group", "risk_criminal")


@transaction.atomic
def update_dispute(d: Dispute, *, actor, data: dict, expected_version: int | None = None):
    from fazhi.core.errors import Conflict

    from .common import scoping

    locked = Dispute.objects.select_for_update().get(pk=d.pk)
    scoping.require(actor, "change", locked, "您无权修改该纠纷")
    if expected_version is not None and locked.version != expected_version:
        raise Conflict("该记录已被他人修改，请刷新页面后重试")
    if locked.status == "closed":
        raise InvalidInput("已结案的纠纷不能修改")
    changed = []
    for key in EDITABLE:
        if key not in data:
            continue
        value = data[key]
        if key == "title":
            value = (value or "").strip()
            if not value or len(value) > 120:
                raise InvalidInput("纠纷简称不能为空，且不超过120字")
        elif key == "amount":
            value = _amount(value)
        elif key == "category":
            value = _category(value)
        elif key in ("risk_group", "risk_criminal"):
            value = value in (True, "1", "on", "true", "是")
        else:
            value = (value or "").strip()
        if getattr(locked, key) != value:
            setattr(locked, key, value)
            changed.append(key)
    if changed:
        locked.version += 1
        locked.save()
        audit.record(audit.E.UPDATE, obj=locked, user=actor, detail={"fields": changed})
    return locked


# --- steps -----------------------------------------------------------------------------


def _route(d, cd) -> None:
    """化解途径: the one chosen, or the handling organisation's (人民调解 for a committee,
    行政调解 for a government body, …); a court-referred case needs the court's case number
    and the referral date is not in the future; a route the organisation cannot take is
    refused."""
    from ..models import ROUTE_OF_KIND, ROUTES_OF_KIND, OrganisationKind, Route

    org = d.committee
    route = cd.get("route") or ""
    if not route and cd.get("court_case_number"):
        route = Route.COURT
    if not route:
        route = ROUTE_OF_KIND.get(org.kind, "") if org is not None else d.route
    if org is not None and route and route not in ROUTES_OF_KIND.get(org.kind, Route.values):
        kind = OrganisationKind(org.kind).label
        raise InvalidInput(
            f"“{org.name}”是{kind}，不能以“{Route(route).label}”途径办理，请另选化解途径或调解组织"
        )
    number = (cd.get("court_case_number") or "").strip() or (
        d.court_case_number if route == Route.COURT else ""
    )
    referred = cd.get("court_referred_on") or (
        d.court_referred_on if route == Route.COURT else None
    )
    if route == Route.COURT:
        if not number:
            raise InvalidInput("法院委派/委托调解的纠纷请填写法院案号")
        if len(number) > 60:
            raise InvalidInput("法院案号不能超过60字")
        if referred and referred > today():
            raise InvalidInput("法院委派/委托日期不能晚于今天")
    elif cd.get("court_case_number") or cd.get("court_referred_on"):
        raise InvalidInput("只有法院委派/委托调解（诉调对接）的纠纷填写法院案号和委派日期")
    d.route = route
    d.court_case_number = number if route == Route.COURT else ""
    d.court_referred_on = referred if route == Route.COURT else None


def _assign(d, cd, user):
    d.handler = cd["handler"]
    d.committee = cd["committee"]
    _route(d, cd)
    d.assigned_at = timezone.now()
    if cd["due"]:
        if cd["due"] < today():
            raise InvalidInput("调解期限不能早于今天")
        d.mediation_due, d.mediation_due_provisional = cd["due"], workdays.is_provisional(cd["due"])
    else:
        dl = mediation_deadline(today())
        d.mediation_due, d.mediation_due_provisional = dl.date, dl.provisional
    refresh_due(d)


def _reassign(d, cd, user):
    d.handler = cd["handler"]
    if cd["committee"]:
        d.committee = cd["committee"]
    if any(cd.get(k) for k in ("committee", "route", "court_case_number", "court_referred_on")):
        _route(d, cd)
    d.assigned_at = timezone.now()


def _extend(d, cd, user):
    if not cd["both_parties"]:
        raise InvalidInput("只有双方当事人均同意延期，才能延长调解期限")
    if d.mediation_due and cd["new_due"] <= d.mediation_due:
        raise InvalidInput("新的调解期限应晚于原期限")
    d.mediation_due = cd["new_due"]
    d.mediation_due_provisional = workdays.is_provisional(cd["new_due"])
    d.extended = True
    d.extension_reason = cd["reason"] or "双方当事人同意延期"
    refresh_due(d)


def _session(d, cd, user):
    if cd["held_on"] > today():
        raise InvalidInput("调解日期不能晚于今天")
    MediationSession.objects.create(
        dispute=d,
        held_on=cd["held_on"],
        place=cd["place"] or "",
        mediator=cd["mediator"] or (user.label if user else ""),
        notes=cd["notes"],
        created_by=user,
    )
    refresh_due(d)


def _agree(d, cd, user):
    if cd["agreement_form"] == AgreementForm.WRITTEN and not (
        cd["parties_signed"] and cd["mediator_signed"] and cd["seal_recorded"]
    ):
        raise InvalidInput("书面调解协议须由各方当事人签名、调解员签名并加盖调委会印章")
    if cd["agreement_on"] > today():
        raise InvalidInput("协议生效日期不能晚于今天")
    d.agreement_form = cd["agreement_form"]
    d.agreement_on = cd["agreement_on"]
    d.agreement_text = cd["agreement_text"]
    d.parties_signed = cd["parties_signed"]
    d.mediator_signed = cd["mediator_signed"]
    d.seal_recorded = cd["seal_recorded"]
    d.resolved_level = cd["resolved_level"]
    d.outcome = "succeeded"
    days = DisputeConfig.followup_days_for(d.unit)
    dl = workdays.add_calendar_days(cd["agreement_on"], days)
    d.followup_due, d.followup_due_provisional = dl.date, dl.provisional
    d.status = "agreed"
    refresh_due(d)


def _terminate(d, cd, user):
    d.termination_reason = cd["reason"]
    d.terminated_on = cd["terminated_on"]
    d.outcome = "failed"
    d.status = "terminated"
    refresh_due(d)


def _follow_up(d, cd, user):
    if d.agreement_on and cd["visited_on"] < d.agreement_on:
        raise InvalidInput("回访日期不能早于协议生效日期")
    FollowUp.objects.create(
        dispute=d,
        visited_on=cd["visited_on"],
        method=cd["method"] or "visit",
        performed=cd["performed"],
        notes=cd["notes"] or "",
        visitor=cd["visitor"] or (user.label if user else ""),
        created_by=user,
    )
    if cd["performed"]:
        d.status = "closed"
        d.closed_on = cd["visited_on"]
    else:
        # The agreement was not performed: the case goes back to mediation.
        d.status = "mediating"
        d.outcome = ""
        d.resolved_level = ""
        dl = mediation_deadline(cd["visited_on"])
        d.mediation_due, d.mediation_due_provisional = dl.date, dl.provisional
        d.followup_due = None
    refresh_due(d)


def _close(d, cd, user):
    d.closed_on = cd["closed_on"]
    d.status = "closed"
    refresh_due(d)


def _judicial(d, cd, user):
    limit = workdays.add_calendar_days(d.agreement_on, 30).date
    if cd["applied_on"] < d.agreement_on or cd["applied_on"] > limit:
        raise InvalidInput(
            f"司法确认应在调解协议生效之日起30日内申请（{d.agreement_on:%Y-%m-%d}至{limit:%Y-%m-%d}）"
        )
    if cd["confirmed_on"] and cd["confirmed_on"] < cd["applied_on"]:
        raise InvalidInput("确认日期不能早于申请日期")
    d.judicial_confirmed_on = cd["confirmed_on"] or cd["applied_on"]
    d.judicial_court = cd["court"]


def _police(d, cd, user):
    d.police_reported_on = cd["reported_on"]
    d.police_report_note = cd["note"] or ""


def _route_fields():
    from ..models import Route

    return (
        Field(
            "route",
            "化解途径",
            "choice",
            choices=tuple(Route.choices),
            help="不选则按调解组织类型确定（调委会为人民调解，行政机关为行政调解……）",
        ),
        Field("court_case_number", "法院案号", help="法院委派/委托调解的纠纷必填"),
        Field("court_referred_on", "法院委派/委托日期", "date"),
    )


def _reassign_fields():
    return (
        Field("handler", "承办人", "user", required=True),
        Field("committee", "调解组织（调委会）", "committee"),
        *_route_fields(),
        Field("note", "改派理由", "textarea"),
    )


ACTIONS: dict[str, Action] = {
    "assign": Action(
        (
            Field("handler", "承办人（调解员）", "user", required=True),
            Field("committee", "调解组织（调委会）", "committee"),
            *_route_fields(),
            Field("due", "调解期限", "date", help="默认自交办之日起一个月"),
            Field("note", "交办意见", "textarea"),
        ),
        _assign,
        comment_field="note",
    ),
    "reassign": Action(_reassign_fields(), _reassign, comment_field="note"),
    "supervise": SUPERVISE,
    "session": Action(
        (
            Field("held_on", "调解日期", "date", required=True, default=today),
            Field("place", "地点"),
            Field("mediator", "调解员"),
            Field("notes", "调解记录", "textarea", required=True),
        ),
        _session,
    ),
    "extend": Action(
        (
            Field("both_parties", "双方当事人均要求延期", "bool"),
            Field("new_due", "新的调解期限", "date", required=True),
            Field("reason", "延期情况", "textarea"),
        ),
        _extend,
        comment_field="reason",
    ),
    "agree": Action(
        (
            Field("agreement_form", "协议形式", "choice", True, tuple(AgreementForm.choices)),
            Field("agreement_on", "协议生效日期", "date", required=True, default=today),
            Field("agreement_text", "协议内容", "textarea", required=True),
            Field("parties_signed", "各方当事人已签名", "bool"),
            Field("mediator_signed", "调解员已签名", "bool"),
            Field("seal_recorded", "已加盖调委会印章", "bool"),
            Field("resolved_level", "化解层级", "choice", True, tuple(ResolvedLevel.choices)),
        ),
        _agree,
    ),
    "terminate": Action(
        (
            Field("reason", "终止原因", "choice", True, tuple(TerminationReason.choices)),
            Field("terminated_on", "终止日期", "date", required=True, default=today),
            Field("note", "说明", "textarea"),
        ),
        _terminate,
        comment_field="note",
    ),
    "follow_up": Action(
        (
            Field("visited_on", "回访日期", "date", required=True, default=today),
            Field("method", "方式", "choice", False, (("visit", "上门"), ("phone", "电话"))),
            Field("performed", "协议已履行", "bool"),
            Field("visitor", "回访人"),
            Field("notes", "回访情况", "textarea"),
        ),
        _follow_up,
        comment_field="notes",
    ),
    "close": Action(
        (Field("closed_on", "结案日期", "date", required=True, default=today),), _close
    ),
    "judicial_confirm": Action(
        (
            Field("applied_on", "申请司法确认日期", "date", required=True),
            Field("confirmed_on", "确认日期", "date"),
            Field("court", "人民法院", required=True),
        ),
        _judicial,
    ),
    "report_police": Action(
        (
            Field("reported_on", "报告日期", "date", required=True, default=today),
            Field("note", "报告情况（接报单位、接报人）"),
        ),
        _police,
        comment_field="note",
    ),
}
assert set(ACTIONS) == set(DISPUTE.transitions), "every dispute step needs its inputs"
_ = ASSIGN


act = stepper(DISPUTE, ACTIONS)


def _organisation_fields(data: dict, unit: Unit, committee) -> dict:
    """类型、领域、所属调解组织 of an organisation, checked: a sector only for a 行业性专业性
    committee (which needs one), a parent only for a room or a 诉调对接工作室 (a room needs
    one), the parent in the same township and not itself a room."""
    from ..models import COMMITTEE_KINDS, OrganisationKind, Sector

    kind = (data.get("kind") or "").strip()
    if not kind:
        kind = committee.kind if committee is not None and committee.kind else ""
    if not kind:
        kind = OrganisationKind.VILLAGE if unit.is_village else OrganisationKind.TOWNSHIP
    if kind not in OrganisationKind.values:
        labels = "、".join(label for _, label in OrganisationKind.choices)
        raise InvalidInput(f"调解组织类型应为以下之一：{labels}")
    if kind == OrganisationKind.VILLAGE and not unit.is_village:
        raise InvalidInput("村(社区)人民调解委员会应登记在村(社区)")
    sector = (data.get("sector") or "").strip()
    if kind == OrganisationKind.PROFESSIONAL:
        if sector not in Sector.values:
            labels = "、".join(label for _, label in Sector.choices)
            raise InvalidInput(f"请选择行业性专业性人民调解委员会的领域：{labels}")
    elif sector:
        raise InvalidInput("只有行业性专业性人民调解委员会填写领域")
    parent = None
    raw_parent = data.get("parent")
    if raw_parent not in (None, ""):
        if kind not in (OrganisationKind.ROOM, OrganisationKind.COURT_LINK):
            raise InvalidInput("只有调解工作室、诉调对接工作室填写所属调解组织")
        if str(raw_parent).isdecimal():
            parent = MediationCommittee.objects.select_related("unit").filter(pk=int(raw_parent))
            parent = parent.first()
        if parent is None:
            raise InvalidInput("所属调解组织不存在")
        if committee is not None and parent.pk == committee.pk:
            raise InvalidInput("所属调解组织不能是其本身")
        if parent.kind == OrganisationKind.ROOM:
            raise InvalidInput("所属调解组织不能是另一个调解工作室")
        here = unit.township() or unit
        there = parent.unit.township() or parent.unit
        if here.pk != there.pk:
            raise InvalidInput(f"所属调解组织不在{here.name}，应选择本乡镇的调解组织")
    elif kind == OrganisationKind.ROOM:
        raise InvalidInput("调解工作室请选择所属调解组织（如村调委会、综治中心）")
    return {"kind": kind, "sector": sector, "parent": parent, "committee": kind in COMMITTEE_KINDS}


@transaction.atomic
def save_committee(*, actor, unit: Unit, data: dict, members: list[dict], committee=None):
    """调解组织的登记和修改. A 人民调解委员会 needs its term (开始; 届满 defaults to three
    years on); the other kinds may leave it blank."""
    check_can_create(actor, unit)
    from .fields import Field as _F
    from .fields import parse_value

    name = (data.get("name") or "").strip()
    org = _organisation_fields(data, unit, committee)
    if not name:
        raise InvalidInput("请填写调委会名称" if org["committee"] else "请填写调解组织名称")
    if len(name) > 100:
        raise InvalidInput("调解组织名称不能超过100字")
    start = parse_value(
        _F("term_start", "任期开始", "date", org["committee"]), data.get("term_start")
    )
    end = data.get("term_end")
    if end:
        end = parse_value(_F("term_end", "任期届满", "date"), end)
    elif start:
        end = workdays.add_months(start, 36)
    else:
        end = None
    if end and not start:
        raise InvalidInput("请填写任期开始日期")
    if start and end <= start:
        raise InvalidInput("任期届满日期应晚于开始日期")
    c = committee or MediationCommittee(unit=unit, created_by=actor)
    c.name, c.term_start, c.term_end = name, start, end
    c.kind, c.sector, c.parent = org["kind"], org["sector"], org["parent"]
    c.save()
    from ..models import CommitteeMember

    if members is not None:
        c.members.all().delete()
        for m in members:
            if not (m.get("name") or "").strip():
                continue
            CommitteeMember.objects.create(
                committee=c,
                name=m["name"].strip()[:50],
                gender="female" if m.get("gender") in ("female", "女") else "male",
                position=m.get("position") if m.get("position") in ("chair", "vice") else "member",
            )
    audit.record(audit.E.CREATE if committee is None else audit.E.UPDATE, obj=c, user=actor)
    return c
