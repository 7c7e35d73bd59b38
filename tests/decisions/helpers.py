"""Shared set-up for the decisions tests: a published catalog and a decision ready to go."""

from __future__ import annotations

import datetime as dt

from fazhi.core.models import Membership
from fazhi.core.roles import Role
from fazhi.decisions import procedures as P
from fazhi.decisions import services
from fazhi.ledgers.fields import perform
from tests.factories import member

VIEWS = "\n".join(
    [
        "李副镇长|副镇长|同意|方案可行",
        "王委员|党委委员|不同意|资金来源不明确，建议暂缓",
        "赵镇长|镇长|同意|同意实施",
    ]
)


def adviser(world, username="adviser_a"):
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    return member(world.township_a, Role.LEGAL_ADVISER, username=username, display_name="刘律师")


def catalog(world, year=2024, publish=True):
    cat = services.create_catalog(unit=world.township_a, actor=world.clerk_a, year=year)
    if publish:
        cat = perform(
            P.CATALOG,
            P.CATALOG_ACTIONS,
            cat,
            "approve",
            user=world.clerk_a,
            raw={"approved_on": f"{year}-01-10", "approval_meeting": "党政联席会议"},
        )
        cat = perform(
            P.CATALOG,
            P.CATALOG_ACTIONS,
            cat,
            "publish",
            user=world.clerk_a,
            raw={"published_on": f"{year}-01-15", "publish_channel": "镇政府网站"},
        )
    return cat


def decision(world, year=2024, title="镇区农贸市场改造"):
    return services.create_decision(
        unit=world.township_a,
        actor=world.clerk_a,
        title=title,
        year=year,
        drafting_office="镇经济发展办",
        added_reason="年中新增" if year else "",
    )


def act(obj, action, user, **raw):
    proc, actions = P.PROCEDURES[type(obj)]
    return perform(proc, actions, obj, action, user=user, raw=raw)


APPLIES_ALL = dict(
    participation_applies="yes",
    expert_applies="yes",
    risk_applies="yes",
    hearing_applies="no",
    hearing_reason="不涉及群众切身利益的重大分歧，无需听证",
)


def to_review(world, d, start=dt.date(2024, 3, 1)):
    """Take ``d`` through applicability, participation, expert review and risk assessment."""
    d = act(d, "set_applicability", world.clerk_a, **APPLIES_ALL)
    d = act(
        d,
        "record_participation",
        world.clerk_a,
        started_on=str(start),
        ended_on=str(start + dt.timedelta(days=30)),
        people="网上征求意见、座谈会",
        opinions_count="12",
        handling="采纳8条，未采纳4条并说明理由",
    )
    d = act(
        d,
        "record_expert",
        world.clerk_a,
        started_on="2024-04-10",
        people="张教授、李工程师",
        summary="方案可行",
        interest_excluded="1",
        signed="1",
    )
    d = act(
        d,
        "record_risk",
        world.clerk_a,
        started_on="2024-04-15",
        risk_level="medium",
        risk_points="摊位调整引发矛盾",
        measures="提前公示、逐户沟通",
        plan="应急处置预案",
    )
    return d


def review_passed(world, d, reviewer=None, requested="2024-04-20", opinion="2024-05-06"):
    reviewer = reviewer or adviser(world)
    d = act(d, "request_review", world.clerk_a, requested_on=requested, days="7")
    review = services.latest_review(d)
    review = act(
        review, "assign", world.admin_a, reviewer=str(reviewer.pk), reviewer_office="镇司法所"
    )
    review = act(
        review,
        "give_opinion",
        reviewer,
        conclusion="lawful",
        opinion="草案合法",
        opinion_on=opinion,
    )
    return review


def ready_for_discussion(world, d):
    d = to_review(world, d)
    review_passed(world, d)
    d.refresh_from_db()
    return act(d, "submit", world.clerk_a)


def discuss(world, d, **over):
    raw = dict(
        meeting_kind="leadership",
        meeting_date="2024-05-20",
        members_total="5",
        attendees_count="3",
        head_name="赵镇长",
        views=VIEWS,
        outcome="adopted",
    )
    raw.update(over)
    return act(d, "record_discussion", world.clerk_a, **raw)


__all__ = ["Membership"]
