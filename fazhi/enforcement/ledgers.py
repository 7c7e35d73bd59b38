"""The enforcement mechanism's ledgers, as pages, API, Excel and CLI see them."""

from __future__ import annotations

from django.utils import timezone

from fazhi.ledgers.declare import Col, Filt, Ledger, model_fields

from . import procedures as P
from . import services
from .models import (
    CaseKind,
    CaseStatus,
    ChallengeStatus,
    EnforcementCase,
    EnforcementCertificate,
    Litigation,
    Outcome,
    Reconsideration,
)


def cert_choices(obj, name, user):
    if name == "officers":
        from fazhi.core.roles import Perm

        today = timezone.localdate()
        qs = EnforcementCertificate.objects.visible_to(user, Perm.CHANGE).filter(
            revoked=False, expires_on__gte=today
        )
        if obj is not None:
            county = obj.unit.county() or obj.unit
            qs = qs.filter(unit__path__startswith=county.path)
        return [
            (c.pk, f"{c.holder_name}（{c.number}，至{c.expires_on:%Y-%m-%d}）") for c in qs[:200]
        ]
    return ()


def _case_context(obj, request):
    from fazhi.decisions import services as ds

    return {"reviews": ds.reviews_of(obj), "officers": obj.officers.all()}


def _cert_due(c):
    return c.expires_on if not c.revoked else None


CASE = Ledger(
    app="enforcement",
    key="case",
    plural="cases",
    model=EnforcementCase,
    title="行政执法案件",
    columns=[
        Col("案号", lambda o: o.number, "number"),
        Col("单位", lambda o: o.unit.name),
        Col("类别", lambda o: o.get_kind_display(), "kind"),
        Col(
            "当事人",
            lambda o: (
                o.subject_name
                if o.subject_type == "legal"
                else o.subject_name[:1] + "*" * (len(o.subject_name) - 1)
            ),
        ),
        Col("立案日期", lambda o: o.opened_on, "opened_on"),
        Col("状态", lambda o: o.get_status_display(), "status"),
        Col("重大", lambda o: o.is_major),
        Col("决定日期", lambda o: o.decided_on, "decided_on"),
        Col("公示日期", lambda o: o.published_on, "published_on"),
        Col("按时公示", lambda o: o.published_on_time),
    ],
    filters=[
        Filt("kind", "类别", tuple(CaseKind.choices)),
        Filt("status", "状态", tuple(CaseStatus.choices)),
        Filt(
            "is_major",
            "重大执法决定",
            (("yes", "是"), ("no", "否")),
            lambda qs, v: qs.filter(is_major=(v == "yes")),
        ),
    ],
    search=("number", "subject_name", "legal_basis"),
    year_field="opened_on__year",
    procedure=P.CASE,
    actions=P.CASE_ACTIONS,
    create_fields=services.CASE_FIELDS,
    create=services.create_case,
    choices_for=cert_choices,
    detail=lambda o: model_fields(
        o,
        [
            "number",
            "kind",
            "subject_type",
            "subject_name",
            "id_number",
            "phone",
            "legal_basis",
            "facts",
            "opened_on",
            "decision_due",
            "extension_reason",
            "investigated_on",
            "evidence_summary",
            "notified_on",
            "hearing_requested",
            "hearing_held_on",
            "is_major",
            "major_reason",
            "decided_on",
            "decision",
            "penalty_amount",
            "publication_due",
            "published_on",
            "published_on_time",
            "executed_on",
            "execution_note",
            "closed_on",
            "changed_on",
            "change_kind",
            "withdrawal_due",
            "withdrawn_on",
        ],
    ),
    checklist=P.case_checklist,
    extra_template="enforcement/_case_extra.html",
    extra_context=_case_context,
    documents=[("notice", "执法决定公示通知")],
    due=lambda o: (
        o.decision_due
        if o.decided_on is None
        else (
            o.publication_due
            if o.published_on is None
            else (o.withdrawal_due if o.changed_on and not o.withdrawn_on else None)
        )
    ),
    ordering=("-opened_on", "-id"),
)

