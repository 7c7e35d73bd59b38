"""What the home page shows above the mechanism cards: panels other apps register.

The shell imports no app: an app registers its panel from its ``AppConfig.ready`` (the
reports app's indicator dashboard, ``ReportsConfig.ready``). The home page shows each panel
to a user who may see the current unit, in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str  # the name the page's context gives the panel's data ("dash")
    template: str  # included above the cards; reads its data under ``name``
    data: Callable[..., dict | None]  # (unit, year) -> the data, or None to show nothing
    scripts: str = ""  # included in the page's scripts block when there is data


PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    PANELS[:] = [p for p in PANELS if p.name != panel.name] + [panel]
    return panel


def shown(unit, year) -> tuple[dict, list[Panel]]:
    """The panels' data by name, and the panels that have data to show."""
    data, with_data = {}, []
    for panel in PANELS:
        value = panel.data(unit, year)
        if value:
            data[panel.name] = value
            with_data.append(panel)
    return data, with_data
