"""What the public page shows: published, not withdrawn or changed, masked, within the period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fazhi.core import pii

from .models import DEFAULT_DISPLAY_DAYS, EnforcementCase, EnforcementSettings, SubjectType


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return name + "*"
    return name[0] + "*" * (len(name) - 1)


def mask_id(value: str) -> str:
    return pii.mask_resident_id(value) if value else ""


def public_cases(today: dt.date):
    """Published decisions shown to anyone: natural persons' only within their county's period."""
    qs = EnforcementCase.objects.filter(
        published_on__isnull=False,
        published_on__lte=today,
        withdrawn_on__isnull=True,
        changed_on__isnull=True,
    ).select_related("unit")
    cond = Q(subject_type=SubjectType.LEGAL)
    settings = {
        s.unit.path: s.display_days for s in EnforcementSettings.objects.select_related("unit")
    }
    for path, days in settings.items():
        cond |= Q(
            subject_type=SubjectType.NATURAL,
            unit__path__startswith=path,
            published_on__gte=today - dt.timedelta(days=days),
        )
    default_cond = Q(
        subject_type=SubjectType.NATURAL,
        published_on__gte=today - dt.timedelta(days=DEFAULT_DISPLAY_DAYS),
    )
    for path in settings:
        default_cond &= ~Q(unit__path__startswith=path)
    return qs.filter(cond | default_cond).order_by("-published_on", "-id")


def public_row(case) -> dict:
    natural = case.subject_type == SubjectType.NATURAL
    return {
        "unit": case.unit.name,
        "number": case.number,
        "kind": case.get_kind_display(),
        "subject": mask_name(case.subject_name) if natural else case.subject_name,
        "id_number": mask_id(case.id_number) if natural else case.id_number,
        "basis": case.legal_basis,
        "decision": case.decision,
        "amount": case.penalty_amount,
        "decided_on": case.decided_on,
        "published_on": case.published_on,
    }