CERTIFICATE = Ledger(
    app="enforcement",
    key="certificate",
    plural="certificates",
    model=EnforcementCertificate,
    title="执法证件",
    columns=[
        Col("持证人", lambda o: o.holder_name, "holder_name"),
        Col("单位", lambda o: o.unit.name),
        Col("执法证号", lambda o: o.number, "number"),
        Col("执法领域", lambda o: o.area),
        Col("发证日期", lambda o: o.issued_on),
        Col("有效期至", lambda o: o.expires_on, "expires_on"),
        Col(
            "状态",
            lambda o: (
                "已注销"
                if o.revoked
                else ("已过期" if o.expires_on < timezone.localdate() else "有效")
            ),
        ),
    ],
    filters=[
        Filt(
            "validity",
            "状态",
            (("valid", "有效"), ("expiring", "30日内到期"), ("expired", "已过期")),
            lambda qs, v: _validity(qs, v),
        )
    ],
    search=("holder_name", "number", "area"),
    procedure=P.CERTIFICATE,
    actions=P.CERTIFICATE_ACTIONS,
    create_fields=services.CERT_FIELDS,
    create=services.create_certificate,
    detail=lambda o: model_fields(
        o, ["holder_name", "number", "area", "issued_on", "expires_on", "revoked"]
    ),
    due=_cert_due,
    ordering=("expires_on", "id"),
)


def _validity(qs, v):
    import datetime as dt

    today = timezone.localdate()
    if v == "valid":
        return qs.filter(revoked=False, expires_on__gte=today)
    if v == "expiring":
        return qs.filter(
            revoked=False, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30)
        )
    if v == "expired":
        return qs.filter(expires_on__lt=today)
    return qs


def _challenge(model, key, plural, title, procedure, create, extra_fields):
    return Ledger(
        app="enforcement",
        key=key,
        plural=plural,
        model=model,
        title=title,
        columns=[
            Col("案号", lambda o: o.case_no, "case_no"),
            Col("单位", lambda o: o.unit.name),
            Col("申请人/原告", lambda o: o.applicant),
            Col("被申请（被诉）行为", lambda o: o.act),
            Col("收到日期", lambda o: o.received_on, "received_on"),
            Col("答复期限", lambda o: o.reply_due, "reply_due"),
            Col("答复日期", lambda o: o.replied_on),
            Col("状态", lambda o: o.get_status_display(), "status"),
            Col("结果", lambda o: o.get_outcome_display()),
        ],
        filters=[
            Filt("status", "状态", tuple(ChallengeStatus.choices)),
            Filt("outcome", "结果", tuple(Outcome.choices)),
        ],
        search=("case_no", "applicant", "act"),
        year_field="received_on__year",
        procedure=procedure,
        actions=P.CHALLENGE_ACTIONS,
        create_fields=services.CHALLENGE_FIELDS,
        create=create,
        detail=lambda o: model_fields(
            o,
            [
                "case_no",
                "applicant",
                "act",
                "organ",
                "received_on",
                "reply_due",
                "replied_on",
                "replied_on_time",
                "evidence",
                *extra_fields,
                "outcome",
                "outcome_on",
                "outcome_note",
            ],
        ),
        due=lambda o: o.reply_due if o.replied_on is None else None,
        ordering=("-received_on", "-id"),
    )


RECONSIDERATION = _challenge(
    Reconsideration,
    "reconsideration",
    "reconsiderations",
    "行政复议",
    P.RECONSIDERATION,
    services.create_reconsideration,
    ["corrected"],
)
LITIGATION = _challenge(
    Litigation,
    "litigation",
    "litigations",
    "行政应诉",
    P.CHALLENGE,
    services.create_litigation,
    ["hearing_on", "head_appeared", "head_name", "absence_reason", "lost"],
)

LEDGERS = [CASE, CERTIFICATE, RECONSIDERATION, LITIGATION]
BY_KEY = {lg.key: lg for lg in LEDGERS}
TABS = [
    ("index", "概览"),
    ("case_list", "执法案件"),
    ("certificate_list", "执法证件"),
    ("reconsideration_list", "行政复议"),
    ("litigation_list", "行政应诉"),
    ("public", "执法公示（公开页）"),
    ("settings", "设置"),
]
