"""领导接访下访 and 司法救助 in the annual report.

Indicators, over the unit's subtree and the year:

- group ``receptions``: ``disputes.receptions`` (次, the ledger's receptions),
  ``disputes.reception_leaders`` (名, the heads who received), ``disputes.reception_people``
  (人次, people received), ``disputes.receptions_resolved`` (件, receptions whose problem
  was resolved);
- group ``judicial_assistance``: ``disputes.judicial_assistance`` (人次, grants) and
  ``disputes.judicial_assistance_amount`` (万元).

The petitions point (``report._petitions_point``) adds ``reception_sentence`` —
"党委书记、镇长带头接访下访12次，接待群众85人次，面对面听取群众诉求，协调解决群众反映问题
9件" — and ``assistance_sentence`` — "协调落实国家司法救助3人次，发放救助资金2.6万元";
section three gets each reception as the head's act (``reception_acts``). A petition
linked to a reception is that reception's: the petition's own 接访领导 is not counted
again (``petitions.leader_received`` counts the petitions no reception holds)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from fazhi.indicators.registry import Indicator, Value, group, indicator
from fazhi.reports.contrib import Context, HeadAct, Source, joined

from .models import JudicialAssistance, LeaderReception, ReceptionKind

G = "receptions"
GA = "judicial_assistance"


def _span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@group(G, "领导接访下访", reads=("disputes.LeaderReception",))
def _receptions(unit, year):
    agg = (
        LeaderReception.objects.in_subtree(unit)
        .filter(received_on__range=_span(year))
        .aggregate(
            n=Count("pk"),
            leaders=Count("leader_name", distinct=True),
            people=Sum("people"),
            resolved=Count("pk", filter=Q(resolved=True)),
        )
    )
    return {
        "disputes.receptions": Value.count(agg["n"]),
        "disputes.reception_leaders": Value.count(agg["leaders"]),
        "disputes.reception_people": Value.count(agg["people"]),
        "disputes.receptions_resolved": Value.count(agg["resolved"]),
    }


indicator(Indicator("disputes.receptions", "领导接访下访", "次", G, phrase="接访下访"))
indicator(Indicator("disputes.reception_leaders", "接访下访的领导", "名", G, phrase="接访领导"))
indicator(Indicator("disputes.reception_people", "领导接待群众", "人次", G, phrase="接待群众"))
indicator(
    Indicator(
        "disputes.receptions_resolved",
        "领导接访下访解决问题",
        "件",
        G,
        phrase="协调解决群众反映问题",
    )
)


@group(GA, "司法救助", reads=("disputes.JudicialAssistance",))
def _assistance(unit, year):
    agg = (
        JudicialAssistance.objects.in_subtree(unit)
        .filter(granted_on__range=_span(year))
        .aggregate(n=Count("pk"), amount=Sum("amount"))
    )
    return {
        "disputes.judicial_assistance": Value.count(agg["n"]),
        "disputes.judicial_assistance_amount": Value.amount(Decimal(agg["amount"] or 0) / 10000, 2),
    }


indicator(Indicator("disputes.judicial_assistance", "司法救助", "人次", GA))
indicator(
    Indicator(
        "disputes.judicial_assistance_amount",
        "司法救助金额",
        "万元",
        GA,
        kind="amount",
        decimals=2,
        phrase="发放救助资金",
    )
)


def _list(name: str, ctx: Context) -> str:
    return f"{reverse(f'disputes:{name}')}?year={ctx.year}&unit={ctx.unit.pk}"


def who_received(ctx: Context, posts: list[str]) -> str:
    """The posts (most receptions first) as a report names them: the party head, then the
    government head, then others; "等领导" beyond three; "党政领导" with none recorded."""
    rank = {"party": 0, "gov": 1}
    posts = sorted(posts[:4], key=lambda post: rank.get(ctx.voice.is_head_post(post), 2))
    if not posts:
        return "党政领导"
    return joined(posts[:3]) + ("等领导" if len(posts) > 3 else "")


def reception_sentence(ctx: Context, sources: list[Source]) -> str:
    """ "" or "党委书记、镇长带头接访下访12次，接待群众85人次，面对面听取群众诉求，协调解决
    群众反映问题9件" (the figures' sources appended to ``sources``)."""
    if not ctx.n("disputes.receptions"):
        return ""
    posts = list(
        LeaderReception.objects.in_subtree(ctx.unit)
        .filter(received_on__range=_span(ctx.year))
        .values("leader_post")
        .annotate(n=Count("pk"))
        .order_by("-n", "leader_post")
        .values_list("leader_post", flat=True)[:4]
    )
    fig = ctx.fig
    text = f"{who_received(ctx, posts)}带头接访下访{fig('disputes.receptions')}"
    codes = ["disputes.receptions"]
    if ctx.n("disputes.reception_people"):
        text += f"，接待群众{fig('disputes.reception_people')}"
        codes.append("disputes.reception_people")
    text += "，面对面听取群众诉求"
    if ctx.n("disputes.receptions_resolved"):
        text += f"，协调解决群众反映问题{fig('disputes.receptions_resolved')}"
        codes.append("disputes.receptions_resolved")
    sources += [ctx.indicator_source(c) for c in codes]
    sources.append(Source(f"领导接访下访台账（{ctx.year}年）", _list("reception_list", ctx)))
    return text


def assistance_sentence(ctx: Context, sources: list[Source]) -> str:
    """ "" or "协调落实国家司法救助3人次，发放救助资金2.6万元"."""
    if not ctx.n("disputes.judicial_assistance"):
        return ""
    text = f"协调落实国家司法救助{ctx.fig('disputes.judicial_assistance')}"
    codes = ["disputes.judicial_assistance"]
    if ctx.n("disputes.judicial_assistance_amount"):
        text += f"，发放救助资金{ctx.fig('disputes.judicial_assistance_amount')}"
        codes.append("disputes.judicial_assistance_amount")
    sources += [ctx.indicator_source(c) for c in codes]
    sources.append(Source(f"司法救助台账（{ctx.year}年）", _list("assistance_list", ctx)))
    return text


def _first_clause(text: str) -> str:
    return re.split(r"[，。；;,\n]", (text or "").strip(), maxsplit=1)[0]


def reception_acts(ctx: Context, matter_core) -> list[HeadAct]:
    """Each reception of the year as its head's act: "在镇信访接待室接待5名群众，协调解决
    征地补偿款未足额发放问题" / "到红星村下访，就饮水困难问题听取群众诉求"."""
    rows = (
        LeaderReception.objects.in_subtree(ctx.unit)
        .filter(received_on__range=_span(ctx.year))
        .order_by("received_on", "pk")[:500]
    )
    out = []
    for r in rows:
        topic = matter_core(_first_clause(r.matters))[:40]
        many = f"{r.people}名群众" if r.people > 1 else "来访群众"
        if r.kind == ReceptionKind.VISIT:
            act = f"到{r.place}下访"
        elif r.kind == ReceptionKind.APPOINT:
            act = f"在{r.place}约见{'信访群众' if r.people == 1 else f'{r.people}名信访群众'}"
        else:
            act = f"在{r.place}接待{many}"
        act += f"，协调解决{topic}问题" if r.resolved else f"，就{topic}问题听取群众诉求"
        out.append(
            HeadAct(
                name=r.leader_name,
                post=r.leader_post,
                text=act,
                date=r.received_on,
                kind="petition",
                topic=topic,
                sources=[
                    Source(
                        f"领导接访下访 {r.received_on}",
                        reverse("disputes:reception_detail", args=[r.pk]),
                    )
                ],
            )
        )
    return out
