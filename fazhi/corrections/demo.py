"""Demo special groups (after honours): per township a roster of 社区矫正对象 (a few received
this year, some released at the term's end, one in the third township received back into
prison for a new crime) and 安置帮教对象 released over the last five years, with visits.
东风镇's roster is in order (everyone reported in within the ten days, no one lost), so its
report says 无脱管漏管; 清河乡 has one subject overdue to report in and 城关街道 one who
reported in late, so theirs list the shortfall instead. A generator of its own
(``random.Random``), so the other generators' data stay as they were. 东风镇's 司法所 head
(``admin_df``) also gets the corrections role."""

from __future__ import annotations

import datetime as dt
import random
from functools import partial

from django.utils import timezone

from fazhi.core import demo
from fazhi.core.identifiers import id_check_digit
from fazhi.core.models import Membership
from fazhi.core.roles import Role

from .models import (
    GroupKind,
    SentenceKind,
    Status,
    SupervisedPerson,
    SupervisionVisit,
    VisitKind,
    report_due,
    years_after,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帅"
SENTENCES = (
    [SentenceKind.PROBATION] * 5
    + [SentenceKind.PAROLE] * 2
    + [
        SentenceKind.CONTROL,
        SentenceKind.OUTSIDE,
    ]
)
VISITS = [VisitKind.VISIT, VisitKind.TALK, VisitKind.REPORT, VisitKind.STUDY, VisitKind.SERVICE]


def _id_number(rng, born: dt.date) -> str:
    first = f"990101{born:%Y%m%d}{rng.randint(100, 999)}"
    return first + id_check_digit(first)


def _person(rng, township, villages, user, kind, **fields) -> SupervisedPerson:
    born = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
    return SupervisedPerson(
        unit=township,
        kind=kind,
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
        id_number=_id_number(rng, born),
        phone=f"139{rng.randint(10000000, 99999999)}",
        village=rng.choice(villages) if villages else None,
        created_by=user,
        **fields,
    )


def _in_community(person, eff, **fields) -> SupervisedPerson:
    """A 社区矫正对象 whose judgment took effect on ``eff``: the ten days to report in and
    the term run from that day."""
    return person(
        GroupKind.COMMUNITY, effective_on=eff, report_due=report_due(eff), term_start=eff, **fields
    )


def _community(rng, today, year, n_new, n_old):
    """(effective, term years, status) rows: this year's intake, and earlier ones (some
    of which end this year)."""
    rows = []
    for i in range(n_new):
        month = 1 + (i * 11) // max(n_new, 1)
        eff = min(dt.date(year, month, rng.randint(1, 28)), today - dt.timedelta(days=12))
        rows.append((eff, rng.choice((1, 2, 3))))
    for _ in range(n_old):
        eff = dt.date(year - rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 28))
        rows.append((eff, rng.choice((1, 2, 3, 4))))
    return rows


@demo.register(order=78)
def gen(ctx) -> None:
    rng = random.Random(f"corrections-{ctx.year}")
    today = timezone.localdate()
    year = ctx.year
    start = dt.date(year, 1, 1)
    head = ctx.users.get("admin_df")
    if head is not None and ctx.townships:
        Membership.objects.get_or_create(
            user=head, unit=ctx.townships[0], role=Role.CORRECTIONS_OFFICER
        )
    user = ctx.users.get("corrections_df") or head
    people: list[SupervisedPerson] = []
    for t_index, township in enumerate(ctx.townships):
        villages = list(ctx.villages[township.pk])
        person = partial(_person, rng, township, villages, user)
        for eff, years in _community(rng, today, year, 3 + t_index % 3, 6 + t_index % 4):
            reported = eff + dt.timedelta(days=rng.randint(1, 9))
            term_end = years_after(eff, years) - dt.timedelta(days=1)
            status, ended, reason = Status.ACTIVE, None, ""
            if term_end < today:
                status, ended, reason = Status.RELEASED, term_end, "期满解除"
            people.append(
                _in_community(
                    person,
                    eff,
                    sentence_kind=rng.choice(SENTENCES),
                    reported_on=reported,
                    term_end=term_end,
                    status=status,
                    ended_on=ended,
                    end_reason=reason,
                )
            )
        for _ in range(5 + t_index % 4):
            released = today - dt.timedelta(days=rng.randint(30, 5 * 365 - 30))
            people.append(
                person(
                    GroupKind.RESETTLEMENT,
                    released_on=released,
                    term_start=released,
                    term_end=years_after(released, 5),
                    status=Status.ACTIVE,
                )
            )
        # The exceptions the reports of other townships must not hide.
        if t_index == 1:  # not reported in: the ten days have passed
            eff = today - dt.timedelta(days=16)
            people.append(
                _in_community(
                    person,
                    eff,
                    sentence_kind=SentenceKind.PROBATION,
                    term_end=years_after(eff, 2),
                    status=Status.PENDING,
                )
            )
        if t_index == 2:  # reported in three days late; one received back into prison
            eff = max(start, today - dt.timedelta(days=120))
            people.append(
                _in_community(
                    person,
                    eff,
                    sentence_kind=SentenceKind.PAROLE,
                    reported_on=report_due(eff) + dt.timedelta(days=3),
                    term_end=years_after(eff, 1),
                    status=Status.ACTIVE,
                    notes="外出务工返回后报到",
                )
            )
            eff = dt.date(year - 1, 6, 10)
            people.append(
                _in_community(
                    person,
                    eff,
                    sentence_kind=SentenceKind.PROBATION,
                    reported_on=eff + dt.timedelta(days=4),
                    term_end=years_after(eff, 3),
                    status=Status.REVOKED,
                    ended_on=max(start, today - dt.timedelta(days=60)),
                    end_reason="缓刑考验期内重新犯罪",
                    reoffended=True,
                )
            )
    for p in people:
        p.save()
    visits = []
    for p in people:
        if p.status != Status.ACTIVE:
            continue
        begun = p.reported_on or p.released_on
        first = max(begun, start)
        if first >= today:
            continue
        span = (today - first).days
        for _ in range(
            rng.randint(1, 4) if p.kind == GroupKind.RESETTLEMENT else rng.randint(3, 8)
        ):
            kind = rng.choice(VISITS if p.kind == GroupKind.COMMUNITY else VISITS[:2])
            visits.append(
                SupervisionVisit(
                    person=p,
                    visited_on=first + dt.timedelta(days=rng.randint(0, span)),
                    kind=kind,
                    by_whom="司法所" if kind != VisitKind.VISIT else "司法所、村(社区)网格员",
                    notes="",
                    created_by=user,
                )
            )
    SupervisionVisit.objects.bulk_create(visits, batch_size=500)
    ctx.log(f"社区矫正与安置帮教：{len(people)} 名对象，{len(visits)} 次走访谈话")
