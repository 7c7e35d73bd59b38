from __future__ import annotations

from .mechanisms import MECHANISMS, shown_to
from .switcher import current_unit, current_year, switch_choices


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"mechanisms": tuple(m for m in MECHANISMS if not m.perm)}
    return {
        "mechanisms": shown_to(user),
        "current_unit": current_unit(request),
        "current_year": current_year(request),
        "switch_units": switch_choices(request),
        "switch_years": list(range(current_year(request, default_only=True) + 1, 2015, -1)),
    }
